'use strict';
// `npm run test:e2e`: the end-to-end suites (e2e/tests/*.e2e.ts) in a real n8n and headless Chromium, one file after
// another in one process. The global setup builds and packs the package and installs the n8n runtime once for all
// suites; each suite then starts its own n8n and emulator. `npm test` (../jest.config.js) never runs these.
// N8N_VERSION picks the n8n runtime (e2e/lib/runtimes.ts); every suite runs on every runtime except those that
// e2e/runtimes/matrix.json lists as default-only (the browser suite), so a new suite file joins the matrix by itself.
// A variant of a runtime (matrix.json `variants`) runs the suites it lists.
const path = require('node:path');
const MATRIX = require('./runtimes/matrix.json');

// The same choice e2e/lib/runtimes.ts makes (selectedRuntime), reduced to what decides the suites: is it the default
// runtime, or a variant with suites of its own?
const wanted = (process.env.N8N_VERSION || '').trim();
const onDefault = !wanted || wanted === MATRIX.default || wanted === MATRIX.default.replace(/-node\d+$/, '');
const variant = MATRIX.variants[wanted];
const suitePattern = (suite) => `/e2e/tests/${suite}\\.e2e\\.ts$`;
// A variant runs only its suites: every other file is ignored (a lookahead on the file name).
const onlyVariantSuites = variant ? [`/e2e/tests/(?!(${variant.suites.join('|')})\\.e2e\\.ts$)[^/]+$`] : [];

module.exports = {
	rootDir: path.resolve(__dirname, '..'),
	roots: ['<rootDir>/e2e/tests'],
	testEnvironment: 'node',
	testMatch: ['<rootDir>/e2e/tests/*.e2e.ts'],
	testPathIgnorePatterns: [...(onDefault ? [] : MATRIX.defaultOnlySuites.map(suitePattern)), ...onlyVariantSuites],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	globalSetup: '<rootDir>/e2e/global-setup.ts',
	globalTeardown: '<rootDir>/e2e/global-teardown.ts',
	// The suites share the machine with real n8n processes and a browser: never in parallel.
	maxWorkers: 1,
	testTimeout: 180000,
	verbose: true,
	// A keep-alive socket to a stopped n8n or emulator must not keep the run from ending.
	forceExit: true,
};
