#!/usr/bin/env node
'use strict';

// `npm run test:e2e [-- suite ...]`: end-to-end tests in a real n8n 2.8.4 (CLI, active trigger, editor in
// headless Chromium) against the X API emulator. Each suite gets its own n8n user folder and emulator.
// Closes with `e2e: N passed, M failed` and exits non-zero when anything failed.
const fs = require('node:fs');
const path = require('node:path');
const { WORK_DIR } = require('./lib/paths');
const { ensureRuntime, buildPackage, packPackage } = require('./lib/runtime');
const { stopAllN8n } = require('./lib/n8n');

const SUITES = ['headless', 'trigger', 'browser'];

const startedAt = Date.now();
const seconds = (fromMs) => `${((Date.now() - fromMs) / 1000).toFixed(1)} s`;
const log = (message) => console.log(`[e2e ${seconds(startedAt)}] ${message}`);

function indent(text) {
	return String(text).split('\n').map((line) => `    ${line}`).join('\n');
}

async function runSuite(suite, shared, results) {
	log(`suite ${suite.name}: setting up`);
	let context;
	try {
		context = await suite.setup(shared);
	} catch (error) {
		console.log(`not ok - ${suite.name}: setup failed\n${indent(error.stack || error)}`);
		for (const test of suite.tests) results.push({ name: `${suite.name} > ${test.name}`, passed: false });
		return;
	}
	try {
		for (const test of suite.tests) {
			const name = `${suite.name} > ${test.name}`;
			const testStart = Date.now();
			try {
				await test.run(context);
				console.log(`ok - ${name} (${seconds(testStart)})`);
				results.push({ name, passed: true });
			} catch (error) {
				console.log(`not ok - ${name} (${seconds(testStart)})\n${indent(error.stack || error)}`);
				results.push({ name, passed: false });
			}
		}
	} finally {
		try {
			await suite.teardown?.(context);
		} catch (error) {
			console.log(`warning: ${suite.name} teardown failed: ${error.message}`);
		}
	}
}

// An interrupted run (Ctrl-C, CI timeout) stops the n8n processes it started before exiting.
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.once(signal, async () => {
		console.log(`\n${signal}: stopping n8n`);
		await stopAllN8n();
		console.log('e2e: 0 passed, 1 failed');
		process.exit(1);
	});
}

async function main() {
	const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
	const unknown = wanted.filter((name) => !SUITES.includes(name));
	if (unknown.length) throw new Error(`unknown suite(s) ${unknown.join(', ')}; known: ${SUITES.join(', ')}`);
	const selected = wanted.length ? SUITES.filter((name) => wanted.includes(name)) : SUITES;

	// Only the last run's folders are kept (n8n logs and databases, for looking into failures).
	fs.rmSync(WORK_DIR, { recursive: true, force: true });
	fs.mkdirSync(WORK_DIR, { recursive: true });

	log('building the package (npm run build)');
	await buildPackage();
	await ensureRuntime({ log });
	const tarball = await packPackage(path.join(WORK_DIR, 'pack'));
	log(`packed ${path.basename(tarball)}`);

	const shared = { tarball, log };
	const results = [];
	for (const name of selected) await runSuite(require(`./tests/${name}.e2e.js`), shared, results);

	const passed = results.filter((result) => result.passed).length;
	const failed = results.length - passed;
	if (failed) {
		console.log('\nFailed:');
		for (const result of results.filter((entry) => !entry.passed)) console.log(`  ${result.name}`);
		console.log(`n8n logs and databases of this run: ${WORK_DIR}`);
	}
	console.log(`\nDone in ${seconds(startedAt)}.`);
	console.log(`e2e: ${passed} passed, ${failed} failed`);
	process.exitCode = failed || !results.length ? 1 : 0;
}

main()
	.catch((error) => {
		console.error(error.stack || error);
		console.log('e2e: 0 passed, 1 failed');
		process.exitCode = 1;
	})
	// Everything started was stopped; exiting explicitly keeps a stray handle (a keep-alive socket) from holding CI.
	.finally(() => process.exit());
