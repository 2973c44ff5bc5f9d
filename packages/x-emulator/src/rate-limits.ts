// Per-user and per-app rate limits with 15-minute and 24-hour windows (x-dm-api.md §4).
import type { Clock } from './clock';
import * as responses from './responses';

const WINDOW_MS = { 15: 15 * 60 * 1000, 24: 24 * 60 * 60 * 1000 } as const;
type WindowHours = keyof typeof WINDOW_MS;

// Endpoints sharing a bucket map to the same group (§4.2: the three DM POSTs share one, so do the three list GETs).
export const GROUP_BY_OPERATION: Readonly<Record<string, string>> = {
	createDirectMessagesByParticipantId: 'dmPost',
	createDirectMessagesByConversationId: 'dmPost',
	createDirectMessagesConversation: 'dmPost',
	getDirectMessagesEvents: 'dmList',
	getDirectMessagesEventsByParticipantId: 'dmList',
	getDirectMessagesEventsByConversationId: 'dmList',
	getDirectMessagesEventsById: 'dmEventGet',
	deleteDirectMessagesEvents: 'dmEventDelete',
	dmConversationsMediaDownload: 'dmMediaDownload',
	blockUsersDms: 'dmBlock',
	unblockUsersDms: 'dmBlock',
	getUsersMe: 'usersMe',
	getUsersByUsername: 'usersByUsername',
	getUsersByUsernames: 'usersByUsernames',
	getUsersById: 'usersById',
	getUsersByIds: 'usersByIds',
	mediaUpload: 'mediaUpload',
	getMediaUploadStatus: 'mediaStatus',
	initializeMediaUpload: 'mediaInitialize',
	appendMediaUpload: 'mediaAppend',
	finalizeMediaUpload: 'mediaFinalize',
	createWebhooks: 'webhooksCreate',
	getWebhooks: 'webhooksList',
	validateWebhooks: 'webhooksValidate',
	deleteWebhooks: 'webhooksDelete',
	createWebhookReplayJob: 'webhooksReplay',
	createActivitySubscription: 'activitySubscriptionsCreate',
	getActivitySubscriptions: 'activitySubscriptionsList',
	updateActivitySubscription: 'activitySubscriptionsUpdate',
	deleteActivitySubscription: 'activitySubscriptionsDelete',
	// Not in X's table: shares the single delete's bucket (guess).
	deleteActivitySubscriptionsByIds: 'activitySubscriptionsDelete',
};

/** Limits of one group: user15/user24 per user, app15/app24 per app. `dayHeaders` adds the 24-hour headers. */
export interface GroupLimits {
	user15?: number;
	user24?: number;
	app15?: number;
	app24?: number;
	dayHeaders?: boolean;
}

export type RateLimitProfileName = 'launch' | 'current';
/** A profile name, or group overrides on top of a base profile (`base` defaults to 'current'). */
export type RateLimitProfile = RateLimitProfileName | ({ base?: RateLimitProfileName } & { [group: string]: GroupLimits | RateLimitProfileName | undefined });

type ProfileGroups = Readonly<Record<string, GroupLimits>>;

const USERS_LOOKUP: GroupLimits = { user15: 900, app15: 300 };
const MEDIA_CHUNKED: GroupLimits = { user15: 1875, app24: 180000 };
// "Activity & Webhooks" table (x-activity-api.md §12): per app, whoever calls.
const WEBHOOKS: GroupLimits = { app15: 450 };
const SUBSCRIPTIONS: GroupLimits = { app15: 500 };
const CURRENT: ProfileGroups = {
	dmPost: { user15: 15, user24: 1440, app24: 1440, dayHeaders: true },
	dmList: { user15: 15 },
	dmEventGet: { user15: 15 },
	dmEventDelete: { user15: 300, user24: 1500, app24: 4000 },
	dmMediaDownload: { user15: 15 },
	dmBlock: { user15: 10, user24: 400, app15: 25, app24: 1000 },
	usersMe: { user15: 75 },
	usersByUsername: USERS_LOOKUP,
	usersByUsernames: USERS_LOOKUP,
	usersById: USERS_LOOKUP,
	usersByIds: USERS_LOOKUP,
	mediaUpload: { user15: 500, app24: 50000 },
	mediaStatus: { user15: 1000, app24: 100000 },
	mediaInitialize: MEDIA_CHUNKED,
	mediaAppend: MEDIA_CHUNKED,
	mediaFinalize: MEDIA_CHUNKED,
	webhooksCreate: WEBHOOKS,
	webhooksList: WEBHOOKS,
	webhooksValidate: WEBHOOKS,
	webhooksDelete: WEBHOOKS,
	webhooksReplay: { app15: 100 },
	activityStream: { app15: 450 },
	activitySubscriptionsCreate: SUBSCRIPTIONS,
	activitySubscriptionsList: SUBSCRIPTIONS,
	activitySubscriptionsUpdate: SUBSCRIPTIONS,
	activitySubscriptionsDelete: SUBSCRIPTIONS,
	default: USERS_LOOKUP,
};
// 2022 launch docs; endpoints they did not cover keep the current numbers.
const LAUNCH: ProfileGroups = {
	...CURRENT,
	dmPost: { user15: 200, user24: 1000, app24: 15000, dayHeaders: true },
	dmList: { user15: 300 },
};
export const PROFILES: Readonly<Record<RateLimitProfileName, ProfileGroups>> = { current: CURRENT, launch: LAUNCH };

/** Who a request draws from: per-user buckets only for user-context auth. */
export interface RateLimitCaller {
	kind?: string;
	userId?: string;
	appId?: string;
}

export interface RateLimitRequest {
	method: string;
	path: string;
	operation?: { operationId?: string };
	auth?: RateLimitCaller;
}

export function groupOf(ctx: RateLimitRequest): string {
	const operationId = ctx.operation?.operationId;
	return (operationId && GROUP_BY_OPERATION[operationId]) || operationId || `${ctx.method} ${ctx.path}`;
}

interface ResolvedProfile {
	name: RateLimitProfileName | 'custom';
	groups: ProfileGroups;
}

/** Resolves a profile name, or an object of group overrides (optionally with `base: 'launch'|'current'`). */
function resolveProfile(nameOrObject: RateLimitProfile | null | undefined): ResolvedProfile {
	if (typeof nameOrObject === 'string') {
		if (!Object.hasOwn(PROFILES, nameOrObject)) throw new Error(`Unknown rate-limit profile: ${nameOrObject}`);
		return { name: nameOrObject, groups: PROFILES[nameOrObject] };
	}
	const { base = 'current', ...overrides } = nameOrObject || {};
	return { name: 'custom', groups: { ...resolveProfile(base).groups, ...(overrides as Record<string, GroupLimits>) } };
}

/**
 * Limits for an app-only caller. Endpoints with per-app limits use them. The user-context-only endpoints (the DM
 * ones) have none, yet X sends rate-limit headers on the 403 an app-only token gets there: documented guess, the
 * app draws from its own buckets sized like the per-user limits.
 */
function appOnlyLimits(limits: GroupLimits): GroupLimits {
	if (limits.app15 !== undefined || limits.app24 !== undefined) return limits;
	return { ...limits, app15: limits.user15, app24: limits.user24 };
}

export interface UsageCap {
	period: string;
	scope: string;
}

interface BucketEntry {
	used: number;
	resetAt: number;
}

interface SelectedBucket {
	key: string;
	limit: number;
	entry: BucketEntry;
}

interface Selection {
	user15?: SelectedBucket;
	user24?: SelectedBucket;
	app15?: SelectedBucket;
	app24?: SelectedBucket;
	dayHeaders: boolean;
}

export interface RateLimiter {
	/** Counts the request; returns { headers } to add to the response, or throws the 429 Reply. */
	check(ctx: RateLimitRequest): { headers: Record<string, string> };
	readonly profile: ResolvedProfile;
	setProfile(nameOrObject: RateLimitProfile): void;
	/** Forget all counters (new windows start at the next request). */
	reset(): void;
	usageCap: {
		set(cap?: Partial<UsageCap>): void;
		clear(): void;
		get(): UsageCap | undefined;
	};
}

export function createRateLimiter({ clock, profile = 'launch' }: { clock: Clock; profile?: RateLimitProfile }): RateLimiter {
	let active = resolveProfile(profile);
	let cap: UsageCap | undefined;
	const buckets = new Map<string, BucketEntry>();

	function groupLimits(group: string): GroupLimits {
		return (Object.hasOwn(active.groups, group) ? active.groups[group] : undefined) ?? active.groups.default;
	}

	function bucket(key: string, limit: number, windowHours: WindowHours): SelectedBucket {
		const now = clock.now();
		let entry = buckets.get(key);
		if (!entry || now >= entry.resetAt) {
			entry = { used: 0, resetAt: now + WINDOW_MS[windowHours] };
			buckets.set(key, entry);
		}
		return { key, limit, entry };
	}

	function bucketsFor(group: string, auth: RateLimitCaller): Selection {
		const isUser = auth.kind !== 'app' && auth.userId !== undefined;
		const limits = isUser ? groupLimits(group) : appOnlyLimits(groupLimits(group));
		const pick = (scope: 'user' | 'app', hours: WindowHours, owner: string | undefined): SelectedBucket | undefined => {
			const limit = limits[`${scope}${hours}`];
			if (limit === undefined || owner === undefined) return undefined;
			return bucket(`${group}|${scope}:${owner}|${hours}h`, limit, hours);
		};
		return {
			user15: isUser ? pick('user', 15, auth.userId) : undefined,
			user24: isUser ? pick('user', 24, auth.userId) : undefined,
			app15: pick('app', 15, auth.appId),
			app24: pick('app', 24, auth.appId),
			dayHeaders: Boolean(limits.dayHeaders),
		};
	}

	function headersFor(selected: Selection): Record<string, string> {
		const headers: Record<string, string> = {};
		const put = (prefix: string, selectedBucket: SelectedBucket | undefined) => {
			if (!selectedBucket) return;
			const { limit, entry } = selectedBucket;
			headers[`${prefix}-limit`] = String(limit);
			headers[`${prefix}-remaining`] = String(Math.max(0, limit - entry.used));
			headers[`${prefix}-reset`] = String(Math.ceil(entry.resetAt / 1000));
		};
		put('x-rate-limit', selected.user15 || selected.app15 || selected.user24 || selected.app24);
		if (selected.dayHeaders) {
			put('x-user-limit-24hour', selected.user24);
			put('x-app-limit-24hour', selected.app24);
		}
		return headers;
	}

	function check(ctx: RateLimitRequest) {
		if (cap) throw responses.usageCapped(cap.period, cap.scope);
		const selected = bucketsFor(groupOf(ctx), ctx.auth || {});
		const drawn = [selected.user15, selected.user24, selected.app15, selected.app24].filter((item): item is SelectedBucket => Boolean(item));
		if (drawn.some(({ limit, entry }) => entry.used >= limit)) {
			throw responses.tooManyRequests(headersFor(selected));
		}
		for (const { entry } of drawn) entry.used += 1;
		return { headers: headersFor(selected) };
	}

	return {
		check,
		get profile() {
			return active;
		},
		setProfile(nameOrObject) {
			active = resolveProfile(nameOrObject);
		},
		reset() {
			buckets.clear();
		},
		usageCap: {
			set({ period = 'Monthly', scope = 'Product' } = {}) {
				cap = { period, scope };
			},
			clear() {
				cap = undefined;
			},
			get() {
				return cap;
			},
		},
	};
}
