// Fidelity to X where clients can tell the difference: problem bodies that conform to the spec's enums,
// rate-limit headers on every 403 (X sends them; only 401s go without), and a README that lists every guess.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_OPTIONS, type Emulator } from '../src';
import { call, closeAndExpectCleanRun, createUserWithToken, startWithAliceAndBob, type UserWithToken } from './helpers';

const PACKAGE_DIR = path.join(__dirname, '..');
const spec = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'x-api-v2-dm.openapi.json'), 'utf8'));
const NOT_FOUND_TYPES: string[] = spec.components.schemas.ResourceNotFoundProblem.allOf[1].properties.resource_type.enum;
const RATE_LIMIT_HEADERS = ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset'];

describe('fidelity', () => {
	let emu: Emulator;
	let alice: UserWithToken;
	let bob: UserWithToken;

	beforeEach(async () => {
		({ emu, alice, bob } = await startWithAliceAndBob());
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	test("not-found problems use a resource_type from the spec's enum (and conform, with validation on)", async () => {
		expect(NOT_FOUND_TYPES).toEqual(['user', 'tweet', 'media', 'list', 'space', 'place', 'poll']);
		const event = emu.sendAs(alice.user.id, { to: bob.user.id, text: 'hi' });
		const hidden = await call(emu, 'GET', `/2/dm_events/${event.id}`, { token: createUserWithToken(emu, { username: 'carol' }).token });
		const missing = await call(emu, 'DELETE', '/2/dm_events/1234567890123456789', { token: alice.token });
		const unknownUser = await call(emu, 'GET', '/2/users/by/username/nobody', { token: alice.token });
		expect(hidden).toMatchObject({ status: 200, body: { errors: [{ parameter: 'event_id', resource_id: event.id }] } });
		expect(missing).toMatchObject({ status: 404, body: { parameter: 'event_id', resource_id: '1234567890123456789', status: 404 } });
		for (const problem of [hidden.body.errors[0], missing.body, unknownUser.body.errors[0]]) {
			expect(problem.type).toBe('https://api.x.com/2/problems/resource-not-found');
			expect(NOT_FOUND_TYPES).toContain(problem.resource_type);
		}
		// The documented choice for DM events.
		expect([hidden.body.errors[0].resource_type, missing.body.resource_type]).toEqual(['tweet', 'tweet']);
		expect(emu.responseViolations).toEqual([]);
	});

	test('an app-only bearer token gets its 403 on every DM endpoint with x-rate-limit-* headers (never on 401)', async () => {
		const appToken = emu.issueAppToken({ appId: 'app-only' });
		const event = emu.sendAs(alice.user.id, { to: bob.user.id, text: 'hi' });
		const conversation = event.dm_conversation_id;
		const requests: Array<[string, string, unknown?]> = [
			['GET', '/2/dm_events'],
			['GET', `/2/dm_conversations/with/${bob.user.id}/dm_events`],
			['GET', `/2/dm_conversations/${conversation}/dm_events`],
			['GET', `/2/dm_events/${event.id}`],
			['DELETE', `/2/dm_events/${event.id}`],
			['POST', `/2/dm_conversations/with/${bob.user.id}/messages`, { text: 'x' }],
			['POST', `/2/dm_conversations/${conversation}/messages`, { text: 'x' }],
			['POST', '/2/dm_conversations', { conversation_type: 'Group', participant_ids: [alice.user.id, bob.user.id], message: { text: 'x' } }],
			['POST', `/2/users/${bob.user.id}/dm/block`],
			['GET', '/2/users/me'],
		];
		for (const [method, url, json] of requests) {
			const answer = await call(emu, method, url, { token: appToken, json });
			expect({ url, status: answer.status, type: answer.body.type }).toEqual({ url, status: 403, type: 'https://api.x.com/2/problems/unsupported-authentication' });
			for (const header of RATE_LIMIT_HEADERS) expect({ url, header, value: answer.headers[header] }).toEqual({ url, header, value: expect.stringMatching(/^[0-9]+$/) });
		}
		// The refused requests count: the bucket drains like any other.
		const first = await call(emu, 'GET', '/2/dm_events', { token: appToken });
		const second = await call(emu, 'GET', '/2/dm_events', { token: appToken });
		expect(Number(second.headers['x-rate-limit-remaining'])).toBe(Number(first.headers['x-rate-limit-remaining']) - 1);
		expect(Number(first.headers['x-rate-limit-limit'])).toBe(300);
		// The app's bucket is its own: alice's user bucket is untouched.
		expect((await call(emu, 'GET', '/2/dm_events', { token: alice.token })).headers['x-rate-limit-remaining']).toBe('299');
		const unknownToken = await call(emu, 'GET', '/2/dm_events', { token: 'not-a-token' });
		expect(unknownToken.status).toBe(401);
		for (const header of RATE_LIMIT_HEADERS) expect(unknownToken.headers[header]).toBeUndefined();
	});

	test('app tokens issued without appId (JS and control API) belong to the default app and get rate-limit headers', async () => {
		const viaHttp = (await call(emu, 'POST', '/_emulator/issueAppToken', { json: {} })).body.access_token;
		const viaJs = emu.issueAppToken();
		for (const token of [viaHttp, viaJs]) {
			const answer = await call(emu, 'GET', `/2/users/by/username/alice`, { token });
			expect(answer.status).toBe(200);
			expect(answer.headers['x-rate-limit-limit']).toBe('300');
		}
		// Both draw from the same (default) app bucket.
		const third = await call(emu, 'GET', '/2/users/by/username/bob', { token: viaJs });
		expect(third.headers['x-rate-limit-remaining']).toBe('297');
	});
});

describe('README: documented guesses', () => {
	const readme = fs.readFileSync(path.join(PACKAGE_DIR, 'README.md'), 'utf8');
	const section = readme.slice(readme.indexOf('## Documented guesses'));
	const rows = section
		.split('\n')
		.filter((line) => line.startsWith('| ') && !line.startsWith('| point') && !line.startsWith('|---'))
		.map((line) => line.split(' | '));

	test('every switch the table names is a real option (or a method of the emulator)', () => {
		expect(rows.length).toBeGreaterThan(30);
		for (const cells of rows) {
			const switchCell = cells[cells.length - 1].replace(/\|\s*$/, '').trim();
			if (switchCell === '—') continue;
			const names = [...switchCell.matchAll(/`([A-Za-z0-9]+)(?:[:(][^`]*)?`/g)].map((match) => match[1]);
			expect({ row: cells[0], names: names.length > 0 }).toEqual({ row: cells[0], names: true });
			for (const name of names) expect({ row: cells[0], name, known: name in DEFAULT_OPTIONS || ['setRateLimitProfile', 'setOption'].includes(name) }).toEqual({ row: cells[0], name, known: true });
		}
	});

	test.each([
		['previous_token on the first page', /first page.*`previous_token`|`previous_token`.*first page/],
		['listing with an unknown participant', /unknown participant/],
		['reversed (non-canonical) 1:1 ids', /non-canonical \(reversed\) 1:1 id/],
		['resource_type of a missing DM event', /`resource_type: "tweet"`/],
		['app-only tokens on DM endpoints', /app-only bearer token on a user-context-only endpoint/],
		['the media chunk limit', /media chunk/],
	])('lists %s', (_what, pattern) => {
		expect(section).toMatch(pattern);
	});
});
