/**
 * Event ids are 64-bit snowflakes: the top 41 bits are milliseconds since X's epoch. They are compared as BigInt
 * because JavaScript numbers lose precision above 2^53.
 */

/** X snowflake epoch (2010-11-04T01:42:54.657Z); the top 41 bits of an id are milliseconds since then. */
export const SNOWFLAKE_EPOCH_MS = 1288834974657;

const ID_PATTERN = /^[0-9]{1,19}$/;

export function isEventId(value: unknown): value is string {
	return typeof value === 'string' && ID_PATTERN.test(value);
}

export function compareIds(a: string, b: string): number {
	const left = BigInt(a);
	const right = BigInt(b);
	if (left < right) return -1;
	return left > right ? 1 : 0;
}

export function maxId(ids: string[]): string | undefined {
	let newest: string | undefined;
	for (const id of ids) if (newest === undefined || compareIds(id, newest) > 0) newest = id;
	return newest;
}

export function minId(ids: string[]): string | undefined {
	let oldest: string | undefined;
	for (const id of ids) if (oldest === undefined || compareIds(id, oldest) < 0) oldest = id;
	return oldest;
}

export function snowflakeTimeMs(id: string): number {
	return Number(BigInt(id) >> 22n) + SNOWFLAKE_EPOCH_MS;
}

/** A lower bound of X's clock: the time of the newest of these events, if there is one. */
export function newestTimeMs(events: Array<{ id: string }>): number | undefined {
	const newest = maxId(events.map((event) => event.id).filter(isEventId));
	return newest === undefined ? undefined : snowflakeTimeMs(newest);
}

/** The highest id that a snowflake minted before `timeMs` can have ('0' before the snowflake epoch). */
export function lastIdBefore(timeMs: number): string {
	const bound = (BigInt(Math.floor(timeMs) - SNOWFLAKE_EPOCH_MS) << 22n) - 1n;
	return bound > 0n ? bound.toString() : '0';
}
