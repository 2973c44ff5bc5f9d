import type { IExecuteFunctions, ILoadOptionsFunctions, INode, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RequestLimits, XApi, XCredentialType } from './transport';
import {
	createXApi,
	DEFAULT_LIMITS,
	DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
	MAX_RATE_LIMIT_WAIT_SECONDS,
	MAX_TIMEOUT_SECONDS,
	MIN_TIMEOUT_SECONDS,
	OAUTH1_CREDENTIAL_TYPE,
	OAUTH2_CREDENTIAL_TYPE,
} from './transport';

/**
 * Where the nodes' parameters become transport settings: the credential the "Authentication" parameter selects and
 * the limits of the "Timeout" and "Max Rate-Limit Wait" options. The transport itself never reads a parameter.
 */

type Read = (name: string, fallback: unknown) => unknown;

/** A parameter that cannot be read (e.g. an expression that fails) counts as not set. */
function safely(read: Read): Read {
	return (name, fallback) => {
		try {
			return read(name, fallback);
		} catch {
			return fallback;
		}
	};
}

export function credentialTypeFor(authentication: unknown): XCredentialType {
	return authentication === 'oAuth1' ? OAUTH1_CREDENTIAL_TYPE : OAUTH2_CREDENTIAL_TYPE;
}

function numeric(value: unknown): unknown {
	return typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
}

/** The bounds of a number option, its label and unit for the error, and what to tell the user. */
export interface NumberBounds {
	label: string;
	min: number;
	max: number;
	description: string;
	/** Default: seconds. */
	unit?: 'seconds' | 'minutes';
}

/**
 * Reads a number (of seconds, unless the bounds say otherwise) within [min, max]; anything else fails before any
 * request, naming the option. The bounds keep every value something the timers can hold (a timer above 2^31 - 1 ms
 * fires at once) and keep a tiny timeout from rounding to 0 ms, which means "no timeout".
 */
export function boundedNumber(node: INode, configured: unknown, bounds: NumberBounds, itemIndex?: number): number {
	const value = numeric(configured);
	if (typeof value !== 'number' || !Number.isFinite(value) || value < bounds.min || value > bounds.max) {
		throw new NodeOperationError(
			node,
			`${bounds.label} must be a number of ${bounds.unit ?? 'seconds'} from ${bounds.min} to ${bounds.max}, got "${String(configured)}"`,
			{ itemIndex, description: bounds.description },
		);
	}
	return value;
}

function maxRateLimitWaitMs(node: INode, read: Read, itemIndex?: number): number {
	const configured = read('options.maxRateLimitWait', DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS);
	const bounds = {
		label: 'Max Rate-Limit Wait',
		min: 0,
		max: MAX_RATE_LIMIT_WAIT_SECONDS,
		description: `0 means: never wait, fail at once. At most ${MAX_RATE_LIMIT_WAIT_SECONDS} (one day, the longest window X announces).`,
	};
	return boundedNumber(node, configured, bounds, itemIndex) * 1000;
}

function timeoutMs(node: INode, read: Read, itemIndex?: number): number {
	const configured = read('options.timeout', DEFAULT_TIMEOUT_SECONDS);
	const bounds = {
		label: 'Timeout',
		min: MIN_TIMEOUT_SECONDS,
		max: MAX_TIMEOUT_SECONDS,
		description: `Seconds to wait for X to answer one request: at least ${MIN_TIMEOUT_SECONDS} (one millisecond), at most ${MAX_TIMEOUT_SECONDS} (one hour).`,
	};
	// At least 1 ms after rounding: 0 would mean "no timeout".
	return Math.max(1, Math.round(boundedNumber(node, configured, bounds, itemIndex) * 1000));
}

/** The action node: its options apply to every request of the item. */
export function executeApi(ctx: IExecuteFunctions, itemIndex: number): XApi {
	const read = safely((name, fallback) => ctx.getNodeParameter(name, itemIndex, fallback));
	const node = ctx.getNode();
	const limits: RequestLimits = {
		maxRateLimitWaitMs: maxRateLimitWaitMs(node, read, itemIndex),
		timeoutMs: timeoutMs(node, read, itemIndex),
	};
	return createXApi({ context: ctx, credentialType: credentialTypeFor(read('authentication', 'oAuth2')), itemIndex }, limits);
}

/** What the triggers' limits are read from: a poll, a webhook method or a webhook request. */
interface TriggerParameters {
	getNode(): INode;
	getNodeParameter(name: string, fallback?: unknown): unknown;
}

/** The triggers never wait for a rate limit: a poll that meets one stops (later polls skip until the reset), a webhook method fails. */
export function triggerLimits(ctx: TriggerParameters): RequestLimits {
	const read = safely((name, fallback) => ctx.getNodeParameter(name, fallback));
	return { maxRateLimitWaitMs: 0, timeoutMs: timeoutMs(ctx.getNode(), read) };
}

export function pollApi(ctx: IPollFunctions): XApi {
	const read = safely((name, fallback) => ctx.getNodeParameter(name, fallback));
	return createXApi({ context: ctx, credentialType: credentialTypeFor(read('authentication', 'oAuth2')) }, triggerLimits(ctx));
}

/** List search in the editor: nobody watches a list for minutes, so it fails fast instead of waiting. */
export function listSearchApi(ctx: ILoadOptionsFunctions): XApi {
	const read = safely((name, fallback) => ctx.getNodeParameter(name, fallback));
	const limits: RequestLimits = { ...DEFAULT_LIMITS, maxRateLimitWaitMs: 0 };
	return createXApi({ context: ctx, credentialType: credentialTypeFor(read('authentication', 'oAuth2')) }, limits);
}
