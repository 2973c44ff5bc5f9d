// The n8n editor in headless Chromium: sign in, find the node in the nodes panel, check that the parameters follow
// resource and operation, and run the send-DM example from the UI (checked against the emulator's ground truth).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS_DIR, DOCS_DIR } from '../lib/paths';
import { createInstance, type Instance } from '../lib/instance';
import { loadExamples } from '../lib/examples';
import { launchBrowser, type Browser, type Page, type Locator, type PageElement } from '../lib/browser';
import { OWNER } from '../lib/n8n';
import { CREDENTIAL_NAMES, type DemoTokens } from '../lib/demo';
import { e2eRun, log } from '../lib/run';
import type { DemoInfo, DmEventRecord, Emulator } from '../lib/emulator';

// The functions handed to the page ($$eval, waitForFunction) run inside Chromium, where these exist.
declare const document: {
	querySelector(selector: string): unknown;
	querySelectorAll(selector: string): Iterable<unknown>;
};
declare function getComputedStyle(element: unknown): { display: string };

const SEND_DM_WORKFLOW_ID = 'xdmExampleSendDm';
const SEND_NODE_NAME = 'Send DM to Bob';
// The screenshot the README shows (the node's parameters next to the output of a real run).
const README_SCREENSHOT = path.join(DOCS_DIR, 'x-dm-node-in-n8n.png');
const SETUP_TIMEOUT_MS = 300 * 1000;
const TEST_TIMEOUT_MS = 180 * 1000;

// The node's own parameters (n8n's node settings share the same test ids).
const NODE_PARAMETERS = new Set(['authentication', 'resource', 'operation', 'recipient', 'conversation', 'text', 'attachmentType',
	'mediaId', 'binaryPropertyName', 'participants', 'scope', 'participant', 'eventTypes', 'returnAll', 'limit', 'dmEventFields',
	'expansions', 'userFields', 'tweetFields', 'mediaFields', 'resolveIncludes', 'eventId', 'options']);

interface Suite {
	instance: Instance;
	emu: Emulator;
	tokens: DemoTokens;
	users: DemoInfo['users'];
	browser: Browser;
	page: Page;
	url: string;
}

const byTestId = (id: string): string => `[data-test-id="${id}"]`;

async function screenshot(page: Page, name: string): Promise<string> {
	fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
	const file = path.join(SCREENSHOTS_DIR, `${name}.png`);
	await page.screenshot({ path: file });
	return file;
}

/** Names of the node parameters currently shown in the open node details view. */
async function visibleParameters(page: Page): Promise<string[]> {
	const ids = await page.$$eval(`${byTestId('node-parameters')} [data-test-id^="parameter-input-"]`,
		(elements) => elements.map((element) => (element.getAttribute('data-test-id') ?? '').replace('parameter-input-', '')));
	return [...new Set(ids)].filter((name) => NODE_PARAMETERS.has(name));
}

/** Picks an entry of an options parameter in the node details view. */
async function chooseOption(page: Page, parameter: string, label: string): Promise<void> {
	const input = page.locator(`${byTestId(`parameter-input-${parameter}`)} input`).first();
	await input.click();
	// Entries with a description show it under the name, so match the start.
	await page.locator('.el-select-dropdown__item:visible', { hasText: new RegExp(`^\\s*${label}`) }).first().click();
	await page.waitForFunction(({ element, expected }: { element: PageElement; expected: string }) => element.value === expected,
		{ element: await input.elementHandle(), expected: label });
	// Let the dropdown finish closing, so the next click does not land on its fading copy.
	await page.waitForFunction(() => [...document.querySelectorAll('.el-select__popper')].every((popper) => getComputedStyle(popper).display === 'none'));
}

async function waitForParameters(page: Page, expected: string[]): Promise<string[]> {
	await page.waitForFunction(({ selector, names }: { selector: string; names: string[] }) =>
		names.every((name) => document.querySelector(`${selector} [data-test-id="parameter-input-${name}"]`)),
	{ selector: byTestId('node-parameters'), names: expected });
	return visibleParameters(page);
}

async function openWorkflow(page: Page, url: string, workflowId: string): Promise<void> {
	await page.goto(`${url}/workflow/${workflowId}`);
	await page.waitForSelector(`${byTestId('canvas-node')}[data-node-name="${SEND_NODE_NAME}"]`);
}

/** A new tab (the previous one may hold unsaved edits, which would ask before leaving). */
async function freshPage(context: Suite): Promise<Page> {
	await context.page.close();
	context.page = await context.browser.context.newPage();
	return context.page;
}

/** Runs the send-DM example with the editor's "Execute workflow" button; returns the one new emulator event. */
async function runSendDmFromEditor(context: Suite): Promise<{ page: Page; event: DmEventRecord; output: Locator }> {
	const { emu, users, url } = context;
	const page = await freshPage(context);
	const known = new Set(emu.events().map((event) => event.id));
	await openWorkflow(page, url, SEND_DM_WORKFLOW_ID);
	await page.click(byTestId('execute-workflow-button'));
	const sendNode = page.locator(`${byTestId('canvas-node')}[data-node-name="${SEND_NODE_NAME}"]`);
	await sendNode.locator(byTestId('canvas-node-status-success')).waitFor();
	await screenshot(page, '07-send-dm-executed');

	const created = emu.events().filter((event) => !known.has(event.id));
	assert.equal(created.length, 1, 'exactly one DM sent');
	const [event] = created;
	assert.equal(event.sender_id, users.alice.id);
	assert.equal(event.dm_conversation_id, `${users.alice.id}-${users.bob.id}`);

	await sendNode.dblclick();
	const output = page.locator(byTestId('output-panel'));
	// The editor remembers the last display mode; the table shows each value in its own cell.
	await output.locator(byTestId('radio-button-table')).click();
	await output.getByText(event.id, { exact: true }).waitFor();
	return { page, event, output };
}

describe('browser', () => {
	let suite: Suite | undefined;
	const context = (): Suite => {
		if (!suite) throw new Error('the browser suite has no n8n or browser (its setup failed)');
		return suite;
	};

	beforeAll(async () => {
		log('suite browser: setting up');
		const instance = await createInstance({ name: 'browser', tarball: e2eRun().tarball, workflows: loadExamples().map(({ workflow }) => workflow) });
		let browser: Browser;
		try {
			await instance.start();
			await (await instance.rest()).request('GET', '/settings');
			browser = await launchBrowser();
		} catch (error) {
			await instance.close();
			throw error;
		}
		const page = await browser.context.newPage();
		suite = { instance, emu: instance.emu, tokens: instance.tokens, users: instance.demo.users, browser, page, url: instance.instanceUrl };
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		if (!suite) return;
		await suite.browser.close();
		await suite.instance.close();
	});

	test('signs in with the owner account', async () => {
		const { page, url } = context();
		await page.goto(`${url}/signin`);
		await page.fill('input[name="emailOrLdapLoginId"]', OWNER.email);
		await page.fill('input[name="password"]', OWNER.password);
		await page.click(byTestId('form-submit-button'));
		await page.waitForURL((current) => !current.pathname.startsWith('/signin'));
		await page.waitForSelector('text=X DM example: send a Direct Message');
		await screenshot(page, '01-workflows');
	}, TEST_TIMEOUT_MS);

	test('the nodes panel finds "X Direct Messages" with its six actions', async () => {
		const { page, url } = context();
		await openWorkflow(page, url, SEND_DM_WORKFLOW_ID);
		await page.click(byTestId('node-creator-plus-button'));
		await page.fill(`${byTestId('node-creator-search-bar')} input, input${byTestId('node-creator-search-bar')}`, 'X Direct Messages');
		const result = page.locator(byTestId('node-creator-item-name'), { hasText: /^X Direct Messages$/ }).first();
		await result.waitFor();
		await screenshot(page, '02-nodes-panel-search');
		await result.click();
		const action = page.locator(byTestId('node-creator-item-name'), { hasText: 'Send a message to a user' });
		await action.waitFor();
		const actions = await page.$$eval(byTestId('node-creator-item-name'), (elements) => elements.map((element) => (element.textContent ?? '').trim()));
		for (const expected of ['Create a group conversation', 'Delete a DM event', 'Get a DM event', 'Get many DM events',
			'Send a message to a conversation', 'Send a message to a user']) {
			assert.ok(actions.includes(expected), `action "${expected}" listed (got ${actions.join(', ')})`);
		}
		await screenshot(page, '03-nodes-panel-actions');
	}, TEST_TIMEOUT_MS);

	test('the node\'s parameters follow the chosen resource and operation', async () => {
		const { page } = context();
		await page.locator(byTestId('node-creator-item-name'), { hasText: 'Get many DM events' }).click();
		await page.waitForSelector(byTestId('ndv'));

		let shown = await waitForParameters(page, ['resource', 'operation', 'scope', 'limit']);
		for (const name of ['eventTypes', 'returnAll', 'dmEventFields', 'expansions', 'resolveIncludes']) assert.ok(shown.includes(name), `${name} shown for Get Many`);
		assert.ok(!shown.includes('text') && !shown.includes('recipient'), 'no message parameters for Get Many');
		await screenshot(page, '04-node-event-get-many');

		await chooseOption(page, 'resource', 'Message');
		shown = await waitForParameters(page, ['operation', 'recipient', 'text', 'attachmentType']);
		assert.ok(!shown.includes('scope') && !shown.includes('limit'), `event parameters gone for Message (${shown})`);
		await screenshot(page, '05-node-message-send-to-user');

		await chooseOption(page, 'operation', 'Send to Conversation');
		shown = await waitForParameters(page, ['conversation', 'text']);
		assert.ok(!shown.includes('recipient'), 'recipient gone for Send to Conversation');

		await chooseOption(page, 'attachmentType', 'Media ID');
		shown = await waitForParameters(page, ['mediaId']);

		await chooseOption(page, 'resource', 'Conversation');
		shown = await waitForParameters(page, ['participants', 'text']);
		assert.ok(!shown.includes('conversation') && !shown.includes('recipient'), `only group parameters (${shown})`);
		await screenshot(page, '06-node-conversation-create-group');
		await page.click(byTestId('ndv-close-button'));
	}, TEST_TIMEOUT_MS);

	test('runs the send-DM example from the editor; the output matches what the emulator stored', async () => {
		const { page, event, output } = await runSendDmFromEditor(context());
		assert.ok(await output.getByText(context().users.bob.id, { exact: true }).count(), 'recipient id shown in the output');
		assert.equal(event.text, 'Hi Bob! This message was sent by the X Direct Messages node in n8n.');

		// For the README picture: the whole output item as JSON, without the "executed" toast on top.
		await output.locator(byTestId('radio-button-json')).click();
		await output.getByText('recipient_username').first().waitFor();
		await page.addStyleTag({ content: '.el-notification { display: none !important; }' });
		await page.mouse.move(1200, 700);
		const file = await screenshot(page, '08-send-dm-output');
		// The committed picture changes only on request, so a test run leaves the work tree clean.
		if (!fs.existsSync(README_SCREENSHOT) || process.env.E2E_UPDATE_DOCS_SCREENSHOT === '1') {
			fs.mkdirSync(DOCS_DIR, { recursive: true });
			fs.copyFileSync(file, README_SCREENSHOT);
		}
	}, TEST_TIMEOUT_MS);

	test('the OAuth2 credential reconnects through the emulator\'s consent page (PKCE) and the new token works', async () => {
		const suiteContext = context();
		const { browser, emu, url, tokens, instance: { demo } } = suiteContext;
		const page = await freshPage(suiteContext);
		await page.goto(`${url}/home/credentials`);
		await page.getByText(CREDENTIAL_NAMES.xDmOAuth2Api, { exact: true }).click();
		await page.locator(byTestId('oauth-connect-success-banner')).waitFor();

		emu.clearRequests();
		const popupOpened = browser.context.waitForEvent('page');
		await page.getByRole('button', { name: 'Reconnect' }).click();
		const consent = await popupOpened;
		await consent.waitForLoadState();
		const authorizeUrl = new URL(consent.url());
		assert.equal(`${authorizeUrl.origin}${authorizeUrl.pathname}`, `${emu.url}/i/oauth2/authorize`);
		assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
		assert.equal(authorizeUrl.searchParams.get('client_id'), demo.oauth2Client.clientId);
		assert.equal(authorizeUrl.searchParams.get('redirect_uri'), `${url}/rest/oauth2-credential/callback`);
		assert.deepEqual((authorizeUrl.searchParams.get('scope') ?? '').split(' ').sort(), [...demo.scopes].sort());
		await screenshot(consent, '09-oauth2-consent');
		const consentClosed = consent.waitForEvent('close');
		await consent.getByRole('button', { name: 'Authorize app' }).click();
		await consentClosed;

		const exchange = emu.requests().find((request) => request.method === 'POST' && request.path === '/2/oauth2/token');
		assert.ok(exchange, 'n8n exchanged the code at the emulator');
		const exchangeBody = exchange.body;
		assert.ok(typeof exchangeBody === 'object' && exchangeBody !== null && 'grant_type' in exchangeBody, `the token request has a form body: ${JSON.stringify(exchangeBody)}`);
		assert.equal(exchangeBody.grant_type, 'authorization_code');
		assert.equal(exchange.status, 200);
		await page.locator(byTestId('oauth-connect-success-banner')).waitFor();
		await page.click(byTestId('credential-save-button'));
		await screenshot(page, '10-oauth2-reconnected');

		// Revoking the imported token family leaves only the token from the reconnect.
		const { clientId, clientSecret } = demo.oauth2Client;
		const revoke = await fetch(`${emu.url}/2/oauth2/revoke`, {
			method: 'POST',
			headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ token: tokens.alice.refresh_token }),
		});
		assert.equal(revoke.status, 200);

		const { event } = await runSendDmFromEditor(suiteContext);
		assert.equal(event.sender_id, suiteContext.users.alice.id);
		assert.ok(!emu.requests().some((request) => request.status === 401), 'no request was refused');
	}, TEST_TIMEOUT_MS);
});
