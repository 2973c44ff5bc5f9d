// The single source of time for the emulator. A frozen clock (created with an explicit `now`) only moves when
// told to, which keeps tests deterministic; a ticking clock follows wall time plus an offset, so interactive use
// (npm run emulator) sees media processing finish and tokens expire without manual nudges.

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

export function createClock({ now, ticking = now === undefined }: { now?: number; ticking?: boolean } = {}): Clock {
	let frozenAt = now === undefined ? Date.now() : Number(now);
	let offsetMs = 0;
	const clock: Clock = {
		get ticking() {
			return ticking;
		},
		now() {
			return ticking ? Date.now() + offsetMs : frozenAt;
		},
		advance(ms) {
			if (!Number.isFinite(Number(ms))) throw new Error('clock.advance(ms) needs a number');
			if (ticking) offsetMs += Number(ms);
			else frozenAt += Number(ms);
			return clock.now();
		},
		set(ms) {
			if (!Number.isFinite(Number(ms))) throw new Error('clock.set(ms) needs a number');
			if (ticking) offsetMs = Number(ms) - Date.now();
			else frozenAt = Number(ms);
			return clock.now();
		},
	};
	return clock;
}
