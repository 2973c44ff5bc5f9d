// Pure cursor logic of the trigger, free of n8n and HTTP.
import type { DmBacklog, DmCursor } from '../../../nodes/XDirectMessagesTrigger/cursor';
import {
	SNOWFLAKE_EPOCH_MS,
	LATE_WINDOW_MS,
	MAX_SEEN_IDS,
	MAX_BACKLOG_STOPS,
	compareIds,
	snowflakeTimeMs,
	lastIdBefore,
	emptyCursor,
	isUnseen,
	reachesBound,
	selectUnseen,
	advanceCursor,
	parseCursor,
	parseBacklog,
	nextStop,
	stopBound,
	pushStop,
	completeRun,
} from '../../../nodes/XDirectMessagesTrigger/cursor';

const T0 = Date.UTC(2026, 0, 1);
/** A snowflake minted at `ms` with sequence `seq`. */
const idAt = (ms: number, seq = 0): string => ((BigInt(ms - SNOWFLAKE_EPOCH_MS) << 22n) + BigInt(seq)).toString();

describe('id arithmetic', () => {
	test('compares 64-bit ids exactly where numbers cannot', () => {
		const a = '1585047616894574596';
		const b = '1585047616894574597';
		expect(Number(a)).toBe(Number(b));
		expect(compareIds(a, b)).toBe(-1);
		expect(compareIds(b, a)).toBe(1);
		expect(compareIds(a, a)).toBe(0);
		expect(compareIds('9', '10')).toBe(-1);
	});

	test('reads the time out of a snowflake and bounds ids by time', () => {
		expect(snowflakeTimeMs(idAt(T0, 5))).toBe(T0);
		expect(compareIds(lastIdBefore(T0), idAt(T0))).toBe(-1);
		expect(compareIds(lastIdBefore(T0), idAt(T0 - 1, 4194303))).toBe(0);
		expect(lastIdBefore(0)).toBe('0');
	});
});

describe('cursor', () => {
	test('an empty cursor treats everything as unseen', () => {
		const cursor = emptyCursor();
		expect(isUnseen(cursor, '1')).toBe(true);
		expect(reachesBound(cursor.newest, ['5', '3'])).toBe(false);
		expect(reachesBound(cursor.newest, ['0'])).toBe(true);
	});

	test('advances to the newest passed id and remembers the late window only', () => {
		const ids = [idAt(T0 - 60_000), idAt(T0 - 5_000), idAt(T0 - 1), idAt(T0)];
		const cursor = advanceCursor(emptyCursor(), ids);
		expect(cursor.newest).toBe(ids[3]);
		expect(cursor.seen).toEqual([ids[3], ids[2], ids[1]]);
		expect(cursor.floor).toBe(lastIdBefore(T0 - LATE_WINDOW_MS));
		for (const id of ids) expect(isUnseen(cursor, id)).toBe(false);
		// A late arrival inside the window is unseen; one below the floor is not.
		expect(isUnseen(cursor, idAt(T0 - 2_000))).toBe(true);
		expect(isUnseen(cursor, idAt(T0 - 20_000))).toBe(false);
		expect(isUnseen(cursor, idAt(T0, 1))).toBe(true);
	});

	test('selectUnseen deduplicates overlapping pages and sorts oldest first', () => {
		const cursor = advanceCursor(emptyCursor(), [idAt(T0 - 20_000), idAt(T0)]);
		const run = [idAt(T0 + 3), idAt(T0 + 2), idAt(T0 + 2), idAt(T0 + 1), idAt(T0), idAt(T0 - 20_000)];
		expect(selectUnseen(cursor, run.map((id) => ({ id }))).map((e) => e.id)).toEqual([idAt(T0 + 1), idAt(T0 + 2), idAt(T0 + 3)]);
		// A lower id that shows up late, inside the window, is still new.
		const late = [idAt(T0 + 4), idAt(T0), idAt(T0 - 1)].map((id) => ({ id }));
		expect(selectUnseen(cursor, late).map((e) => e.id)).toEqual([idAt(T0 - 1), idAt(T0 + 4)]);
	});

	test('state stays bounded however many ids are passed at once', () => {
		let cursor = emptyCursor();
		// 5,000 events in the same millisecond: all inside the late window.
		for (let batch = 0; batch < 50; batch++) {
			const ids = Array.from({ length: 100 }, (_, i) => idAt(T0, batch * 100 + i));
			cursor = advanceCursor(cursor, ids);
		}
		expect(cursor.seen).toHaveLength(MAX_SEEN_IDS);
		expect(cursor.newest).toBe(idAt(T0, 4999));
		expect(cursor.floor).toBe(idAt(T0, 4999 - MAX_SEEN_IDS));
		for (let seq = 0; seq < 5000; seq++) expect(isUnseen(cursor, idAt(T0, seq))).toBe(false);
		expect(JSON.stringify(cursor).length).toBeLessThan(3000);
	});

	test('parseCursor rejects malformed state and normalises valid state', () => {
		expect(parseCursor(undefined)).toBeUndefined();
		expect(parseCursor({ newest: 5, floor: '0', seen: [] })).toBeUndefined();
		expect(parseCursor({ newest: '5', floor: '9', seen: [] })).toBeUndefined();
		expect(parseCursor({ newest: '5', floor: '0', seen: ['5', 'x', '99'] })).toEqual({ newest: '5', floor: '0', seen: ['5'] });
	});
});

describe('backlog of resume stops', () => {
	const stop = (n: number) => ({ token: `TOKEN_${n}_00000000000`, above: String(1000 - n) });

	test('push, next, complete and the edge they leave', () => {
		const cursor = advanceCursor(emptyCursor(), ['100']);
		let backlog: DmBacklog | undefined = pushStop(undefined, 'a', stop(1));
		backlog = pushStop(backlog, 'a', stop(2));
		expect(nextStop(backlog, 'a')).toEqual(stop(2));
		expect(nextStop(backlog, 'b')).toBeUndefined();
		expect(stopBound(cursor, backlog, 'a')).toBe('100');
		// The stretch below stop 2 was emitted: a run from stop 1 may stop at stop 2's `above` event.
		backlog = completeRun(backlog, 'a', stop(2));
		expect(backlog).toEqual({ key: 'a', stops: [stop(1)], edge: stop(2).above });
		expect(stopBound(cursor, backlog, 'a')).toBe(stop(2).above);
		expect(stopBound(cursor, backlog, 'b')).toBe('100');
		backlog = completeRun(backlog, 'a', stop(1));
		expect(backlog).toEqual({ key: 'a', stops: [], edge: stop(1).above });
		expect(nextStop(backlog, 'a')).toBeUndefined();
		// A run from the newest event that reached the bound leaves nothing behind.
		expect(completeRun(backlog, 'a', undefined)).toBeUndefined();
		expect(pushStop(backlog, 'b', stop(3))).toEqual({ key: 'b', stops: [stop(3)] });
	});

	test('is capped, dropping the shallowest stop, and parses defensively', () => {
		let backlog: DmBacklog | undefined;
		for (let i = 0; i < MAX_BACKLOG_STOPS + 5; i++) backlog = pushStop(backlog, 'k', stop(i));
		expect(backlog?.stops).toHaveLength(MAX_BACKLOG_STOPS);
		expect(backlog?.stops[0]).toEqual(stop(5));
		expect(parseBacklog({ key: 'k', stops: [] })).toBeUndefined();
		expect(parseBacklog({ key: 'k', stops: [stop(1), { token: 'x' }, 3], edge: 'no' })).toEqual({ key: 'k', stops: [stop(1)] });
		expect(parseBacklog({ key: 'k', stops: [], edge: '12' })).toEqual({ key: 'k', stops: [], edge: '12' });
	});
});

/** A page of a newest-first listing; tokens name the id the next page continues below, like the emulator's. */
function pageOf(newestFirst: string[], below: string | undefined, size: number): { ids: string[]; next?: string } {
	const start = below === undefined ? 0 : newestFirst.findIndex((id) => compareIds(id, below) < 0);
	const page = start < 0 ? [] : newestFirst.slice(start, start + size);
	const more = page.length > 0 && start + size < newestFirst.length;
	return { ids: page, next: more ? page[page.length - 1] : undefined };
}

/**
 * One poll as the trigger does it: from the deepest resume stop (or the newest event) down to the stop bound,
 * at most `maxPages` pages; emits unseen ids oldest first only when the gap is closed.
 */
interface SimState {
	cursor: DmCursor;
	backlog: DmBacklog | undefined;
}

function pollOnce(state: SimState, visible: string[], emitted: string[], { maxPages = Infinity, key = 'listing' } = {}): SimState {
	const newestFirst = visible.map(BigInt).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).map(String);
	const stop = nextStop(state.backlog, key);
	const bound = stopBound(state.cursor, state.backlog, key);
	let run: string[] = [];
	let token = stop?.token;
	let pages = 0;
	for (;;) {
		const { ids, next } = pageOf(newestFirst, token, 100);
		pages++;
		run = run.concat(ids);
		if (reachesBound(bound, ids) || next === undefined) break;
		token = next;
		if (pages >= maxPages) {
			const above = run.reduce((low, id) => (compareIds(id, low) < 0 ? id : low));
			return { ...state, backlog: pushStop(state.backlog, key, { token, above }) };
		}
	}
	const fresh = selectUnseen(
		state.cursor,
		run.map((id) => ({ id })),
	).map((e) => e.id);
	emitted.push(...fresh);
	return { cursor: advanceCursor(state.cursor, fresh), backlog: completeRun(state.backlog, key, stop) };
}

interface Simulation {
	seed: number;
	rounds: number;
	maxBurst: number;
	lateShare: number;
	maxPages?: number;
}

function simulate({ seed, rounds, maxBurst, lateShare, maxPages }: Simulation) {
	const random = () => {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		return seed / 2147483648;
	};
	const visible: string[] = [];
	const emitted: string[] = [];
	let state: SimState = { cursor: emptyCursor(), backlog: undefined };
	let clock = T0;
	let seq = 0;
	const pendingLate: string[] = [];
	for (let round = 0; round < rounds; round++) {
		const burst = Math.floor(random() * maxBurst);
		for (let i = 0; i < burst; i++) {
			if (random() < 0.5) clock += 1 + Math.floor(random() * 50);
			const id = idAt(clock, seq++ % 4096);
			// Some events become visible only after the next poll (minted on another machine).
			if (random() < lateShare) pendingLate.push(id);
			else visible.push(id);
		}
		state = pollOnce(state, visible, emitted, { maxPages });
		visible.push(...pendingLate.splice(0));
		expect(JSON.stringify(state).length).toBeLessThan(5000);
	}
	// No more arrivals: the backlog drains in a bounded number of polls.
	let drainPolls = 0;
	do {
		state = pollOnce(state, visible, emitted, { maxPages });
		drainPolls++;
	} while ((state.backlog?.stops.length || emitted.length < visible.length) && drainPolls < 5000);
	return { visible, emitted, drainPolls };
}

test('simulation: bursts across page boundaries are emitted exactly once, oldest first', () => {
	const { visible, emitted } = simulate({ seed: 12345, rounds: 300, maxBurst: 350, lateShare: 0 });
	expect(emitted).toEqual([...visible].sort(compareIds));
});

test('simulation: polls limited to one or two pages still emit every event exactly once, oldest first', () => {
	for (const maxPages of [1, 2]) {
		const { visible, emitted, drainPolls } = simulate({ seed: 4242 + maxPages, rounds: 50, maxBurst: 400, lateShare: 0, maxPages });
		expect(emitted).toEqual([...visible].sort(compareIds));
		expect(drainPolls).toBeLessThan(5000);
	}
});

test('simulation: late arrivals inside the window and the fetched page are emitted exactly once', () => {
	const { visible, emitted } = simulate({ seed: 777, rounds: 300, maxBurst: 40, lateShare: 0.05 });
	expect(new Set(emitted).size).toBe(emitted.length);
	expect([...emitted].sort(compareIds)).toEqual([...visible].sort(compareIds));
});
