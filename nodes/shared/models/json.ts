import type { IDataObject } from 'n8n-workflow';

/**
 * Guards for reading X's JSON without casts. Every model in this folder is decoded with them: a value that does not
 * have the documented shape is dropped (or read as absent), never trusted.
 */

export function isRecord(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The objects of a JSON array; anything else reads as an empty list. */
export function records(value: unknown): IDataObject[] {
	return Array.isArray(value) ? value.filter(isRecord) : [];
}

export function isStringArray(value: unknown): value is string[] {
	return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

/** A string, or a number written as one (X documents string fields; some older answers used numbers). */
export function textOf(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

export function numberOf(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** True when `record[key]` is absent or passes `check`: optional fields of a model are checked when present. */
export function optional(record: IDataObject, key: string, check: (value: unknown) => boolean): boolean {
	return record[key] === undefined || check(record[key]);
}

export function isString(value: unknown): value is string {
	return typeof value === 'string';
}

/** X's ids (users, events, media): strings of 1 to 19 digits, never numbers (64-bit values). */
export const X_ID_PATTERN = /^[0-9]{1,19}$/;

export function isXId(value: unknown): value is string {
	return typeof value === 'string' && X_ID_PATTERN.test(value);
}
