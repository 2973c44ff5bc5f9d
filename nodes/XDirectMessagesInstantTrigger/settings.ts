import { createHash } from 'crypto';
import type { IHookFunctions, ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';

import { parseChoices, parseUserList } from '../shared/lists';
import { readBinaryProperty } from '../shared/properties';
import type { UserReference } from '../shared/validation';
import type { InstantEventType } from './description';
import { INSTANT_EVENT_TYPES } from './description';

// Trigger parameters are not per item; validators still want an index for their messages.
const NO_ITEM = 0;

export type InstantContext = IHookFunctions | IWebhookFunctions | ITriggerFunctions;

export interface InstantSettings {
	events: InstantEventType[];
	catchUp: boolean;
	ignoreOwnMessages: boolean;
	senders: UserReference[];
	/** Binary field for downloaded attachments; undefined = no downloads. */
	downloadProperty?: string;
}

function isInstantEvent(value: string): value is InstantEventType {
	return INSTANT_EVENT_TYPES.some((event) => event === value);
}

export function readSettings(ctx: InstantContext): InstantSettings {
	const chosen = parseChoices(ctx, ctx.getNodeParameter('events', ['dm.received']), 'Events', INSTANT_EVENT_TYPES);
	const events = chosen.filter(isInstantEvent);
	return {
		events: events.length ? events : ['dm.received'],
		catchUp: ctx.getNodeParameter('options.catchUp', true) !== false,
		ignoreOwnMessages: ctx.getNodeParameter('options.ignoreOwnMessages', true) !== false,
		senders: parseUserList(ctx, ctx.getNodeParameter('options.senders', ''), 'Only From Senders', NO_ITEM),
		downloadProperty:
			ctx.getNodeParameter('options.downloadAttachments', false) === true
				? readBinaryProperty(ctx.getNode(), ctx.getNodeParameter('options.attachmentsField', 'data'), 'Put Attachments in Field')
				: undefined,
	};
}

/** 64 bits of a SHA-256 of the sender references: tells whether resolved usernames still belong to the settings. */
export function sendersFingerprint(senders: UserReference[]): string {
	const parts = senders.map((reference) => `${reference.kind}:${reference.value.toLowerCase()}`).sort();
	return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16);
}

/** The tag of this node's subscriptions: which workflow and node created them (test runs apart from production). */
export function subscriptionTag(ctx: InstantContext): string {
	const test = ctx.getMode() === 'manual' ? ':test' : '';
	return `n8n:${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}${test}`.slice(0, 200);
}
