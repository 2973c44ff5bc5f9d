// Snowflake layout used by X: milliseconds since the Twitter epoch in the high bits, a 22-bit sequence below.
import type { Clock } from './clock';

export const TWITTER_EPOCH_MS = 1288834974657n;
const SEQUENCE_BITS = 22n;

export interface IdGenerator {
	/** `atMs` lets seeded history get ids that decode to their (past) timestamps; ids stay strictly increasing. */
	next(atMs?: number): string;
}

export function createIdGenerator(clock: Clock): IdGenerator {
	let lastId = 0n;
	return {
		next(atMs = clock.now()) {
			let candidate = (BigInt(Math.floor(atMs)) - TWITTER_EPOCH_MS) << SEQUENCE_BITS;
			if (candidate <= lastId) candidate = lastId + 1n;
			lastId = candidate;
			return candidate.toString();
		},
	};
}

export function idToMs(id: string): number {
	return Number((BigInt(id) >> SEQUENCE_BITS) + TWITTER_EPOCH_MS);
}

export function compareIds(a: string, b: string): -1 | 0 | 1 {
	const left = BigInt(a);
	const right = BigInt(b);
	return left < right ? -1 : left > right ? 1 : 0;
}
