// Pure cursor logic of the trigger, free of n8n and HTTP.
import type { DmBacklog, DmCursor, LateCheck } from '../../../nodes/XDirectMessagesTrigger/cursor';
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
	floorBound,
	lateCheckDue,
	lateCheckOf,
	roomForIds,
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
		// The documented bound: about 22 bytes per remembered id (README, "Bounded state").
		expect(JSON.stringify(cursor).length).toBeLessThan(MAX_SEEN_IDS * 23 + 100);
		// Runs never get there: they pass no more new ids than there is room for.
		expect(roomForIds(cursor, { covered: false })).toBe(0);
		expect(roomForIds(emptyCursor(), { covered: false })).toBe(MAX_SEEN_IDS);
	});

	test('only a run that looked at the whole window raises the floor; X\'s clock can raise it up to the newest id', () => {
		const ids = [idAt(T0 - 5_000), idAt(T0 - 1), idAt(T0)];
		const start = advanceCursor(emptyCursor(), ids, { covered: true });
		expect(start.floor).toBe(lastIdBefore(T0 - LATE_WINDOW_MS));
		const later = [idAt(T0 + 20_000)];
		const uncovered = advanceCursor(start, later, { covered: false, serverTimeMs: T0 + 60_000 });
		expect(uncovered.floor).toBe(start.floor);
		expect(uncovered.seen).toEqual([later[0], ...ids.slice().reverse()]);
		const covered = advanceCursor(start, later, { covered: true, serverTimeMs: T0 + 25_000 });
		expect(covered.floor).toBe(lastIdBefore(T0 + 15_000));
		expect(covered.seen).toEqual(later);
		expect(advanceCursor(start, later, { covered: true, serverTimeMs: T0 + 60_000 })).toEqual({ newest: later[0], floor: later[0], seen: [] });
		// A run resumed from a stop inside the window looked only below the stop: the floor stays below it.
		const resumed = advanceCursor(start, [], { covered: true, serverTimeMs: T0 + 60_000, below: ids[1] });
		expect(resumed.floor).toBe((BigInt(ids[1]) - 1n).toString());
		expect(resumed.seen).toEqual([ids[2], ids[1]]);
	});

	test('the look back for late arrivals is due once X\'s clock is a window past the floor\'s window', () => {
		const cursor = advanceCursor(emptyCursor(), [idAt(T0 - 1_000), idAt(T0)]);
		expect(lateCheckDue(cursor, undefined)).toBe(false);
		expect(lateCheckDue(cursor, T0 + 1_000)).toBe(false);
		expect(lateCheckDue(cursor, T0 + 10_001)).toBe(true);
		// Nothing remembered above the floor: nothing to look for.
		expect(lateCheckDue(advanceCursor(cursor, [], { covered: true, serverTimeMs: T0 + 60_000 }), T0 + 600_000)).toBe(false);
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
 * One poll as the trigger does it (runs.ts): from the deepest resume stop (or the newest event) down to the stop bound,
 * or on to the floor when the look back for late arrivals is due, at most `maxPages` pages; emits unseen ids oldest
 * first only when it got there, as many as the remembered ids have room for.
 */
interface SimState {
	cursor: DmCursor;
	backlog: DmBacklog | undefined;
}

interface SimPoll {
	maxPages?: number;
	key?: string;
	/** X's clock at the poll. */
	serverTimeMs: number;
}

function pollOnce(state: SimState, visible: string[], emitted: string[], { maxPages = Infinity, key = 'listing', serverTimeMs }: SimPoll): SimState {
	// Ids of the same length compare as strings (the simulation's ids all have 19 digits).
	const newestFirst = [...visible].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
	const { cursor } = state;
	const stop = nextStop(state.backlog, key);
	const target = lateCheckDue(cursor, serverTimeMs) ? floorBound(cursor) : stopBound(cursor, state.backlog, key);
	let run: string[] = [];
	let token = stop?.token;
	let pages = 0;
	let listEnd = false;
	for (;;) {
		const { ids, next } = pageOf(newestFirst, token, 100);
		pages++;
		run = run.concat(ids);
		if (reachesBound(target, ids)) break;
		if (next === undefined) {
			listEnd = true;
			break;
		}
		token = next;
		if (pages >= maxPages) {
			const above = run.reduce((low, id) => (compareIds(id, low) < 0 ? id : low));
			return { ...state, backlog: pushStop(state.backlog, key, { token, above }) };
		}
	}
	const check: LateCheck = lateCheckOf(cursor, state.backlog, key, { ids: run, listEnd, serverTimeMs, resumedFrom: stop });
	const unseen = selectUnseen(
		cursor,
		run.map((id) => ({ id })),
	).map((e) => e.id);
	const late = unseen.filter((id) => compareIds(id, cursor.newest) <= 0);
	const fresh = unseen.filter((id) => compareIds(id, cursor.newest) > 0);
	const passed = [...late, ...fresh.slice(0, Math.max(0, roomForIds(cursor, check) - late.length))];
	emitted.push(...passed);
	const partly = passed.length < unseen.length;
	const checkedAt = check.covered ? check.serverTimeMs : undefined;
	const backlog = partly ? state.backlog && { key, stops: [...state.backlog.stops] } : completeRun(state.backlog, key, stop, checkedAt);
	return { cursor: advanceCursor(cursor, passed, check), backlog };
}

interface Simulation {
	seed: number;
	rounds: number;
	maxBurst: number;
	lateShare: number;
	maxPages?: number;
}

/** Polls a minute apart (X's clock), bursts of events just before each; late events show up after the poll. */
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
	let largestState = 0;
	for (let round = 0; round < rounds; round++) {
		clock += 60_000;
		const burst = Math.floor(random() * maxBurst);
		for (let i = 0; i < burst; i++) {
			if (random() < 0.5) clock += 1 + Math.floor(random() * 50);
			const id = idAt(clock, seq++ % 4096);
			// Some events become visible only after the next poll (minted on another machine).
			if (random() < lateShare) pendingLate.push(id);
			else visible.push(id);
		}
		state = pollOnce(state, visible, emitted, { maxPages, serverTimeMs: clock });
		visible.push(...pendingLate.splice(0));
		// What is remembered: the ids of the late window, a few resume stops (the documented bound).
		expect(state.cursor.seen.length).toBeLessThanOrEqual(MAX_SEEN_IDS);
		largestState = Math.max(largestState, JSON.stringify(state).length);
		expect(JSON.stringify(state).length).toBeLessThan(MAX_SEEN_IDS * 23 + 2500);
	}
	// No more arrivals: the backlog drains in a bounded number of polls.
	let drainPolls = 0;
	do {
		clock += 60_000;
		state = pollOnce(state, visible, emitted, { maxPages, serverTimeMs: clock });
		drainPolls++;
	} while ((state.backlog?.stops.length || emitted.length < visible.length) && drainPolls < 5000);
	return { visible, emitted, drainPolls, largestState };
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

test('simulation: late arrivals behind hundreds of newer events, also on polls of one or two pages, are emitted exactly once', () => {
	for (const maxPages of [Infinity, 2]) {
		const { visible, emitted, largestState } = simulate({ seed: 99 + maxPages, rounds: 60, maxBurst: 350, lateShare: 0.05, maxPages });
		expect(new Set(emitted).size).toBe(emitted.length);
		expect([...emitted].sort(compareIds)).toEqual([...visible].sort(compareIds));
		// Only the events of the last seconds are remembered: far below the cap.
		expect(largestState).toBeLessThan(12_000);
	}
});
