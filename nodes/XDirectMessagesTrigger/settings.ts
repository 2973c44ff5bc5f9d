import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { buildEventQuery, EVENT_TYPES, readEventFieldChoices } from '../shared/event-query';
import { parseConversationLocator, parseUserLocator } from '../shared/locators';
import type { UserReference } from '../shared/validation';
import { parseChoices, parseUserList } from '../shared/lists';
import { readBinaryProperty, refuseOAuth1Download } from '../shared/properties';
import { withDownloadQuery } from '../shared/attachment-download';
import { DEFAULT_LAST_EVENTS, DEFAULT_LAST_HOURS } from './description';

// Poll parameters are not per item; validators still want an index for their messages.
const NO_ITEM = 0;

/** Fields the trigger needs for its own logic (filters, first-run window), requested whatever the user picked. */
const REQUIRED_EVENT_FIELDS = ['id', 'event_type', 'created_at', 'dm_conversation_id', 'sender_id', 'participant_ids'];

export type FirstPollMode = 'recordOnly' | 'lastEvents' | 'lastHours';

export interface TriggerSettings {
	scope: 'all' | 'participant' | 'conversation';
	/** The other user of a one-to-one scope. */
	participant?: UserReference;
	conversationId?: string;
	eventTypes: string[];
	ignoreOwnMessages: boolean;
	/** Allow-listed senders; empty = everyone. */
	senders: UserReference[];
	/** Query parameters of every list request (fields, expansions, server-side event type filter). */
	query: IDataObject;
	resolveIncludes: boolean;
	firstPoll: FirstPollMode;
	lastEventsCount: number;
	lastHours: number;
	/** Start each poll with a page of 1-2 events (what X bills), growing to 100 only while pages are all new. */
	costAwarePages: boolean;
	/** Binary field for downloaded attachments; undefined = no downloads. */
	downloadProperty?: string;
}

function positiveInteger(ctx: IPollFunctions, value: unknown, parameter: string, max?: number): number {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || (max !== undefined && number > max)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${parameter} must be a whole number from 1${max === undefined ? '' : ` to ${max}`}, got ${JSON.stringify(value)}`,
		);
	}
	return number;
}

/** The "Download Attachments" option: the binary field, or undefined when off; OAuth1 is refused before any request. */
function readDownloadProperty(ctx: IPollFunctions): string | undefined {
	if (ctx.getNodeParameter('options.downloadAttachments', false) !== true) return undefined;
	const property = readBinaryProperty(ctx.getNode(), ctx.getNodeParameter('options.attachmentsField', 'data'), 'Put Attachments in Field');
	refuseOAuth1Download(ctx.getNode(), ctx.getNodeParameter('authentication', 'oAuth2'));
	return property;
}

type Scope = TriggerSettings['scope'];
const SCOPES: Scope[] = ['all', 'participant', 'conversation'];
const FIRST_POLL_MODES: FirstPollMode[] = ['recordOnly', 'lastEvents', 'lastHours'];

/** The scope and the user or conversation it names. */
function readScope(ctx: IPollFunctions): Pick<TriggerSettings, 'scope' | 'participant' | 'conversationId'> {
	const value = String(ctx.getNodeParameter('scope', 'all'));
	const scope = SCOPES.find((entry) => entry === value);
	if (scope === 'participant') {
		return { scope, participant: parseUserLocator(ctx, ctx.getNodeParameter('participant', ''), 'User', NO_ITEM) };
	}
	if (scope === 'conversation') {
		const conversation = ctx.getNodeParameter('conversation', '');
		return { scope, conversationId: parseConversationLocator(ctx, conversation, 'Conversation', NO_ITEM) };
	}
	if (scope === undefined) throw new NodeOperationError(ctx.getNode(), `Unknown value "${value}" for Scope`);
	return { scope };
}

export function readSettings(ctx: IPollFunctions): TriggerSettings {
	const settings = readScope(ctx);

	const chosenTypes = parseChoices(ctx, ctx.getNodeParameter('eventTypes', [EVENT_TYPES[0]]), 'Event Types', EVENT_TYPES);
	const eventTypes = chosenTypes.length ? chosenTypes : [...EVENT_TYPES];

	const firstPollValue = String(ctx.getNodeParameter('firstPoll', 'recordOnly'));
	const firstPoll = FIRST_POLL_MODES.find((mode) => mode === firstPollValue);
	if (firstPoll === undefined) {
		throw new NodeOperationError(ctx.getNode(), `Unknown value "${firstPollValue}" for On First Activation`);
	}

	const fieldChoices = readEventFieldChoices(ctx, (name, defaultValue) => ctx.getNodeParameter(name, defaultValue));
	const query = buildEventQuery({
		...fieldChoices,
		eventTypes,
		dmEventFields: [...new Set([...REQUIRED_EVENT_FIELDS, ...fieldChoices.dmEventFields])],
	});

	const downloadProperty = readDownloadProperty(ctx);
	return {
		...settings,
		eventTypes,
		ignoreOwnMessages: ctx.getNodeParameter('ignoreOwnMessages', true) !== false,
		senders: parseUserList(ctx, ctx.getNodeParameter('senders', ''), 'Only From Senders', NO_ITEM),
		query: downloadProperty === undefined ? query : withDownloadQuery(query),
		resolveIncludes: ctx.getNodeParameter('resolveIncludes', true) !== false,
		costAwarePages: ctx.getNodeParameter('options.costAwarePages', true) !== false,
		downloadProperty,
		firstPoll,
		lastEventsCount:
			firstPoll === 'lastEvents'
				? positiveInteger(ctx, ctx.getNodeParameter('lastEventsCount', DEFAULT_LAST_EVENTS), 'Number of Events')
				: DEFAULT_LAST_EVENTS,
		lastHours:
			firstPoll === 'lastHours'
				? positiveInteger(ctx, ctx.getNodeParameter('lastHours', DEFAULT_LAST_HOURS), 'Hours', 720)
				: DEFAULT_LAST_HOURS,
	};
}
