import type { ITriggerFunctions } from 'n8n-workflow';

import type { NumberBounds } from '../shared/connection';
import { boundedNumber } from '../shared/connection';
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

/** An option of the trigger's collection within its bounds (checked before any request). */
function option(ctx: ITriggerFunctions, name: string, fallback: number, bounds: NumberBounds): number {
	return boundedNumber(ctx.getNode(), ctx.getNodeParameter(`options.${name}`, fallback), bounds);
}

export function readStreamSettings(ctx: ITriggerFunctions): StreamSettings {
	const minutes = option(ctx, 'groupPollMinutes', 0, {
		label: 'Poll Group Conversations Every (Minutes)',
		unit: 'minutes',
		min: 0,
		max: MAX_GROUP_POLL_MINUTES,
		description: `0 turns the polling of group conversations off; at most ${MAX_GROUP_POLL_MINUTES} (a day).`,
	});
	const silence = option(ctx, 'silenceSeconds', DEFAULT_SILENCE_SECONDS, {
		label: 'Reconnect After Silence (Seconds)',
		min: 1,
		max: MAX_SILENCE_SECONDS,
		description: 'X sends a keep-alive at least every 20 seconds: a value above 20 avoids reconnecting a healthy stream.',
	});
	const maxWait = option(ctx, 'maxReconnectWaitSeconds', MAX_RECONNECT_WAIT_SECONDS, {
		label: 'Max Reconnect Wait (Seconds)',
		min: 1,
		max: MAX_RECONNECT_WAIT_SECONDS,
		description: `At most ${MAX_RECONNECT_WAIT_SECONDS}, X's longest back-off step.`,
	});
	return { ...readInstantSettings(ctx), groupPollMs: minutes * 60_000, silenceMs: silence * 1000, maxReconnectWaitMs: maxWait * 1000 };
}
