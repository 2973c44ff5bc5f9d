// /oauth2/token (client credentials) and /2/webhooks: CRC on create and PUT, URL policy, limits, re-checks and
// X's invalidation rules, over real HTTP against a receiver on 127.0.0.1.
import { hmacToken } from '../src/push/outgoing';
import { call, closeAndExpectCleanRun, startTestEmulator } from './helpers';
import { API_KEY, API_SECRET, appBearer, createWebhook, sign, startPushWorld, startReceiver, type PushWorld } from './push-helpers';

const HOUR = 3_600_000;

describe('app-only bearer: POST /oauth2/token', () => {
	it('hands out the same token for the app key and secret, and 403 code 99 for wrong ones', async () => {
		const world = await startPushWorld();
		try {
			const first = await appBearer(world.emu);
			expect(first).toBe(world.bearer);
			const basic = Buffer.from(`${API_KEY}:wrong`).toString('base64');
			const refused = await call(world.emu, 'POST', '/oauth2/token', {
				headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
				body: 'grant_type=client_credentials',
			});
			expect(refused.status).toBe(403);
			expect(refused.body).toEqual({ errors: [{ code: 99, label: 'authenticity_token_error', message: 'Unable to verify your credentials' }] });
			const list = await call(world.emu, 'GET', '/2/webhooks', { token: first });
			expect(list.status).toBe(200);
			expect(list.body).toEqual({ data: [], meta: { result_count: 0 } });
			expect(list.headers['x-rate-limit-limit']).toBe('450');
		} finally {
			await world.close();
		}
		await closeAndExpectCleanRun(world.emu);
	});
});

describe('signatures (x-activity-api.md §14 test vectors)', () => {
	it('CRC response token and body signature', () => {
		expect(hmacToken('consumer_secret', 'challenge_string')).toBe('sha256=v1WdiCVwy17uGTMWveHGlqQXN/qW1bQraNXXByRO2YA=');
		expect(hmacToken('consumer_secret', '{"data":{"event_uuid":"1","event_type":"dm.received"}}')).toBe('sha256=imoECUMAGkvj4IYCms7TEP0ZTVn06XeT3cKcKnR9II0=');
		expect(sign('consumer_secret', 'challenge_string')).toBe(hmacToken('consumer_secret', 'challenge_string'));
	});
});

/** A fresh push world per test (CRC timeout 300 ms), closed and checked for a clean run afterwards. */
function eachWorld(): { readonly current: PushWorld } {
	const holder: { current: PushWorld } = { current: undefined as unknown as PushWorld };
	beforeEach(async () => {
		holder.current = await startPushWorld({ crcTimeoutMs: 300 });
	});
	afterEach(async () => {
		await holder.current.close();
		await closeAndExpectCleanRun(holder.current.emu);
	});
	return holder;
}

describe('POST /2/webhooks', () => {
	const worlds = eachWorld();
	let world: PushWorld;
	beforeEach(() => {
		world = worlds.current;
	});

	it('registers a webhook after a passing CRC with a fresh token each time', async () => {
		const { emu, bearer, receiver } = world;
		const created = await call(emu, 'POST', '/2/webhooks', { token: bearer, json: { url: receiver.url } });
		expect(created.status).toBe(200);
		expect(created.body).toEqual({ data: { id: expect.stringMatching(/^[0-9]{1,19}$/), url: receiver.url, valid: true, created_at: new Date(emu.clock.now()).toISOString() } });
		const validated = await call(emu, 'PUT', `/2/webhooks/${created.body.data.id}`, { token: bearer });
		expect(validated.body).toEqual({ data: { valid: true } });
		expect(receiver.crcRequests).toHaveLength(2);
		const tokens = receiver.crcRequests.map((url) => url.searchParams.get('crc_token'));
		expect(tokens[0]).toMatch(/^[A-Za-z0-9_-]{20,}$/);
		expect(tokens[0]).not.toBe(tokens[1]);
		const list = await call(emu, 'GET', '/2/webhooks?webhook_config.fields=id,valid', { token: bearer });
		expect(list.body).toEqual({ data: [{ id: created.body.data.id, valid: true }], meta: { result_count: 1 } });
		expect(emu.webhooks()).toEqual([expect.objectContaining({ id: created.body.data.id, appId: 'push-app', valid: true, lastCrcOk: true, crcFailures: 0 })]);
	});

	it.each([
		['a wrong token', 'wrong'],
		['a redirect', 'redirect'],
		['a 503', 'error'],
		['no answer within crcTimeoutMs', 'hang'],
	] as const)('refuses with CrcValidationFailed on %s and stores nothing', async (_label, mode) => {
		const { emu, bearer, receiver } = world;
		receiver.crcMode = mode;
		const refused = await call(emu, 'POST', '/2/webhooks', { token: bearer, json: { url: receiver.url } });
		expect(refused.status).toBe(400);
		expect(refused.body.type).toBe('https://api.x.com/2/problems/invalid-request');
		expect(refused.body.detail).toMatch(/^CrcValidationFailed: /);
		expect(refused.body.errors[0].message).toMatch(/^CrcValidationFailed: /);
		expect(emu.webhooks()).toEqual([]);
	});

	it('refuses duplicate URLs and more than webhookLimit webhooks per app', async () => {
		const { emu, bearer, receiver } = world;
		emu.setOption('webhookLimit', 2);
		await createWebhook(world, receiver.url);
		const duplicate = await call(emu, 'POST', '/2/webhooks', { token: bearer, json: { url: receiver.url } });
		expect(duplicate.status).toBe(400);
		expect(duplicate.body.detail).toMatch(/^DuplicateUrlFailed: /);
		await createWebhook(world, `${receiver.url}?second`);
		const third = await call(emu, 'POST', '/2/webhooks', { token: bearer, json: { url: `${receiver.url}?third` } });
		expect(third.status).toBe(400);
		expect(third.body.detail).toMatch(/^WebhookLimitExceeded: /);
		// Another app has its own webhooks.
		emu.registerOAuth1App({ consumerKey: 'other-key', consumerSecret: 'other-secret', appId: 'other-app' });
		const otherBearer = await appBearer(emu, 'other-key', 'other-secret');
		const otherList = await call(emu, 'GET', '/2/webhooks', { token: otherBearer });
		expect(otherList.body).toEqual({ data: [], meta: { result_count: 0 } });
		const foreign = await call(emu, 'DELETE', `/2/webhooks/${emu.webhooks()[0].id}`, { token: otherBearer });
		expect(foreign.status).toBe(400);
		expect(foreign.body.detail).toMatch(/^WebhookIdInvalid: /);
	});

	it('refuses a user OAuth 2.0 token on the app-only list', async () => {
		const answer = await call(world.emu, 'GET', '/2/webhooks', { token: world.alice.token });
		expect(answer.status).toBe(403);
	});

	it('deletes a webhook; its subscriptions stay', async () => {
		const { emu, bearer, receiver, alice } = world;
		const id = await createWebhook(world, receiver.url);
		const sub = await call(emu, 'POST', '/2/activity/subscriptions', { token: alice.token, json: { event_type: 'dm.received', filter: { user_id: alice.user.id }, webhook_id: id } });
		expect(sub.status).toBe(200);
		const deleted = await call(emu, 'DELETE', `/2/webhooks/${id}`, { token: bearer });
		expect(deleted.body).toEqual({ data: { deleted: true } });
		expect(emu.webhooks()).toEqual([]);
		expect(emu.subscriptions()).toHaveLength(1);
		const again = await call(emu, 'DELETE', `/2/webhooks/${id}`, { token: bearer });
		expect(again.status).toBe(400);
		expect(again.body.detail).toMatch(/^WebhookIdInvalid: /);
	});
});

describe('URL policy', () => {
	it("'x' allows only https host names without a port; 'sandbox' adds http://127.0.0.1 and localhost", async () => {
		const emu = await startTestEmulator({ crcTimeoutMs: 300 });
		emu.registerOAuth1App({ consumerKey: API_KEY, consumerSecret: API_SECRET, appId: 'push-app' });
		const receiver = await startReceiver();
		try {
			const bearer = await appBearer(emu);
			const reason = async (url: string) => (await call(emu, 'POST', '/2/webhooks', { token: bearer, json: { url } })).body.detail?.split(':')[0];
			expect(await reason(receiver.url)).toBe('UrlValidationFailed');
			expect(await reason('https://example.com:8443/hook')).toBe('UrlValidationFailed');
			expect(await reason('https://example.com:443/hook')).toBe('UrlValidationFailed');
			expect(await reason('https://10.0.0.1/hook')).toBe('UrlValidationFailed');
			expect(await reason('ftp://example.com/hook')).toBe('UrlValidationFailed');
			// Over 200 characters: the spec's maxLength refuses it before the handler.
			const long = await call(emu, 'POST', '/2/webhooks', { token: bearer, json: { url: `https://example.com/${'a'.repeat(181)}` } });
			expect([long.status, long.body.type]).toEqual([400, 'https://api.x.com/2/problems/invalid-request']);
			// Allowed by the policy: the CRC then fails (nothing listens on https://localhost:443).
			expect(await reason('https://localhost/hook')).toBe('CrcValidationFailed');
			emu.setOption('webhookUrlPolicy', 'sandbox');
			const created = await call(emu, 'POST', '/2/webhooks', { token: bearer, json: { url: receiver.url } });
			expect(created.status).toBe(200);
			expect(await reason('http://example.com/hook')).toBe('UrlValidationFailed');
		} finally {
			await receiver.close();
		}
		await closeAndExpectCleanRun(emu);
	});
});

describe('re-checks and invalidation', () => {
	const worlds = eachWorld();
	let world: PushWorld;
	beforeEach(() => {
		world = worlds.current;
	});

	it('a wrong token or a 3XX invalidates at once; PUT re-validates', async () => {
		const { emu, bearer, receiver } = world;
		const id = await createWebhook(world, receiver.url);
		receiver.crcMode = 'wrong';
		expect((await emu.recheckWebhooks())[0]).toMatchObject({ id, valid: false, lastCrcOk: false, crcFailures: 1 });
		receiver.crcMode = 'ok';
		expect((await call(emu, 'PUT', `/2/webhooks/${id}`, { token: bearer })).body).toEqual({ data: { valid: true } });
		receiver.crcMode = 'redirect';
		expect((await call(emu, 'PUT', `/2/webhooks/${id}`, { token: bearer })).body).toEqual({ data: { valid: false } });
		expect((await call(emu, 'GET', '/2/webhooks', { token: bearer })).body.data[0].valid).toBe(false);
	});

	it('4XX/5XX and timeouts are transient until 28 hours pass without a passing CRC', async () => {
		const { emu, receiver } = world;
		await createWebhook(world, receiver.url);
		receiver.crcMode = 'error';
		emu.clock.advance(27 * HOUR);
		expect((await emu.recheckWebhooks())[0]).toMatchObject({ valid: true, crcFailures: 1 });
		receiver.crcMode = 'hang';
		expect((await emu.recheckWebhooks())[0]).toMatchObject({ valid: true, crcFailures: 2 });
		emu.clock.advance(HOUR + 1);
		expect((await emu.recheckWebhooks())[0]).toMatchObject({ valid: false, crcFailures: 3 });
		receiver.crcMode = 'ok';
		expect((await emu.recheckWebhooks())[0]).toMatchObject({ valid: true, crcFailures: 0 });
	});

	it('re-checks periodically with crcIntervalMs, over the control API too, and invalidateWebhook marks it invalid', async () => {
		const { emu, receiver } = world;
		const id = await createWebhook(world, receiver.url);
		emu.setOption('crcIntervalMs', 40);
		const before = receiver.crcRequests.length;
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(receiver.crcRequests.length).toBeGreaterThanOrEqual(before + 2);
		emu.setOption('crcIntervalMs', 0);
		const recheck = await fetch(`${emu.url}/_emulator/recheckWebhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(((await recheck.json()) as unknown[])[0]).toMatchObject({ id, valid: true });
		const invalidated = await fetch(`${emu.url}/_emulator/invalidateWebhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) });
		expect(await invalidated.json()).toMatchObject({ id, valid: false });
		expect(await (await fetch(`${emu.url}/_emulator/webhooks`)).json()).toEqual([expect.objectContaining({ id, valid: false, appId: 'push-app' })]);
	});
});
