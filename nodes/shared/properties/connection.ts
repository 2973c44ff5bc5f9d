import type { INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
	MAX_RATE_LIMIT_WAIT_SECONDS,
	MAX_TIMEOUT_SECONDS,
} from '../transport';

/** The credential picker of both nodes; `authentication` decides which of the two credentials is asked for. */
export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'OAuth1', value: 'oAuth1' },
		{ name: 'OAuth2 (Recommended)', value: 'oAuth2' },
	],
	default: 'oAuth2',
};

const maxRateLimitWaitOption: INodeProperties = {
	displayName: 'Max Rate-Limit Wait',
	name: 'maxRateLimitWait',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: MAX_RATE_LIMIT_WAIT_SECONDS },
	default: DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
	description:
		`When X answers "too many requests", wait for the limit to reset if that happens within this many seconds (at most ${MAX_RATE_LIMIT_WAIT_SECONDS}, one day), then retry. 0 means never wait.`,
};

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_TIMEOUT_SECONDS },
	default: DEFAULT_TIMEOUT_SECONDS,
	description: `Seconds to wait for X to answer a single request (at most ${MAX_TIMEOUT_SECONDS}, one hour)`,
};

/**
 * The "Options" collection of every action operation and of the trigger, with its entries in alphabetical order.
 * The trigger never waits for a rate limit (it retries on the next poll), so it passes only the timeout.
 */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		// A plain comparison: localeCompare loads ICU locale data when the module loads.
		options: [...options].sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0)),
	};
}

/** The options every action operation has. */
export const requestOptions: INodeProperties[] = [maxRateLimitWaitOption, timeoutOption];
