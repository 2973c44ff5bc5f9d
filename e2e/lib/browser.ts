// Headless Debian Chromium driven by playwright-core (from the default runtime, e2e/runtimes/<default>); no browser download involved.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM } from './paths';
import { selectedRuntime } from './runtimes';

// The part of playwright-core's API the suites use. playwright-core lives in the default runtime (installed on first use), so
// its own type declarations are not there when the tree is type-checked; these mirror its signatures.

/** A DOM element as the functions passed to $$eval / waitForFunction see it inside the page. */
export interface PageElement {
	getAttribute(name: string): string | null;
	textContent: string | null;
	value?: string;
}

export interface Locator {
	first(): Locator;
	locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
	getByText(text: string, options?: { exact?: boolean }): Locator;
	click(): Promise<void>;
	dblclick(): Promise<void>;
	waitFor(): Promise<void>;
	count(): Promise<number>;
	elementHandle(): Promise<unknown>;
}

export interface Page {
	goto(url: string): Promise<unknown>;
	url(): string;
	close(): Promise<void>;
	click(selector: string): Promise<void>;
	fill(selector: string, value: string): Promise<void>;
	waitForSelector(selector: string): Promise<unknown>;
	waitForURL(predicate: (url: URL) => boolean): Promise<void>;
	waitForLoadState(): Promise<void>;
	waitForEvent(event: 'close'): Promise<unknown>;
	waitForFunction<A>(pageFunction: (arg: A) => unknown, arg?: unknown): Promise<unknown>;
	$$eval<R>(selector: string, pageFunction: (elements: PageElement[]) => R): Promise<R>;
	locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
	getByText(text: string, options?: { exact?: boolean }): Locator;
	getByRole(role: 'button', options: { name: string }): Locator;
	screenshot(options: { path: string }): Promise<Buffer>;
	addStyleTag(options: { content: string }): Promise<unknown>;
	mouse: { move(x: number, y: number): Promise<void> };
}

export interface BrowserContext {
	newPage(): Promise<Page>;
	waitForEvent(event: 'page'): Promise<Page>;
	setDefaultTimeout(ms: number): void;
	close(): Promise<void>;
}

interface PlaywrightCore {
	chromium: {
		launchPersistentContext(userDataDir: string, options: {
			executablePath: string;
			headless: boolean;
			args: string[];
			viewport: { width: number; height: number };
		}): Promise<BrowserContext>;
	};
}

// Without the background-networking flags Chromium keeps trying to reach Google hosts, which this network refuses.
export const CHROMIUM_FLAGS = [
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

export interface Browser {
	context: BrowserContext;
	close(): Promise<void>;
}

/** Launches Chromium with a fresh profile; returns { context, close() } (a persistent context owns the profile dir). */
export async function launchBrowser(): Promise<Browser> {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
	}
	const { chromium } = require(path.join(selectedRuntime().modules, 'playwright-core')) as PlaywrightCore;
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
