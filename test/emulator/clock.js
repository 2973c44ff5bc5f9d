'use strict';

// The single source of time for the emulator. A frozen clock (created with an explicit `now`) only moves when
// told to, which keeps tests deterministic; a ticking clock follows wall time plus an offset, so interactive use
// (npm run emulator) sees media processing finish and tokens expire without manual nudges.
function createClock({ now, ticking = now === undefined } = {}) {
	let frozenAt = now === undefined ? Date.now() : Number(now);
	let offsetMs = 0;
	return {
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
			return this.now();
		},
		set(ms) {
			if (!Number.isFinite(Number(ms))) throw new Error('clock.set(ms) needs a number');
			if (ticking) offsetMs = Number(ms) - Date.now();
			else frozenAt = Number(ms);
			return this.now();
		},
	};
}

module.exports = { createClock };
