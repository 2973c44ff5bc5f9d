import type { Emulator } from '../src';
import { call, closeAndExpectCleanRun, createUserWithToken, startTestEmulator, type UserWithToken } from './helpers';

const notFound = (parameter: string, value: string) => ({
	value,
	detail: `Could not find user with ${parameter}: [${value}].`,
	title: 'Not Found Error',
	resource_type: 'user',
	parameter,
	resource_id: value,
	type: 'https://api.x.com/2/problems/resource-not-found',
});

describe('users lookup and DM block endpoints', () => {
	let emu: Emulator;
	let alice: UserWithToken;
	let bob: UserWithToken;

	beforeEach(async () => {
		emu = await startTestEmulator();
		alice = createUserWithToken(emu, { id: '944480690', username: 'Alice_X', name: 'Alice', description: 'hi', following: ['906948460078698496'] });
		bob = createUserWithToken(emu, { id: '906948460078698496', username: 'bob', name: 'Bob', dmPolicy: 'following' });
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	const get = (path: string, token = alice.token) => call(emu, 'GET', path, { token });

	test('GET /2/users/me returns the authenticated user with default and requested fields', async () => {
		expect(await get('/2/users/me')).toMatchObject({ status: 200, body: { data: { id: '944480690', name: 'Alice', username: 'Alice_X' } } });
		const detailed = await get('/2/users/me?user.fields=description,created_at,protected,verified,verified_type,public_metrics,profile_image_url');
		expect(detailed.body.data).toEqual({
			id: '944480690',
			name: 'Alice',
			username: 'Alice_X',
			description: 'hi',
			created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			protected: false,
			verified: false,
			verified_type: 'none',
			profile_image_url: expect.stringMatching(/^https:\/\//),
			public_metrics: { followers_count: 0, following_count: 1, tweet_count: 0, listed_count: 0, like_count: 0, media_count: 0 },
		});
	});

	test('GET /2/users/by/username/:username is case-insensitive and answers 200 + errors[] when unknown', async () => {
		expect((await get('/2/users/by/username/alice_x')).body).toEqual({ data: { id: '944480690', name: 'Alice', username: 'Alice_X' } });
		expect(await get('/2/users/by/username/nobody')).toMatchObject({ status: 200, body: { errors: [notFound('username', 'nobody')] } });
		const malformed = await get('/2/users/by/username/not-valid!');
		expect(malformed.status).toBe(400);
		expect(malformed.body.errors[0].message).toBe('The `username` query parameter value [not-valid!] does not match ^[A-Za-z0-9_]{1,15}$');
	});

	test('GET /2/users/:id, /2/users?ids= and /2/users/by?usernames=', async () => {
		expect((await get('/2/users/906948460078698496')).body).toEqual({ data: { id: '906948460078698496', name: 'Bob', username: 'bob' } });
		expect((await get('/2/users/123')).body).toEqual({ errors: [notFound('id', '123')] });
		expect((await get('/2/users?ids=944480690,123')).body).toEqual({
			data: [{ id: '944480690', name: 'Alice', username: 'Alice_X' }],
			errors: [notFound('ids', '123')],
		});
		expect((await get('/2/users/by?usernames=bob,ghost')).body).toEqual({
			data: [{ id: '906948460078698496', name: 'Bob', username: 'bob' }],
			errors: [notFound('usernames', 'ghost')],
		});
		const missing = await get('/2/users');
		expect(missing.status).toBe(400);
		expect(missing.body.errors).toEqual([{ parameters: { ids: [] }, message: 'The `ids` query parameter can not be empty' }]);
	});

	test('receives_your_dm and connection_status are computed for the caller', async () => {
		const fields = 'user.fields=receives_your_dm,connection_status';
		expect((await get(`/2/users/906948460078698496?${fields}`, alice.token)).body.data).toMatchObject({ receives_your_dm: false, connection_status: ['following'] });
		emu.updateUser(bob.user.id, { following: [...bob.user.following, alice.user.id] });
		expect((await get(`/2/users/906948460078698496?${fields}`, alice.token)).body.data).toMatchObject({
			receives_your_dm: true,
			connection_status: ['following', 'followed_by'],
		});
	});

	test('app-only bearer tokens may look users up but not call /2/users/me', async () => {
		const appToken = emu.issueAppToken({ appId: 'test-app' });
		expect((await get('/2/users/by/username/bob', appToken)).status).toBe(200);
		const me = await get('/2/users/me', appToken);
		expect(me.status).toBe(403);
		expect(me.headers['content-type']).toBe('application/problem+json');
		expect(me.body.type).toBe('https://api.x.com/2/problems/unsupported-authentication');
	});

	test('POST /2/users/:id/dm/block and /dm/unblock toggle DM blocks', async () => {
		emu.updateUser(bob.user.id, { dmPolicy: 'all' });
		const blocked = await call(emu, 'POST', `/2/users/${bob.user.id}/dm/block`, { token: alice.token });
		expect(blocked).toMatchObject({ status: 200, body: { data: { blocked: true } } });
		const send = () => call(emu, 'POST', `/2/dm_conversations/with/${alice.user.id}/messages`, { token: bob.token, json: { text: 'hi' } });
		expect((await send()).status).toBe(403);
		const unblocked = await call(emu, 'POST', `/2/users/${bob.user.id}/dm/unblock`, { token: alice.token });
		expect(unblocked.body).toEqual({ data: { blocked: false } });
		expect((await send()).status).toBe(201);
		expect((await call(emu, 'POST', '/2/users/123/dm/block', { token: alice.token })).body).toEqual({ errors: [notFound('id', '123')] });
	});
});
