// The emulator is a sandbox users run on their machine: its control API must not answer to names inherited from
// Object.prototype, to cross-site pages or DNS-rebound host names; bodies are bounded, the request log is bounded,
// the clock only takes sane times and a malformed path is a client error.
import * as http from 'node:http';
import { startEmulator, type Emulator } from '../src';
import { LOGGED_BODY_BUDGET, REQUEST_LOG_LIMIT } from '../src/request-log';
import { CLOCK_MAX_MS, CLOCK_MIN_MS } from '../src/clock';
import { MAX_BODY_BYTES } from '../src/request-body';
import { MEDIA_CHUNK_LIMIT } from '../src/media';
import { call, closeAndExpectCleanRun, createUserWithToken, startTestEmulator, START_MS } from './helpers';

interface RawAnswer {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
}

// A request with full control over Host, Origin and the body (undici normalises some of them).
function raw(emu: Emulator, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<RawAnswer> {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port: emu.port, method, path, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const MB = 1024 * 1024;

// Streams `total` bytes in 1 MB chunks, stopping as soon as the server answers or drops the connection.
function streamBody(emu: Emulator, path: string, total: number, headers: Record<string, string>): Promise<{ status?: number; text: string; written: number }> {
	return new Promise((resolve) => {
		const chunk = Buffer.alloc(MB, 'a');
		let written = 0;
		let answered: { status?: number; text: string } | undefined;
		const req = http.request({ host: '127.0.0.1', port: emu.port, method: 'POST', path, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (part: Buffer) => chunks.push(part));
			res.on('end', () => {
				answered = { status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') };
				resolve({ ...answered, written });
			});
		});
		req.on('error', () => {
			if (!answered) setTimeout(() => resolve({ ...(answered ?? { text: '' }), written }), 50);
		});
		const pump = (): void => {
			while (written < total && !answered && !req.destroyed) {
				written += chunk.length;
				if (!req.write(chunk)) {
					req.once('drain', pump);
					return;
				}
			}
			if (!answered && !req.destroyed) req.end();
		};
		pump();
	});
}

describe('control API: only its own commands, only from its own origin', () => {
	let emu: Emulator;
	let aliceId: string;

	beforeEach(async () => {
		emu = await startTestEmulator();
		// State worth stealing: a user with an OAuth 2.0 token (the client secret is 'test-secret').
		aliceId = createUserWithToken(emu, { username: 'alice' }).user.id;
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	const own = () => ({ host: `127.0.0.1:${emu.port}` });

	test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'])(
		'POST and GET /_emulator/%s are unknown commands, not a dump of the state',
		async (name) => {
			for (const method of ['POST', 'GET']) {
				const answer = await raw(emu, method, `/_emulator/${name}`, { ...own(), ...JSON_HEADERS }, method === 'POST' ? '{}' : undefined);
				expect(answer.status).toBe(404);
				expect(JSON.parse(answer.text)).toEqual({ error: `unknown control command ${name}` });
				expect(answer.text).not.toContain('test-secret');
			}
		},
	);

	test('a POST from another origin is refused and changes nothing', async () => {
		for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${Number(emu.port) + 1}`, `https://127.0.0.1:${emu.port}`, `http://attacker.localhost.example:${emu.port}`]) {
			const answer = await raw(emu, 'POST', '/_emulator/reset', { ...own(), ...JSON_HEADERS, origin }, '{}');
			expect(answer.status).toBe(403);
			expect(JSON.parse(answer.text).error).toMatch(/origin/i);
		}
		const crossSite = await raw(emu, 'POST', '/_emulator/reset', { ...own(), ...JSON_HEADERS, 'sec-fetch-site': 'cross-site' }, '{}');
		expect(crossSite.status).toBe(403);
		// Nothing was reset: alice is still there.
		expect(emu.getUser(aliceId)).toMatchObject({ username: 'alice' });
	});

	test('the emulator’s own loopback origins are accepted', async () => {
		for (const origin of [`http://127.0.0.1:${emu.port}`, `http://localhost:${emu.port}`, `http://[::1]:${emu.port}`]) {
			const answer = await raw(emu, 'POST', '/_emulator/clock', { ...own(), ...JSON_HEADERS, origin, 'sec-fetch-site': 'same-origin' }, '{}');
			expect(answer.status).toBe(200);
		}
	});

	test('a Host header that is not a loopback name of this emulator (DNS rebinding) is refused, for reads too', async () => {
		for (const host of ['evil.example', `evil.example:${emu.port}`, `127.0.0.1:${Number(emu.port) + 1}`, `localhost.evil.example:${emu.port}`, '127.0.0.1']) {
			const post = await raw(emu, 'POST', '/_emulator/reset', { host, ...JSON_HEADERS }, '{}');
			expect(post.status).toBe(403);
			expect(JSON.parse(post.text).error).toMatch(/host/i);
			expect((await raw(emu, 'GET', '/_emulator/requests', { host })).status).toBe(403);
			expect((await raw(emu, 'GET', '/_emulator/demo', { host })).status).toBe(403);
		}
		for (const host of [`127.0.0.1:${emu.port}`, `localhost:${emu.port}`, `LOCALHOST:${emu.port}`, `[::1]:${emu.port}`]) {
			expect((await raw(emu, 'GET', '/_emulator/clock', { host })).status).toBe(200);
		}
		expect(emu.getUser(aliceId)).toMatchObject({ username: 'alice' });
	});

	test('a control POST needs a JSON content type (a cross-site form or text/plain POST cannot run it)', async () => {
		for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
			const headers: Record<string, string> = { ...own() };
			if (contentType) headers['content-type'] = contentType;
			const answer = await raw(emu, 'POST', '/_emulator/reset', headers, contentType ? '{}' : undefined);
			expect(answer.status).toBe(415);
			expect(JSON.parse(answer.text).error).toMatch(/application\/json/);
		}
		expect(emu.getUser(aliceId)).toMatchObject({ username: 'alice' });
		expect((await raw(emu, 'POST', '/_emulator/clock', { ...own(), 'content-type': 'application/json; charset=utf-8' }, '')).status).toBe(200);
	});

	test('reads cannot move the clock: GET clock with set or advance is refused', async () => {
		for (const query of [`set=${START_MS + 1000}`, 'advance=1000']) {
			const answer = await raw(emu, 'GET', `/_emulator/clock?${query}`, own());
			expect(answer.status).toBe(405);
			expect(emu.clock.now()).toBe(START_MS);
		}
	});

	test('a JSON body with a __proto__ key is refused', async () => {
		const user = emu.addUser({ username: 'mallory' });
		const answer = await raw(emu, 'POST', '/_emulator/updateUser', { ...own(), ...JSON_HEADERS }, `{"userId":"${user.id}","__proto__":{"dmPolicy":"none","polluted":true}}`);
		expect(answer.status).toBe(400);
		expect(JSON.parse(answer.text).error).toMatch(/__proto__/);
		expect(Object.getPrototypeOf(emu.getUser(user.id))).toBe(Object.prototype);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});

describe('clock: only sane times', () => {
	let emu: Emulator;

	beforeEach(async () => {
		emu = await startTestEmulator();
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	test('the JS API throws for non-finite and out-of-range times and leaves the clock alone', () => {
		for (const bad of [1e300, Infinity, -Infinity, NaN, -1, 0, CLOCK_MIN_MS - 1, CLOCK_MAX_MS + 1]) {
			expect(() => emu.clock.set(bad)).toThrow(/clock\.set/);
		}
		for (const bad of [1e300, Infinity, NaN, CLOCK_MAX_MS - START_MS + 1, CLOCK_MIN_MS - START_MS - 1]) {
			expect(() => emu.clock.advance(bad)).toThrow(/clock\.advance/);
		}
		expect(emu.clock.now()).toBe(START_MS);
		expect(emu.clock.set(CLOCK_MIN_MS)).toBe(CLOCK_MIN_MS);
		expect(emu.clock.set(CLOCK_MAX_MS)).toBe(CLOCK_MAX_MS);
		emu.clock.set(START_MS);
	});

	test('the control API answers 400 with the allowed range and tokens keep working', async () => {
		const alice = createUserWithToken(emu, { username: 'alice' });
		for (const body of [{ set: 1e300 }, { advance: 1e300 }, { set: 'soon' }, { set: -5 }, { advance: null }]) {
			const answer = await call(emu, 'POST', '/_emulator/clock', { json: body });
			expect(answer.status).toBe(400);
			expect(answer.body.error).toMatch(/2006-01-01T00:00:00\.000Z \.\. 2080-01-01T00:00:00\.000Z|needs a finite number/);
		}
		expect(emu.clock.now()).toBe(START_MS);
		expect((await call(emu, 'GET', '/2/users/me', { token: alice.token })).status).toBe(200);
	});

	test('an emulator cannot start at an absurd time', async () => {
		await expect(startEmulator({ now: 1e300 })).rejects.toThrow(/now/);
		await expect(startEmulator({ now: Number.NaN })).rejects.toThrow(/now/);
	});
});

describe('request bodies and the request log are bounded', () => {
	let emu: Emulator;

	beforeEach(async () => {
		emu = await startTestEmulator();
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	test('a 300 MB body is refused with 413 long before it has all been sent', async () => {
		const { token } = createUserWithToken(emu, { username: 'alice' });
		const declared = await streamBody(emu, '/2/dm_conversations/with/1/messages', 300 * MB, {
			authorization: `Bearer ${token}`,
			...JSON_HEADERS,
			'content-length': String(300 * MB),
		});
		expect(declared.status).toBe(413);
		expect(JSON.parse(declared.text)).toEqual({ title: 'Payload Too Large', type: 'about:blank', status: 413, detail: `The request body is larger than ${MAX_BODY_BYTES} bytes.` });
		expect(declared.written).toBeLessThan(64 * MB);

		const chunked = await streamBody(emu, '/2/media/upload', 300 * MB, { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=x', 'transfer-encoding': 'chunked' });
		expect(chunked.status).toBe(413);
		expect(chunked.written).toBeLessThan(64 * MB);

		const control = await streamBody(emu, '/_emulator/addUser', 300 * MB, { ...JSON_HEADERS, 'transfer-encoding': 'chunked' });
		expect(control.status).toBe(413);
		expect(JSON.parse(control.text).error).toMatch(/larger than/);
		expect(emu.events()).toEqual([]);
		expect(emu.requests().map((entry) => [entry.path, entry.status])).toEqual([
			['/2/dm_conversations/with/1/messages', 413],
			['/2/media/upload', 413],
		]);
		expect(emu.requests()[0].body).toEqual({ contentType: 'application/json', bytes: 300 * MB, truncated: true });
	});

	test('Expect: 100-continue with an oversized Content-Length is refused before the body is sent', async () => {
		const answer = await new Promise<{ status?: number; continued: boolean }>((resolve, reject) => {
			let continued = false;
			const req = http.request({
				host: '127.0.0.1',
				port: emu.port,
				method: 'POST',
				path: '/2/media/upload',
				headers: { expect: '100-continue', 'content-type': 'application/json', 'content-length': String(MAX_BODY_BYTES + 1) },
			});
			req.on('continue', () => {
				continued = true;
				req.destroy();
			});
			req.on('response', (res) => {
				res.resume();
				resolve({ status: res.statusCode, continued });
				req.destroy();
			});
			req.on('error', (error) => (continued ? resolve({ continued }) : reject(error)));
			req.flushHeaders();
		});
		expect(answer).toEqual({ status: 413, continued: false });
		// Within the limit, 100-continue works as usual.
		const { token } = createUserWithToken(emu, { username: 'bob' });
		const ok = await raw(emu, 'GET', '/2/users/me', { authorization: `Bearer ${token}`, expect: '100-continue' });
		expect(ok.status).toBe(200);
	});

	test('a body near the limit still works (a 5 MiB image as base64 JSON); a media chunk over 5 MiB is refused with 413', async () => {
		const { token } = createUserWithToken(emu, { username: 'alice' });
		const image = Buffer.alloc(MEDIA_CHUNK_LIMIT, 1).toString('base64');
		const oneShot = await call(emu, 'POST', '/2/media/upload', { token, json: { media: image, media_category: 'dm_image', media_type: 'image/png' } });
		expect(oneShot.status).toBe(200);
		const init = await call(emu, 'POST', '/2/media/upload/initialize', { token, json: { media_type: 'video/mp4', media_category: 'dm_video', total_bytes: 20 * MB } });
		const id = init.body.data.id;
		const big = await call(emu, 'POST', `/2/media/upload/${id}/append`, {
			token,
			json: { segment_index: 0, media: Buffer.alloc(MEDIA_CHUNK_LIMIT + 1, 2).toString('base64') },
		});
		expect(big.status).toBe(413);
		expect(big.body).toEqual({ title: 'Payload Too Large', type: 'about:blank', status: 413, detail: `A media chunk may be at most ${MEDIA_CHUNK_LIMIT} bytes.` });
		const fits = await call(emu, 'POST', `/2/media/upload/${id}/append`, { token, json: { segment_index: 0, media: Buffer.alloc(MEDIA_CHUNK_LIMIT, 2).toString('base64') } });
		expect(fits.status).toBe(200);
		// The log still holds what the client sent.
		expect(emu.requests().find((entry) => entry.path === '/2/media/upload')?.body).toEqual({ media: image, media_category: 'dm_image', media_type: 'image/png' });
		emu.responseViolations.splice(0);
	});

	test(`bodies stay whole in the log up to ${LOGGED_BODY_BUDGET} bytes in all; past that the oldest are summarised`, async () => {
		const media = Buffer.alloc(MEDIA_CHUNK_LIMIT, 3).toString('base64');
		const count = Math.ceil(LOGGED_BODY_BUDGET / media.length) + 1;
		for (let index = 0; index < count; index += 1) expect((await call(emu, 'POST', '/2/not-routed', { json: { n: index, media } })).status).toBe(404);
		const bodies = emu.requests().map((entry) => entry.body);
		const bytes = JSON.stringify({ n: 0, media }).length;
		expect(bodies[0]).toEqual({ contentType: 'application/json', bytes, truncated: true, fields: { n: 0, media: `[string of ${media.length} characters]` } });
		expect(bodies.slice(-(count - 2))).toEqual(Array.from({ length: count - 2 }, (_, index) => ({ n: index + 2, media })));
		expect(JSON.stringify(emu.requests()).length).toBeLessThan(LOGGED_BODY_BUDGET + 100_000);
		emu.clearRequests();
		expect(emu.requests()).toEqual([]);
	});

	test(`the log keeps the last ${REQUEST_LOG_LIMIT} requests`, async () => {
		const alice = createUserWithToken(emu, { username: 'alice' });
		const bob = emu.addUser({ username: 'bob' });
		const text = '😀'.repeat(10000);
		expect((await call(emu, 'POST', `/2/dm_conversations/with/${bob.id}/messages`, { token: alice.token, json: { text } })).status).toBe(201);
		expect(emu.requests()[0].body).toEqual({ text });
		for (let index = 0; index < REQUEST_LOG_LIMIT + 5; index += 1) await call(emu, 'GET', `/2/not-routed?n=${index}`);
		const entries = emu.requests();
		expect(entries).toHaveLength(REQUEST_LOG_LIMIT);
		expect(entries[0].query).toEqual({ n: '5' });
		expect(entries.at(-1)?.query).toEqual({ n: String(REQUEST_LOG_LIMIT + 4) });
	}, 60_000);
});

describe('a malformed %-encoding in a path', () => {
	let emu: Emulator;

	beforeEach(async () => {
		emu = await startTestEmulator();
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	test.each([
		['/2/users/by/username/%E0%A4%A', 'username', '%E0%A4%A'],
		['/2/dm_events/%ZZ', 'event_id', '%ZZ'],
		['/2/dm_conversations/%E0/dm_events', 'id', '%E0'],
		['/2/users/%', 'id', '%'],
	])('GET %s answers 400 invalid-request naming the parameter, not 500', async (path, parameter, value) => {
		const { token } = createUserWithToken(emu, { username: 'alice' });
		const answer = await call(emu, 'GET', path, { token });
		expect(answer.status).toBe(400);
		expect(answer.body).toEqual({
			errors: [{ parameters: { [parameter]: [value] }, message: `The \`${parameter}\` query parameter value [${value}] is not valid` }],
			title: 'Invalid Request',
			detail: 'One or more parameters to your request was invalid.',
			type: 'https://api.x.com/2/problems/invalid-request',
		});
		expect(emu.internalErrors).toEqual([]);
	});
});
