'use strict';
// Per-user and per-app rate limits with 15-minute and 24-hour windows (x-dm-api.md §4).

const responses = require('./responses');

const WINDOW_MS = { 15: 15 * 60 * 1000, 24: 24 * 60 * 60 * 1000 };

// Endpoints sharing a bucket map to the same group (§4.2: the three DM POSTs share one, so do the three list GETs).
const GROUP_BY_OPERATION = {
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
};

// Limits per group: user15/user24 per user, app15/app24 per app. `dayHeaders` adds the 24-hour headers.
const USERS_LOOKUP = { user15: 900, app15: 300 };
const MEDIA_CHUNKED = { user15: 1875, app24: 180000 };
const CURRENT = {
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
	default: USERS_LOOKUP,
};
// 2022 launch docs; endpoints they did not cover keep the current numbers.
const LAUNCH = {
	...CURRENT,
	dmPost: { user15: 200, user24: 1000, app24: 15000, dayHeaders: true },
	dmList: { user15: 300 },
};
const PROFILES = { current: CURRENT, launch: LAUNCH };

function groupOf(ctx) {
	const operationId = ctx.operation && ctx.operation.operationId;
	return GROUP_BY_OPERATION[operationId] || operationId || `${ctx.method} ${ctx.path}`;
}

/** Resolves a profile name, or an object of group overrides (optionally with `base: 'launch'|'current'`). */
function resolveProfile(nameOrObject) {
	if (typeof nameOrObject === 'string') {
		if (!PROFILES[nameOrObject]) throw new Error(`Unknown rate-limit profile: ${nameOrObject}`);
		return { name: nameOrObject, groups: PROFILES[nameOrObject] };
	}
	const { base = 'current', ...overrides } = nameOrObject || {};
	return { name: 'custom', groups: { ...resolveProfile(base).groups, ...overrides } };
}

function createRateLimiter({ clock, profile = 'launch' }) {
	let active = resolveProfile(profile);
	let cap;
	const buckets = new Map();

	function bucket(key, limit, windowHours) {
		const now = clock.now();
		let entry = buckets.get(key);
		if (!entry || now >= entry.resetAt) {
			entry = { used: 0, resetAt: now + WINDOW_MS[windowHours] };
			buckets.set(key, entry);
		}
		return { key, limit, entry };
	}

	// The buckets a request draws from: per-user ones only for user-context auth.
	function bucketsFor(group, auth) {
		const limits = active.groups[group] || active.groups.default;
		const isUser = auth.kind !== 'app' && auth.userId !== undefined;
		const pick = (scope, hours, owner) => {
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

	function headersFor(selected) {
		const headers = {};
		const put = (prefix, selectedBucket) => {
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

	/** Counts the request; returns { headers } to add to the response, or throws the 429 Response. */
	function check(ctx) {
		if (cap) throw responses.usageCapped(cap.period, cap.scope);
		const selected = bucketsFor(groupOf(ctx), ctx.auth || {});
		const drawn = [selected.user15, selected.user24, selected.app15, selected.app24].filter(Boolean);
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
		/** Forget all counters (new windows start at the next request). */
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

module.exports = { createRateLimiter, PROFILES, GROUP_BY_OPERATION, groupOf };
