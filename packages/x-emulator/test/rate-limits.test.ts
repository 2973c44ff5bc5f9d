import type { Emulator, EmulatorUser, RateLimitProfileName } from '../src';
import { createClock } from '../src/clock';
import { createRateLimiter, type RateLimitCaller, type RateLimitProfile, type RateLimitRequest } from '../src/rate-limits';
import { call, createUserWithToken, startTestEmulator, thrownReply, tokenFor } from './helpers';
import { n8nOAuth1 } from './n8n-oauth1';

const START_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const TOO_MANY = { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 };

const user = (userId: string, appId = 'app-1'): RateLimitCaller & { scopes: string[] } => ({ kind: 'oauth2', userId, appId, scopes: [] });
const request = (operationId: string, auth: RateLimitCaller = user('100'), method = 'POST'): RateLimitRequest => ({
	method,
	path: '/2/x',
	operation: { operationId },
	auth,
});
const SEND = 'createDirectMessagesByParticipantId';
const LIST = 'getDirectMessagesEvents';

function setup(profile: RateLimitProfile = 'launch') {
	const clock = createClock({ now: START_MS });
	return { clock, limiter: createRateLimiter({ clock, profile }) };
}

const epochSeconds = (ms: number) => String(Math.ceil(ms / 1000));

describe('launch profile (2022 docs)', () => {
	test('DM POST headers: 15-minute user window plus 24-hour user and app windows', () => {
		const { limiter } = setup();
		expect(limiter.check(request(SEND)).headers).toEqual({
			'x-rate-limit-limit': '200',
			'x-rate-limit-remaining': '199',
			'x-rate-limit-reset': epochSeconds(START_MS + 15 * MIN),
			'x-user-limit-24hour-limit': '1000',
			'x-user-limit-24hour-remaining': '999',
			'x-user-limit-24hour-reset': epochSeconds(START_MS + 24 * HOUR),
			'x-app-limit-24hour-limit': '15000',
			'x-app-limit-24hour-remaining': '14999',
			'x-app-limit-24hour-reset': epochSeconds(START_MS + 24 * HOUR),
		});
	});

	test('the three DM POSTs share one bucket, the three list GETs another; event lookup is separate', () => {
		const { limiter } = setup();
		limiter.check(request('createDirectMessagesByParticipantId'));
		limiter.check(request('createDirectMessagesByConversationId'));
		expect(limiter.check(request('createDirectMessagesConversation')).headers['x-rate-limit-remaining']).toBe('197');

		limiter.check(request('getDirectMessagesEvents', undefined, 'GET'));
		limiter.check(request('getDirectMessagesEventsByParticipantId', undefined, 'GET'));
		const list = limiter.check(request('getDirectMessagesEventsByConversationId', undefined, 'GET')).headers;
		expect(list).toEqual({
			'x-rate-limit-limit': '300',
			'x-rate-limit-remaining': '297',
			'x-rate-limit-reset': epochSeconds(START_MS + 15 * MIN),
		});
		expect(limiter.check(request('getDirectMessagesEventsById', undefined, 'GET')).headers['x-rate-limit-remaining']).toBe('14');
	});

	test('per-user windows are separate, the per-app 24-hour window is shared', () => {
		const { limiter } = setup();
		limiter.check(request(SEND, user('100')));
		const other = limiter.check(request(SEND, user('200'))).headers;
		expect(other['x-rate-limit-remaining']).toBe('199');
		expect(other['x-user-limit-24hour-remaining']).toBe('999');
		expect(other['x-app-limit-24hour-remaining']).toBe('14998');
		const otherApp = limiter.check(request(SEND, user('100', 'app-2'))).headers;
		expect(otherApp['x-rate-limit-remaining']).toBe('198');
		expect(otherApp['x-app-limit-24hour-remaining']).toBe('14999');
	});

	test('the 15-minute window runs out with the captured 429 and resets by the emulator clock', () => {
		const { clock, limiter } = setup();
		for (let index = 0; index < 300; index += 1) limiter.check(request(LIST, undefined, 'GET'));
		clock.advance(5 * MIN);
		const refused = thrownReply(() => limiter.check(request(LIST, undefined, 'GET')));
		expect(refused.status).toBe(429);
		expect(refused.body).toEqual(TOO_MANY);
		expect(refused.contentType).toBe('application/json; charset=utf-8');
		expect(refused.headers).toEqual({
			'x-rate-limit-limit': '300',
			'x-rate-limit-remaining': '0',
			'x-rate-limit-reset': epochSeconds(START_MS + 15 * MIN),
		});
		clock.advance(10 * MIN - 1);
		expect(() => limiter.check(request(LIST, undefined, 'GET'))).toThrow();
		clock.advance(1);
		const fresh = limiter.check(request(LIST, undefined, 'GET')).headers;
		expect(fresh['x-rate-limit-remaining']).toBe('299');
		expect(fresh['x-rate-limit-reset']).toBe(epochSeconds(START_MS + 30 * MIN));
	});

	test('an exhausted 24-hour user window gives 429 while x-rate-limit-remaining is still > 0', () => {
		const { clock, limiter } = setup();
		for (let window = 0; window < 5; window += 1) {
			for (let index = 0; index < 200; index += 1) limiter.check(request(SEND));
			clock.advance(15 * MIN);
		}
		const refused = thrownReply(() => limiter.check(request(SEND)));
		expect(refused.body).toEqual(TOO_MANY);
		expect(refused.headers?.['x-rate-limit-remaining']).toBe('200');
		expect(refused.headers?.['x-user-limit-24hour-remaining']).toBe('0');
		expect(refused.headers?.['x-user-limit-24hour-reset']).toBe(epochSeconds(START_MS + 24 * HOUR));
		expect(refused.headers?.['x-app-limit-24hour-remaining']).toBe('14000');
		// Another user of the same app is unaffected.
		expect(limiter.check(request(SEND, user('200'))).headers['x-user-limit-24hour-remaining']).toBe('999');
		clock.set(START_MS + 24 * HOUR);
		expect(limiter.check(request(SEND)).headers['x-user-limit-24hour-remaining']).toBe('999');
	});

	test('an exhausted per-app window refuses every user of that app', () => {
		const { limiter } = setup();
		limiter.setProfile({ base: 'launch', dmPost: { user15: 200, user24: 1000, app24: 2, dayHeaders: true } });
		limiter.check(request(SEND, user('100')));
		limiter.check(request(SEND, user('200')));
		const refused = thrownReply(() => limiter.check(request(SEND, user('300'))));
		expect(refused.status).toBe(429);
		expect(refused.headers?.['x-rate-limit-remaining']).toBe('200');
		expect(refused.headers?.['x-app-limit-24hour-remaining']).toBe('0');
		expect(limiter.check(request(SEND, user('300', 'app-2'))).headers['x-app-limit-24hour-remaining']).toBe('1');
	});
});

describe('current profile (2026 docs)', () => {
	test('DM POST is 15/15 min + 1440/24 h per user and 1440/24 h per app; lists 15/15 min', () => {
		const { limiter } = setup('current');
		const send = limiter.check(request(SEND)).headers;
		expect(send['x-rate-limit-limit']).toBe('15');
		expect(send['x-user-limit-24hour-limit']).toBe('1440');
		expect(send['x-app-limit-24hour-limit']).toBe('1440');
		for (let index = 0; index < 14; index += 1) limiter.check(request(SEND));
		expect(thrownReply(() => limiter.check(request(SEND))).headers?.['x-user-limit-24hour-remaining']).toBe('1425');
		expect(limiter.check(request(LIST, undefined, 'GET')).headers['x-rate-limit-limit']).toBe('15');
	});

	test('other groups: delete, block, users lookup, media', () => {
		const { limiter } = setup('current');
		const limitOf = (operationId: string, auth?: RateLimitCaller) => limiter.check(request(operationId, auth)).headers['x-rate-limit-limit'];
		expect(limitOf('deleteDirectMessagesEvents')).toBe('300');
		expect(limitOf('blockUsersDms')).toBe('10');
		expect(limitOf('getUsersMe')).toBe('75');
		expect(limitOf('getUsersByUsername')).toBe('900');
		expect(limitOf('getUsersByUsername', { kind: 'app', appId: 'app-1' })).toBe('300');
		expect(limitOf('mediaUpload')).toBe('500');
		expect(limitOf('getMediaUploadStatus')).toBe('1000');
		expect(limitOf('initializeMediaUpload')).toBe('1875');
		// Day headers only on the DM POSTs.
		expect(Object.keys(limiter.check(request('deleteDirectMessagesEvents')).headers)).toHaveLength(3);
	});

	test('setProfile switches between named profiles and rejects unknown ones', () => {
		const { limiter } = setup('current');
		limiter.setProfile('launch');
		expect(limiter.check(request(SEND)).headers['x-rate-limit-limit']).toBe('200');
		expect(limiter.profile.name).toBe('launch');
		// Callers outside TypeScript (the control API, the CLI) can pass any name.
		expect(() => limiter.setProfile('nope' as RateLimitProfileName)).toThrow('Unknown rate-limit profile');
	});
});

describe('usage cap', () => {
	test('every request gets the usage-capped 429 without rate-limit headers until cleared', () => {
		const { limiter } = setup();
		limiter.usageCap.set({ period: 'Monthly', scope: 'Product' });
		const refused = thrownReply(() => limiter.check(request(LIST, undefined, 'GET')));
		expect(refused.status).toBe(429);
		expect(refused.contentType).toBe('application/problem+json');
		expect(refused.body).toEqual({
			title: 'UsageCapExceeded',
			detail: 'Usage cap exceeded: Monthly product cap',
			type: 'https://api.x.com/2/problems/usage-capped',
			period: 'Monthly',
			scope: 'Product',
		});
		expect(refused.headers).toBeUndefined();
		limiter.usageCap.set({ period: 'Daily', scope: 'Account' });
		expect(thrownReply(() => limiter.check(request(SEND))).body.detail).toBe('Usage cap exceeded: Daily account cap');
		limiter.usageCap.clear();
		expect(limiter.check(request(LIST, undefined, 'GET')).headers['x-rate-limit-remaining']).toBe('299');
	});
});

describe('through the HTTP server', () => {
	let emu: Emulator;
	let alice: EmulatorUser;
	let bob: EmulatorUser;
	let token: string;
	beforeEach(async () => {
		emu = await startTestEmulator();
		({ user: alice, token } = createUserWithToken(emu, { username: 'alice' }));
		bob = emu.addUser({ username: 'bob' });
	});
	afterEach(() => emu.close());

	const send = (text = 'hi', withToken = token) => call(emu, 'POST', `/2/dm_conversations/with/${bob.id}/messages`, { token: withToken, json: { text } });

	test('DM POST responses carry the 15-minute and both 24-hour header sets; list GETs only the 15-minute one', async () => {
		const sent = await send();
		expect(sent.status).toBe(201);
		const now = emu.clock.now();
		expect(sent.headers).toMatchObject({
			'x-rate-limit-limit': '200',
			'x-rate-limit-remaining': '199',
			'x-rate-limit-reset': epochSeconds(now + 15 * MIN),
			'x-user-limit-24hour-limit': '1000',
			'x-user-limit-24hour-remaining': '999',
			'x-app-limit-24hour-limit': '15000',
			'x-app-limit-24hour-remaining': '14999',
		});
		const list = await call(emu, 'GET', '/2/dm_events', { token });
		expect(list.headers['x-rate-limit-limit']).toBe('300');
		expect(list.headers['x-rate-limit-remaining']).toBe('299');
		expect(list.headers['x-user-limit-24hour-limit']).toBeUndefined();
		// A 400 still counts and still carries the headers.
		const invalid = await call(emu, 'GET', '/2/dm_events?max_results=0', { token });
		expect(invalid.status).toBe(400);
		expect(invalid.headers['x-rate-limit-remaining']).toBe('298');
	});

	test('429 with the captured body; x-rate-limit-remaining > 0 when only the 24-hour window is exhausted', async () => {
		emu.setRateLimitProfile({ base: 'launch', dmPost: { user15: 200, user24: 2, app24: 15000, dayHeaders: true } });
		expect((await send('1')).status).toBe(201);
		expect((await send('2')).status).toBe(201);
		const refused = await send('3');
		expect(refused.status).toBe(429);
		expect(refused.body).toEqual(TOO_MANY);
		expect(refused.headers['x-rate-limit-remaining']).toBe('198');
		expect(refused.headers['x-user-limit-24hour-remaining']).toBe('0');
		expect(emu.events().filter((event) => event.text === '3')).toEqual([]);
		emu.clock.advance(24 * HOUR);
		// Access tokens live 2 h, so the next day needs a fresh one.
		expect((await send('4', tokenFor(emu, alice.id))).status).toBe(201);
	});

	test('current profile through the control API, then usage cap on and off', async () => {
		const control = (name: string, json: unknown) => call(emu, 'POST', `/_emulator/${name}`, { json });
		await control('setRateLimitProfile', { profile: 'current' });
		for (let index = 0; index < 15; index += 1) expect((await send(`m${index}`)).status).toBe(201);
		const refused = await send('too many');
		expect(refused.status).toBe(429);
		expect(refused.headers).toMatchObject({ 'x-rate-limit-limit': '15', 'x-rate-limit-remaining': '0', 'x-user-limit-24hour-remaining': '1425' });

		await control('setUsageCap', { period: 'Monthly', scope: 'Product' });
		const capped = await call(emu, 'GET', '/2/dm_events', { token });
		expect(capped.status).toBe(429);
		expect(capped.headers['content-type']).toBe('application/problem+json');
		expect(capped.body).toEqual({
			title: 'UsageCapExceeded',
			detail: 'Usage cap exceeded: Monthly product cap',
			type: 'https://api.x.com/2/problems/usage-capped',
			period: 'Monthly',
			scope: 'Product',
		});
		expect(capped.headers['x-rate-limit-reset']).toBeUndefined();
		await control('setUsageCap', {});
		expect((await call(emu, 'GET', '/2/dm_events', { token })).status).toBe(200);
	});

	test("403s for a missing scope or a low OAuth 1.0a app permission carry the bucket's headers and count", async () => {
		const readOnly = tokenFor(emu, alice.id, ['tweet.read', 'users.read', 'dm.read']);
		const noScope = await send('no dm.write', readOnly);
		expect(noScope.status).toBe(403);
		expect(noScope.headers).toMatchObject({
			'x-rate-limit-limit': '200',
			'x-rate-limit-remaining': '199',
			'x-rate-limit-reset': epochSeconds(emu.clock.now() + 15 * MIN),
			'x-user-limit-24hour-remaining': '999',
			'x-app-limit-24hour-remaining': '14999',
		});
		expect((await send('allowed')).headers['x-rate-limit-remaining']).toBe('198');

		emu.registerOAuth1App({ consumerKey: 'read-only-app', consumerSecret: 'cs', permission: 'read' });
		const userToken = emu.issueOAuth1Token({ consumerKey: 'read-only-app', userId: alice.id });
		const oauth = n8nOAuth1({ key: 'read-only-app', secret: 'cs' }, () => emu.clock.now());
		const headers = { ...oauth.toHeader(oauth.authorize({ method: 'GET', url: `${emu.url}/2/dm_events`, data: {} }, { key: userToken.oauth_token, secret: userToken.oauth_token_secret })) };
		const lowPermission = await call(emu, 'GET', '/2/dm_events', { headers });
		expect(lowPermission.status).toBe(403);
		expect(lowPermission.body.type).toBe('https://api.x.com/2/problems/oauth1-permissions');
		expect(lowPermission.headers['x-rate-limit-remaining']).toBe('299');
	});

	test('a refused request uses up quota: once the bucket is empty, 429 comes before the 403', async () => {
		emu.setRateLimitProfile({ base: 'launch', dmPost: { user15: 1, user24: 1000, app24: 15000, dayHeaders: true } });
		const readOnly = tokenFor(emu, alice.id, ['tweet.read', 'users.read', 'dm.read']);
		expect((await send('refused', readOnly)).status).toBe(403);
		expect((await send('allowed but too late')).status).toBe(429);
		expect((await send('refused again', readOnly)).status).toBe(429);
	});

	test("app-only tokens on user-context endpoints: their 403 carries the app bucket's rate-limit headers, as X's do", async () => {
		const refused = await call(emu, 'GET', '/2/dm_events', { token: emu.issueAppToken({ appId: 'app-only' }) });
		expect(refused.status).toBe(403);
		expect(Object.keys(refused.headers).filter((name) => name.startsWith('x-rate-limit')).sort()).toEqual([
			'x-rate-limit-limit',
			'x-rate-limit-remaining',
			'x-rate-limit-reset',
		]);
	});

	test('per-user buckets over HTTP; 401 responses carry no rate-limit headers', async () => {
		const { token: carolToken } = createUserWithToken(emu, { username: 'carol' });
		await send('from alice');
		const fromCarol = await send('from carol', carolToken);
		expect(fromCarol.headers['x-rate-limit-remaining']).toBe('199');
		expect(fromCarol.headers['x-app-limit-24hour-remaining']).toBe('14998');
		const unauthorized = await send('nobody', 'bad-token');
		expect(unauthorized.status).toBe(401);
		expect(unauthorized.headers['x-rate-limit-limit']).toBeUndefined();
	});
});
