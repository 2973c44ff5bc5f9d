'use strict';

// Snowflake layout used by X: milliseconds since the Twitter epoch in the high bits, a 22-bit sequence below.
const TWITTER_EPOCH_MS = 1288834974657n;
const SEQUENCE_BITS = 22n;

function createIdGenerator(clock) {
	let lastId = 0n;
	return {
		// `atMs` lets seeded history get ids that decode to their (past) timestamps; ids stay strictly increasing.
		next(atMs = clock.now()) {
			let candidate = (BigInt(Math.floor(atMs)) - TWITTER_EPOCH_MS) << SEQUENCE_BITS;
			if (candidate <= lastId) candidate = lastId + 1n;
			lastId = candidate;
			return candidate.toString();
		},
	};
}

function idToMs(id) {
	return Number((BigInt(id) >> SEQUENCE_BITS) + TWITTER_EPOCH_MS);
}

function compareIds(a, b) {
	const left = BigInt(a);
	const right = BigInt(b);
	return left < right ? -1 : left > right ? 1 : 0;
}

module.exports = { createIdGenerator, idToMs, compareIds, TWITTER_EPOCH_MS };
