// The X API v2 objects the emulator stores and returns, modelled on the schemas of the vendored OpenAPI document
// (x-api-v2-dm.openapi.json, components.schemas; names in the comments). Only the members the emulator produces
// are listed; ids are strings (64-bit snowflakes).

/** EntityIndicesInclusiveExclusive: Unicode code point offsets, start inclusive, end exclusive. */
export interface XEntityIndices {
	start: number;
	end: number;
}

/** HashtagEntity / CashtagEntity. */
export interface XTagEntity extends XEntityIndices {
	tag: string;
}

/** MentionEntity: `id` only when the mentioned user is known. */
export interface XMentionEntity extends XEntityIndices {
	username: string;
	id?: string;
}

/** UrlEntityDm (UrlFields subset). */
export interface XUrlEntity extends XEntityIndices {
	url: string;
	expanded_url: string;
	display_url: string;
}

/** FullTextEntities as nested under DmEvent.entities. */
export interface XDmEntities {
	hashtags?: XTagEntity[];
	mentions?: XMentionEntity[];
	urls?: XUrlEntity[];
	cashtags?: XTagEntity[];
}

export type XDmEventType = 'MessageCreate' | 'ParticipantsJoin' | 'ParticipantsLeave';

/** DmEvent, with every field the emulator can emit. */
export interface XDmEvent {
	id: string;
	event_type: XDmEventType;
	text?: string;
	sender_id?: string;
	dm_conversation_id?: string;
	/** date-time */
	created_at?: string;
	participant_ids?: string[];
	attachments?: { media_keys: string[] };
	referenced_tweets?: Array<{ id: string }>;
	/** 2.167 name of referenced_tweets, emitted when the request used the post vocabulary. */
	referenced_posts?: Array<{ id: string }>;
	entities?: XDmEntities;
}

/** User: the profile fields the emulator stores or computes. */
export interface XUser {
	id: string;
	name: string;
	username: string;
	created_at?: string;
	description?: string;
	location?: string;
	url?: string;
	protected?: boolean;
	verified?: boolean;
	verified_type?: 'blue' | 'business' | 'government' | 'none';
	subscription_type?: 'Basic' | 'Premium' | 'PremiumPlus' | 'None';
	profile_image_url?: string;
	profile_banner_url?: string;
	pinned_tweet_id?: string;
	most_recent_tweet_id?: string;
	receives_your_dm?: boolean;
	connection_status?: Array<'follow_request_received' | 'follow_request_sent' | 'blocking' | 'followed_by' | 'following' | 'muting'>;
	public_metrics?: {
		followers_count: number;
		following_count: number;
		tweet_count: number;
		listed_count: number;
		like_count?: number;
		media_count?: number;
	};
}

export type XMediaType = 'photo' | 'animated_gif' | 'video';

/** Media (Photo | AnimatedGif | Video) as listed in includes.media. */
export interface XMedia {
	media_key: string;
	type: XMediaType;
	width?: number;
	height?: number;
	alt_text?: string;
	url?: string;
	preview_image_url?: string;
	duration_ms?: number;
	variants?: Array<{ content_type: string; url: string; bit_rate?: number }>;
}

/** Tweet: the fields of a post the emulator synthesizes for referenced_tweets expansions. */
export interface XTweet {
	id: string;
	text: string;
	edit_history_tweet_ids?: string[];
	edit_history_post_ids?: string[];
	author_id?: string;
	created_at?: string;
	conversation_id?: string;
	lang?: string;
	possibly_sensitive?: boolean;
	reply_settings?: string;
	public_metrics?: Record<'retweet_count' | 'reply_count' | 'like_count' | 'quote_count' | 'bookmark_count' | 'impression_count', number>;
}

/** Problem (RFC 7807) and its subtypes' extra members. */
export interface XProblem {
	type: string;
	title: string;
	detail?: string;
	status?: number;
	[member: string]: unknown;
}

/** One entry of InvalidRequestProblem.errors. */
export interface XInvalidRequestError {
	message: string;
	parameters: Record<string, string[]>;
}

/** ResourceNotFoundProblem, as an entry of a 200 response's errors[] (no `status`) or a 404 body. */
export interface XResourceNotFound extends XProblem {
	value: string;
	resource_type: string;
	parameter: string;
	resource_id: string;
}

/** Expansions, in either vocabulary (tweets/posts). */
export interface XIncludes {
	users?: XUser[];
	media?: XMedia[];
	tweets?: XTweet[];
	posts?: XTweet[];
}

/** Get2DmEventsResponse.meta. */
export interface XDmEventsMeta {
	result_count: number;
	next_token?: string;
	previous_token?: string;
}

/** ProcessingInfo. */
export interface XProcessingInfo {
	state: 'succeeded' | 'in_progress' | 'pending' | 'failed';
	check_after_secs?: number;
	progress_percent?: number;
}

/** The OAuth 2.0 token endpoint's response (not part of the OpenAPI document). */
export interface XOAuth2TokenResponse {
	token_type: 'bearer';
	expires_in: number;
	access_token: string;
	scope: string;
	refresh_token?: string;
}

/** OAuth 1.0a access token pair. */
export interface XOAuth1TokenResponse {
	oauth_token: string;
	oauth_token_secret: string;
}
