// The single source of time for the emulator. A frozen clock (created with an explicit `now`) only moves when
// told to, which keeps tests deterministic; a ticking clock follows wall time plus an offset, so interactive use
// (npm run emulator) sees media processing finish and tokens expire without manual nudges.
//
// Only sane times are accepted: from 2006-01-01 (before X's first post) up to 2080-01-01, because event and media
// ids are snowflakes whose 41-bit timestamp leaves the signed 64-bit range in July 2080. Anything else (NaN,
// Infinity, 1e300, negative times) is refused with an EmulatorError and leaves the clock unchanged.
import { EmulatorError } from './store';

export const CLOCK_MIN_MS = Date.UTC(2006, 0, 1);
export const CLOCK_MAX_MS = Date.UTC(2080, 0, 1);

export interface Clock {
	/** True when the clock follows wall time (no `now` given at start). */
	readonly ticking: boolean;
	/** Current emulator time in ms since the epoch. */
	now(): number;
	/** Moves the clock forward (or back, with a negative value); returns the new time. */
	advance(ms: number): number;
	/** Sets the clock to an absolute time; returns it. */
	set(ms: number): number;
}

const RANGE = `${new Date(CLOCK_MIN_MS).toISOString()} .. ${new Date(CLOCK_MAX_MS).toISOString()}`;

/** `ms` as a number of milliseconds, or an EmulatorError naming `what`. */
function finite(what: string, ms: unknown): number {
	const value = typeof ms === 'number' || (typeof ms === 'string' && ms.trim() !== '') ? Number(ms) : Number.NaN;
	if (!Number.isFinite(value)) throw new EmulatorError(`${what} needs a finite number of milliseconds, got ${typeof ms === 'string' ? JSON.stringify(ms) : String(ms)}`);
	return value;
}

/** Throws unless `ms` is a time the emulator can represent. */
function checkTime(what: string, ms: number): number {
	if (ms < CLOCK_MIN_MS || ms > CLOCK_MAX_MS) {
		throw new EmulatorError(`${what}: ${ms} is outside the allowed time range ${RANGE}`);
	}
	return ms;
}

export function createClock({ now, ticking = now === undefined }: { now?: number; ticking?: boolean } = {}): Clock {
	let frozenAt = now === undefined ? Date.now() : checkTime('now', finite('now', now));
	let offsetMs = 0;
	const clock: Clock = {
		get ticking() {
			return ticking;
		},
		now() {
			return ticking ? Date.now() + offsetMs : frozenAt;
		},
		advance(ms) {
			const step = finite('clock.advance(ms)', ms);
			checkTime('clock.advance(ms)', clock.now() + step);
			if (ticking) offsetMs += step;
			else frozenAt += step;
			return clock.now();
		},
		set(ms) {
			const target = checkTime('clock.set(ms)', finite('clock.set(ms)', ms));
			if (ticking) offsetMs = target - Date.now();
			else frozenAt = target;
			return clock.now();
		},
	};
	return clock;
}
