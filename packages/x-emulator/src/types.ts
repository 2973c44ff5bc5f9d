// Public shapes of the emulator's API: what its methods take and the read-only copies they return.
import type { DmPolicy, OAuth1Permission } from './state';
import type { XDmEntities, XDmEventType, XUser } from './x-types';

export type { DmPolicy, OAuth1Permission };

export type MediaState = 'initialized' | 'pending' | 'in_progress' | 'succeeded' | 'failed';

/** Profile fields a user can be created or updated with (X User fields the emulator stores). */
export type UserProfile = Partial<
	Pick<
		XUser,
		| 'created_at'
		| 'description'
		| 'location'
		| 'url'
		| 'protected'
		| 'verified'
		| 'verified_type'
		| 'subscription_type'
		| 'profile_image_url'
		| 'profile_banner_url'
		| 'pinned_tweet_id'
		| 'most_recent_tweet_id'
	>
>;

export interface UserInput extends UserProfile {
	/** 1-19 digits; generated from the clock when absent. */
	id?: string;
	/** 1-15 of A-Z a-z 0-9 _ , unique (case-insensitive). */
	username: string;
	/** Defaults to the username. */
	name?: string;
	/** Who may DM this user: everyone (default), only users they follow, or nobody. */
	dmPolicy?: DmPolicy;
	/** Ids of the users this user follows. */
	following?: Iterable<string>;
}

/** What updateUser may change (id and username stay). */
export interface UserPatch extends UserProfile {
	name?: string;
	dmPolicy?: DmPolicy;
	/** Replaces the whole list. */
	following?: Iterable<string>;
}

/** A user as the emulator keeps it (a copy): X profile fields plus the DM policy and follows. */
export interface EmulatorUser extends UserProfile {
	id: string;
	username: string;
	name: string;
	created_at: string;
	dmPolicy: DmPolicy;
	following: string[];
}

/** Ground truth about one DM event (a copy): what happened, regardless of who may see it. */
export interface DmEventRecord {
	id: string;
	event_type: XDmEventType;
	dm_conversation_id: string;
	/** ISO 8601 */
	created_at: string;
	/** Messages: the sender; joins: the inviter (absent when nobody invited); leaves: absent. */
	sender_id?: string;
	/** Messages only ('' for an attachment-only message). */
	text?: string;
	/** Joins and leaves only. */
	participant_ids?: string[];
	entities?: XDmEntities;
	referenced_tweets?: Array<{ id: string }>;
	attachments?: { media_keys: string[] };
	/** Users who deleted the event from their own view. */
	deletedFor: string[];
}

export interface ConversationView {
	id: string;
	type: 'one_to_one' | 'group';
	/** Current participants. */
	participantIds: string[];
}

/** An uploaded media item (a copy), with its processing state as of the emulator clock. */
export interface MediaView {
	id: string;
	media_key: string;
	ownerId: string;
	additionalOwners: string[];
	category: string;
	shared: boolean;
	/** Bytes received. */
	size: number;
	totalBytes?: number;
	mimeType?: string;
	state: MediaState;
	/** ms since the epoch */
	createdAt: number;
	expiresAt: number;
	/** DM events it was attached to. */
	usedCount: number;
}

export interface SendAsInput {
	/** A user id: sends in the 1:1 conversation with them (created when needed). */
	to?: string;
	/** Or an existing conversation. */
	conversationId?: string;
	text?: string;
	/** Uploaded media (`{ media_id }`) or a described one (`{ media_key, type? }`). */
	attachments?: AttachmentInput[];
	/**
	 * A late arrival: the event is listed (and can be looked up) only once the clock is this many ms past its creation.
	 * X mints ids on many machines, so an event can show up after events with higher ids.
	 */
	visibleAfterMs?: number;
}

export type AttachmentInput =
	| { media_id: string }
	| { media_key: string; type?: 'photo' | 'animated_gif' | 'video'; width?: number; height?: number; duration_ms?: number; alt_text?: string };

export interface EventsQuery {
	conversationId?: string;
	/** Include events some user deleted from their view (default false). */
	includeDeleted?: boolean;
}

/** A fault to inject; see README "Faults". */
export interface FaultSpec {
	method?: string;
	/** A path prefix, or a RegExp (over HTTP: a string starting with "^"). */
	path?: string | RegExp;
	/** A regular expression source (over HTTP). */
	pathRegex?: string;
	/** Answer with this status instead of running the handler. */
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	latencyMs?: number;
	/** Drop the connection before the handler ran, after it took effect, or halfway through the response. */
	reset?: 'before' | 'after' | 'during';
	/** How many matching requests it applies to (default 1; Infinity for all). */
	times?: number;
}

/** A fault as listed by listFaults() and GET /_emulator/faults. */
export interface FaultView {
	method?: string;
	path?: string;
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	latencyMs?: number;
	reset?: 'before' | 'after' | 'during';
	remaining: number;
}

/** One request the emulator received (control calls excluded). Credentials are redacted. */
export interface RequestLogEntry {
	id: number;
	/** Emulator clock, ms */
	at: number;
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	/**
	 * Parsed JSON or form body (secret fields redacted), or { contentType, bytes } for other bodies. Once the log's
	 * whole bodies pass 32 MiB, the oldest become { contentType, bytes, truncated: true, fields? } (fields: top-level,
	 * values shortened); so does the body of a request refused with 413.
	 */
	body?: unknown;
	/** undefined while running; null when a fault dropped the connection before any response. */
	status: number | null | undefined;
	faulted?: boolean;
}

/** A /2 response that did not conform to the spec (recorded when validateResponses is on). */
export interface ResponseViolation {
	method: string;
	path: string;
	operationId?: string;
	status: number;
	errors: string[];
	body: unknown;
}

export interface OAuth2ClientInput {
	clientId: string;
	/** Confidential clients authenticate with HTTP Basic. */
	clientSecret?: string;
	redirectUris?: string[];
	/** Defaults to whether a secret is given. */
	confidential?: boolean;
	/** The app the client belongs to (rate-limit buckets); defaults to clientId. */
	appId?: string;
}

export interface IssueOAuth2TokenInput {
	userId: string;
	clientId: string;
	/** An array or a space-separated string. */
	scopes?: string[] | string;
	/** Seconds (default 7200). 0 or less issues a token that is already expired. */
	expiresIn?: number;
	/** Default: with `offline.access` among the scopes. */
	withRefresh?: boolean;
	/** Fixed token values, e.g. for demo credentials that survive restarts. */
	accessToken?: string;
	refreshToken?: string;
	familyId?: string;
}

export interface OAuth1AppInput {
	consumerKey: string;
	consumerSecret: string;
	/** Default 'read-write-dm'. */
	permission?: OAuth1Permission;
	appId?: string;
}

export interface IssueOAuth1TokenInput {
	consumerKey: string;
	userId: string;
	oauthToken?: string;
	oauthTokenSecret?: string;
}
