import type { IDataObject } from 'n8n-workflow';

import type { NodeContext } from './validation';
import { parseChoices } from './lists';

// Values as documented by X (OpenAPI 2.166, x-dm-api.md §2.4), kept in the API's spelling.
export const EVENT_TYPES = ['MessageCreate', 'ParticipantsJoin', 'ParticipantsLeave'];

export const DM_EVENT_FIELDS = [
	'attachments',
	'created_at',
	'dm_conversation_id',
	'entities',
	'event_type',
	'id',
	'participant_ids',
	'referenced_tweets',
	'sender_id',
	'text',
];

export const DM_EXPANSIONS = ['attachments.media_keys', 'participant_ids', 'referenced_tweets.id', 'sender_id'];

export const USER_FIELDS = [
	'affiliation',
	'confirmed_email',
	'connection_status',
	'created_at',
	'description',
	'entities',
	'id',
	'is_identity_verified',
	'location',
	'most_recent_tweet_id',
	'name',
	'parody',
	'pinned_tweet_id',
	'profile_banner_url',
	'profile_image_url',
	'protected',
	'public_metrics',
	'receives_your_dm',
	'subscription',
	'subscription_type',
	'url',
	'username',
	'verified',
	'verified_followers_count',
	'verified_type',
	'withheld',
];

export const TWEET_FIELDS = [
	'article',
	'attachments',
	'author_id',
	'card_uri',
	'community_id',
	'context_annotations',
	'conversation_id',
	'created_at',
	'display_text_range',
	'edit_controls',
	'edit_history_tweet_ids',
	'entities',
	'geo',
	'id',
	'in_reply_to_user_id',
	'lang',
	'matched_media_notes',
	'media_metadata',
	'non_public_metrics',
	'note_request_suggestions',
	'note_tweet',
	'organic_metrics',
	'paid_partnership',
	'possibly_sensitive',
	'promoted_metrics',
	'public_metrics',
	'referenced_tweets',
	'reply_settings',
	'scopes',
	'source',
	'suggested_source_links',
	'suggested_source_links_with_counts',
	'text',
	'withheld',
];

export const MEDIA_FIELDS = [
	'alt_text',
	'duration_ms',
	'height',
	'media_key',
	'non_public_metrics',
	'organic_metrics',
	'preview_image_url',
	'promoted_metrics',
	'public_metrics',
	'type',
	'url',
	'variants',
	'width',
];

/** Event fields requested when the user does not pick any: everything a workflow usually needs. */
export const DEFAULT_DM_EVENT_FIELDS = DM_EVENT_FIELDS.filter((field) => field !== 'entities');

export const DEFAULT_EXPANSIONS = [...DM_EXPANSIONS];

// An expansion only helps if the event carries the field that points into `includes`.
const FIELD_FOR_EXPANSION: Record<string, string> = {
	'attachments.media_keys': 'attachments',
	participant_ids: 'participant_ids',
	'referenced_tweets.id': 'referenced_tweets',
	sender_id: 'sender_id',
};

export interface EventQueryOptions {
	eventTypes?: string[];
	dmEventFields?: string[];
	expansions?: string[];
	userFields?: string[];
	tweetFields?: string[];
	mediaFields?: string[];
}

function unique(values: string[]): string[] {
	return [...new Set(values)];
}

/** Builds the X query parameters for DM event lookups (values as arrays; the transport comma-joins them). */
export function buildEventQuery(options: EventQueryOptions): IDataObject {
	const qs: IDataObject = {};
	const expansions = unique(options.expansions ?? []);
	const fields = unique([
		...(options.dmEventFields ?? []),
		...expansions.map((expansion) => FIELD_FOR_EXPANSION[expansion]).filter(Boolean),
	]);
	if (fields.length) qs['dm_event.fields'] = unique(['id', 'event_type', ...fields]);
	if (expansions.length) qs.expansions = expansions;
	const eventTypes = unique(options.eventTypes ?? []);
	// All three types is X's default; sending it would only lengthen the URL.
	if (eventTypes.length && eventTypes.length < EVENT_TYPES.length) qs.event_types = eventTypes;
	if (options.userFields?.length) qs['user.fields'] = unique(options.userFields);
	if (options.tweetFields?.length) qs['tweet.fields'] = unique(options.tweetFields);
	if (options.mediaFields?.length) qs['media.fields'] = unique(options.mediaFields);
	return qs;
}

export type EventFieldChoices = Required<Omit<EventQueryOptions, 'eventTypes'>>;

/**
 * Reads and checks the field pickers (properties/events.ts). `read` returns a parameter's value; it is handed the
 * parameter's default for callers that fall back to it when the parameter is not set.
 */
export function readEventFieldChoices(
	ctx: NodeContext,
	read: (name: string, defaultValue: string[]) => unknown,
	itemIndex?: number,
): EventFieldChoices {
	const choices = (name: string, parameter: string, allowed: string[], defaultValue: string[]) =>
		parseChoices(ctx, read(name, defaultValue), parameter, allowed, itemIndex);
	return {
		dmEventFields: choices('dmEventFields', 'Event Fields', DM_EVENT_FIELDS, DEFAULT_DM_EVENT_FIELDS),
		expansions: choices('expansions', 'Expansions', DM_EXPANSIONS, DEFAULT_EXPANSIONS),
		userFields: choices('userFields', 'User Fields', USER_FIELDS, []),
		tweetFields: choices('tweetFields', 'Tweet Fields', TWEET_FIELDS, []),
		mediaFields: choices('mediaFields', 'Media Fields', MEDIA_FIELDS, []),
	};
}
