import type { ITriggerFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { InstantSettings } from '../XDirectMessagesInstantTrigger/settings';
import { readSettings as readInstantSettings } from '../XDirectMessagesInstantTrigger/settings';
import { DEFAULT_SILENCE_SECONDS, MAX_GROUP_POLL_MINUTES, MAX_RECONNECT_WAIT_SECONDS, MAX_SILENCE_SECONDS } from './description';

/** The Instant Trigger's settings (events, filters, downloads, catch-up) plus what holding a connection needs. */
export interface StreamSettings extends InstantSettings {
	/** 0 = no polling of group conversations. */
	groupPollMs: number;
	silenceMs: number;
	maxReconnectWaitMs: number;
}

function boundedNumber(ctx: ITriggerFunctions, name: string, label: string, fallback: number, min: number, max: number, integer = false): number {
	const raw = ctx.getNodeParameter(`options.${name}`, fallback);
	const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	const valid = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
	if (!valid) {
		throw new NodeOperationError(ctx.getNode(), `${label} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${String(raw)}"`, {
			description: `Change "${label}" in the trigger's options.`,
		});
	}
	return value;
}

export function readStreamSettings(ctx: ITriggerFunctions): StreamSettings {
	const minutes = boundedNumber(ctx, 'groupPollMinutes', 'Poll Group Conversations Every (Minutes)', 0, 0, MAX_GROUP_POLL_MINUTES);
	return {
		...readInstantSettings(ctx),
		groupPollMs: minutes * 60_000,
		silenceMs: boundedNumber(ctx, 'silenceSeconds', 'Reconnect After Silence (Seconds)', DEFAULT_SILENCE_SECONDS, 1, MAX_SILENCE_SECONDS) * 1000,
		maxReconnectWaitMs:
			boundedNumber(ctx, 'maxReconnectWaitSeconds', 'Max Reconnect Wait (Seconds)', MAX_RECONNECT_WAIT_SECONDS, 1, MAX_RECONNECT_WAIT_SECONDS) * 1000,
	};
}
