import type { JsonObject } from 'n8n-workflow';

import type { XProblem } from '../models';
import type { NetworkFailureKind } from './network';
import type { XCredentialType } from './types';

/** Why X refused a request with 403 (or an equivalent problem type). */
export type ForbiddenReason =
	| 'missing-scope'
	| 'not-participant'
	| 'recipient-refuses'
	| 'media-not-attachable'
	| 'app-permission'
	| 'not-enrolled'
	| 'unsupported-authentication'
	| 'resource-unauthorized'
	| 'other';

/** Why an API Base URL is refused: not an http(s) URL (also when absent), or plain http to a host that is not this machine. */
export type BaseUrlProblem = 'not-url' | 'insecure';

/** The credential fields of an X app's keys (the instant trigger's app-only token needs both). */
export type AppKeyField = 'apiKey' | 'apiKeySecret';

/** An answer X gave: its status and its body without anything credential-like. */
interface Answer {
	status: number;
	body: JsonObject;
}

/**
 * Everything that can go wrong with a request, classified once by the transport. The data is what happened; the
 * words users read are made from it at the edge (nodes/shared/errors).
 */
export type XFailure =
	| (Answer & {
			kind: 'rate-limited';
			/** When the exhausted window resets, on X's clock. */
			resetAtMs?: number;
			/** From the answer until the reset, measured on X's clock (its Date header). */
			waitMs?: number;
			maxWaitMs: number;
			/** A reset header no real window can have: not trusted, only named in the message. */
			implausibleReset?: { header: string; value: string };
	  })
	| (Answer & { kind: 'usage-capped'; period?: string; scope?: string })
	/** A 5xx of a request that is not a send. */
	| (Answer & { kind: 'transient'; detail: string })
	/** A send that may or may not have been handled: a 5xx, or a connection that broke after it was made. */
	| { kind: 'unknown-outcome'; status?: number; network?: NetworkFailureKind; code?: string }
	| (Answer & { kind: 'unauthorized'; credentialType: XCredentialType })
	/** The access token expired and the refresh failed (`network` 'unknown': the token endpoint said no). */
	| { kind: 'unauthorized'; credentialType: XCredentialType; refreshFailure: NetworkFailureKind }
	| (Answer & {
			kind: 'forbidden';
			reason: ForbiddenReason;
			/** X's `detail` (or `message`), trimmed; '' or 'Forbidden' when X gave no reason. */
			detail: string;
			/** X gave no reason beyond "403 Forbidden": the reason was inferred from the request. */
			bare: boolean;
			credentialType: XCredentialType;
			scopes?: { needed: string[]; missing: string[] };
			enrollment?: string;
			resource?: { type?: string; value?: string };
	  })
	| (Answer & { kind: 'not-found'; resourceType?: string; parameter?: string; value?: string; detail: string; problems: XProblem[] })
	| (Answer & { kind: 'invalid-request'; reasons: string[]; detail: string })
	| { kind: 'network'; network: NetworkFailureKind; code?: string; baseUrl: string; retried: boolean }
	/** Any other status (409, 413, a 200 with only errors of an unknown type, ...). */
	| (Answer & { kind: 'unexpected'; title: string; detail: string })
	/** The credential's API Base URL is not an http(s) URL, or plain http to another machine: nothing was sent. */
	| { kind: 'invalid-base-url'; baseUrl: string; reason?: BaseUrlProblem }
	/** The credential lacks the app's API Key or API Key Secret: no request was made. */
	| { kind: 'app-keys-missing'; missing: AppKeyField[] }
	/** X did not give an app-only token for the credential's API Key and Secret. */
	| (Answer & { kind: 'app-keys-refused' })
	/** The app already holds as many Activity stream connections as X allows (429 `connection_issue: TooManyConnections`). */
	| (Answer & { kind: 'stream-connections-full'; detail: string });

export type XFailureKind = XFailure['kind'];

export interface RequestLine {
	method: string;
	path: string;
}

/** What the transport throws: the classified failure and the request it belongs to. */
export class XApiFailure extends Error {
	readonly failure: XFailure;

	readonly request: RequestLine;

	constructor(failure: XFailure, request: RequestLine) {
		super(`X API request ${request.method} ${request.path} failed: ${failure.kind}`);
		this.name = 'XApiFailure';
		this.failure = failure;
		this.request = request;
	}

	get kind(): XFailureKind {
		return this.failure.kind;
	}
}

export function isXApiFailure(error: unknown): error is XApiFailure {
	return error instanceof XApiFailure;
}
