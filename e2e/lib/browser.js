'use strict';

// Headless Debian Chromium driven by playwright-core (from e2e/runtime); no browser download involved.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { RUNTIME_MODULES, CHROMIUM } = require('./paths');

// Without the background-networking flags Chromium keeps trying to reach Google hosts, which this network refuses.
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--no-first-run',
	'--disable-dev-shm-usage',
];

/** Launches Chromium with a fresh profile; returns { context, close() } (a persistent context owns the profile dir). */
async function launchBrowser() {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
	}
	const { chromium } = require(path.join(RUNTIME_MODULES, 'playwright-core'));
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-dm-e2e-chromium-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_FLAGS,
		viewport: { width: 1440, height: 900 },
	});
	context.setDefaultTimeout(30000);
	return {
		context,
		async close() {
			await context.close();
			fs.rmSync(userDataDir, { recursive: true, force: true });
		},
	};
}

module.exports = { launchBrowser, CHROMIUM_FLAGS };
