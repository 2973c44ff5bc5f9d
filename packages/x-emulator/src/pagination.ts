// Opaque pagination tokens shaped like X's (24 chars, base32hex-ish, e.g. 18LAA5FFPEKJA52G0G00ZZZZ).
// They encode the event id the page boundary sits on and the direction; a checksum makes garbled tokens fail.
import { compareIds } from './ids';
import * as responses from './responses';
import type { XDmEventsMeta } from './x-types';

const FILLER = '0G00ZZZZ';
const TOKEN_PATTERN = /^([0-9A-V]{13})([NP])([0-9A-V]{2})0G00ZZZZ$/;

type Direction = 'next' | 'previous';

function checksum(text: string): string {
	let sum = 0;
	for (let index = 0; index < text.length; index += 1) sum = (sum * 31 + text.charCodeAt(index)) % 1024;
	return sum.toString(32).toUpperCase().padStart(2, '0');
}

export function encodeToken(direction: Direction, eventId: string): string {
	const body = BigInt(eventId).toString(32).toUpperCase().padStart(13, '0') + (direction === 'previous' ? 'P' : 'N');
	return body + checksum(body) + FILLER;
}

function invalidToken(token: string): responses.Reply {
	return responses.invalidRequest([
		{ parameters: { pagination_token: [token] }, message: `The \`pagination_token\` query parameter value [${token}] is not valid` },
	]);
}

/** Throws 400 for anything the emulator did not issue. */
export function decodeToken(token: string, knownEventId: (id: string) => boolean): { direction: Direction; eventId: string } {
	const match = TOKEN_PATTERN.exec(token);
	if (!match || checksum(match[1] + match[2]) !== match[3]) throw invalidToken(token);
	const eventId = [...match[1].toLowerCase()].reduce((acc, digit) => acc * 32n + BigInt(parseInt(digit, 32)), 0n).toString();
	if (!knownEventId(eventId)) throw invalidToken(token);
	return { direction: match[2] === 'P' ? 'previous' : 'next', eventId };
}

interface PaginateOptions {
	maxResults: number;
	token?: string;
	knownEventId: (id: string) => boolean;
	nextTokenOnLastPage?: boolean;
}

/** events: newest first. */
export function paginate<T extends { id: string }>(
	events: T[],
	{ maxResults, token, knownEventId, nextTokenOnLastPage = false }: PaginateOptions,
): { page: T[]; meta: XDmEventsMeta } {
	let page: T[];
	if (token) {
		const cursor = decodeToken(token, knownEventId);
		if (cursor.direction === 'next') page = events.filter((event) => compareIds(event.id, cursor.eventId) < 0).slice(0, maxResults);
		else page = events.filter((event) => compareIds(event.id, cursor.eventId) > 0).slice(-maxResults);
	} else {
		page = events.slice(0, maxResults);
	}
	const meta: XDmEventsMeta = { result_count: page.length };
	if (page.length) {
		const newest = page[0];
		const oldest = page[page.length - 1];
		const hasOlder = events.some((event) => compareIds(event.id, oldest.id) < 0);
		const hasNewer = events.some((event) => compareIds(event.id, newest.id) > 0);
		if (hasOlder || nextTokenOnLastPage) meta.next_token = encodeToken('next', oldest.id);
		if (hasNewer) meta.previous_token = encodeToken('previous', newest.id);
	}
	return { page, meta };
}
