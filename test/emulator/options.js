'use strict';

// Every emulator option with its default, in one place: startEmulator(options) starts from these, and
// emu.setOption(name, value) accepts exactly these names. The README's option table describes them.
const { DEFAULT_PROBLEM_HOST } = require('./responses');

const DEFAULT_OPTIONS = Object.freeze({
	// 'demo' loads the demo world (demo-data.js) now and on every reset().
	seed: 'none',
	rateLimitProfile: 'launch',
	// Also emit next_token on the last non-empty page (a possible real behaviour).
	nextTokenOnLastPage: false,
	pageSizeDefault: 100,
	problemHost: DEFAULT_PROBLEM_HOST,
	// Check every /2 response against the spec and collect violations in emu.responseViolations.
	validateResponses: false,
	// Rewrite URLs in sent text to t.co links like the real service (off: sent text round-trips unchanged).
	wrapUrls: false,
	// Only the sender may delete an event (off: anyone can delete an event from their own view).
	deleteOwnOnly: false,
	// Video/GIF processing time after finalize, and whether it ends 'succeeded' or 'failed' (media.js).
	mediaProcessingMs: 5000,
	mediaProcessingOutcome: 'succeeded',
	// How far an OAuth 1.0a oauth_timestamp may be from the emulator clock (auth.js).
	oauth1TimestampSkewSeconds: 300,
});

// Fixed when the emulator starts; the clock moves with emu.clock.advance/set instead.
const START_ONLY_OPTIONS = ['port', 'host', 'now'];

module.exports = { DEFAULT_OPTIONS, START_ONLY_OPTIONS };
