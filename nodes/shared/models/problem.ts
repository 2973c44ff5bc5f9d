import type { IDataObject } from 'n8n-workflow';

import { isRecord, numberOf, records, textOf } from './json';

/**
 * X's error object: RFC 7807 Problem (OpenAPI `Problem` and its subtypes: ResourceNotFound, UsageCapExceeded,
 * ClientForbidden, InvalidRequest, ...) or the older `{ message, code }` (OpenAPI `Error`). Only the fields the node
 * reads are decoded.
 */
export interface XProblem {
	type?: string;
	title?: string;
	detail?: string;
	status?: number;
	message?: string;
	/** ResourceNotFound / ResourceUnauthorized. */
	parameter?: string;
	value?: string;
	resource_type?: string;
	resource_id?: string;
	/** ClientForbidden. */
	reason?: string;
	required_enrollment?: string;
	/** UsageCapExceeded. */
	period?: string;
	scope?: string;
}

type TextField = Exclude<keyof XProblem, 'status'>;

const TEXT_FIELDS: TextField[] = [
	'type',
	'title',
	'detail',
	'message',
	'parameter',
	'value',
	'resource_type',
	'resource_id',
	'reason',
	'required_enrollment',
	'period',
	'scope',
];

export function decodeProblem(value: IDataObject): XProblem {
	const problem: XProblem = {};
	for (const field of TEXT_FIELDS) {
		const text = textOf(value[field]);
		if (text !== undefined) problem[field] = text;
	}
	const status = numberOf(value.status);
	if (status !== undefined) problem.status = status;
	return problem;
}

/** The `errors` array of a response (partial errors beside `data`, or the whole answer of a failed lookup). */
export function decodeProblems(body: IDataObject): XProblem[] {
	return records(body.errors).map(decodeProblem);
}

/** A problem's type without its host, which changed over time (api.twitter.com, api.x.com). */
export function problemType(problem: XProblem): string {
	const type = problem.type ?? '';
	const match = /\/problems\/([a-z-]+)$/i.exec(type);
	return match ? match[1].toLowerCase() : type;
}

export function hasProblems(body: IDataObject): boolean {
	return Array.isArray(body.errors) && body.errors.some(isRecord);
}
