import type { Emulator, EmulatorOptions, EmulatorUser } from '../src';
import type { ApiContext, ApiRoute } from '../src/context';
import * as media from '../src/media';
import { loadApi, type Api } from '../src/openapi-loader';
import { isResponse } from '../src/responses';
import { Runtime } from '../src/runtime';
import { findOperation } from '../src/validation';
import { call, createUserWithToken, startTestEmulator, thrownReply, TEST_CLIENT_ID, tokenFor, type Answer } from './helpers';

const START_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const OWNER = '100';
const OTHER = '200';
const NOT_ATTACHABLE = {
	title: 'Forbidden',
	detail: 'You are not permitted to attach this media to a DM event.',
	type: 'about:blank',
	status: 403,
};

function handler(method: string, path: string): ApiRoute {
	const route = media.routes.find((entry) => entry.method === method && entry.path === path);
	if (!route) throw new Error(`no media route ${method} ${path}`);
	return route;
}
const oneShot = handler('POST', '/2/media/upload');
const status = handler('GET', '/2/media/upload');
const initialize = handler('POST', '/2/media/upload/initialize');
const append = handler('POST', '/2/media/upload/:id/append');
const finalize = handler('POST', '/2/media/upload/:id/finalize');

let api: Api;
beforeAll(async () => {
	api = await loadApi();
});

function makeEmulator(options: EmulatorOptions = {}): Runtime {
	return new Runtime({ now: START_MS, ...options });
}

interface HandlerRequest {
	userId?: string;
	json?: unknown;
	form?: FormData;
	query?: Record<string, string>;
	params?: Record<string, string>;
}

// A request context as the server builds it for an authenticated, validated request; `form` is encoded like a real
// multipart request.
async function ctxFor(emulator: Runtime, route: ApiRoute, { userId = OWNER, json, form, query = {}, params = {} }: HandlerRequest): Promise<ApiContext> {
	const operation = findOperation(api, route.operationId);
	if (!operation) throw new Error(`no operation ${route.operationId}`);
	const url = new URL(`http://127.0.0.1${route.path}`);
	const ctx: ApiContext = {
		method: route.method,
		url,
		host: url.host,
		path: url.pathname,
		query,
		apiQuery: query,
		vocabulary: 'tweet',
		headers: {},
		rawBody: Buffer.alloc(0),
		json,
		params,
		operation,
		emulator,
		auth: { kind: 'oauth2', userId, appId: TEST_CLIENT_ID, scopes: [], clientId: TEST_CLIENT_ID },
	};
	if (json) ctx.headers['content-type'] = 'application/json';
	if (form) {
		const encoded = new Request('http://x', { method: 'POST', body: form });
		ctx.headers['content-type'] = encoded.headers.get('content-type') ?? undefined;
		ctx.rawBody = Buffer.from(await encoded.arrayBuffer());
	}
	return ctx;
}

// What the handler answers, or the Reply it throws.
async function callHandler(route: ApiRoute, emulator: Runtime, request: HandlerRequest = {}): Promise<Answer> {
	const ctx = await ctxFor(emulator, route, request);
	try {
		return await route.handler(ctx);
	} catch (response) {
		if (isResponse(response)) return response;
		throw response;
	}
}

const base64 = (text: string) => Buffer.from(text).toString('base64');
const attach = (emulator: Runtime, mediaId: string, userId = OWNER) => media.checkAttachable(emulator.state, emulator.clock, { mediaId, userId });

describe('one-shot upload', () => {
	test('JSON base64 dm_image: succeeded at once, owner can attach it', async () => {
		const emulator = makeEmulator();
		const response = await callHandler(oneShot, emulator, { json: { media: base64('png-bytes'), media_category: 'dm_image', media_type: 'image/png' } });
		expect(response.status).toBe(200);
		const { data } = response.body;
		expect(data).toEqual({ id: expect.stringMatching(/^[0-9]{19}$/), media_key: `3_${data.id}`, size: 9, expires_after_secs: 86400 });
		expect(attach(emulator, data.id).id).toBe(data.id);
		const statusResponse = await callHandler(status, emulator, { query: { command: 'STATUS', media_id: data.id } });
		expect(statusResponse.body.data.processing_info).toEqual({ state: 'succeeded', progress_percent: 100 });
	});

	test('multipart with shared="true" and additional_owners', async () => {
		const emulator = makeEmulator();
		const form = new FormData();
		form.append('media', new Blob([Buffer.from('jpeg')], { type: 'image/jpeg' }), 'a.jpg');
		form.append('media_category', 'dm_image');
		form.append('shared', 'true');
		form.append('additional_owners', OTHER);
		const response = await callHandler(oneShot, emulator, { form });
		expect(response.status).toBe(200);
		const stored = emulator.state.media.get(response.body.data.id);
		expect(stored).toMatchObject({ ownerId: OWNER, category: 'dm_image', shared: true, size: 4, additionalOwners: [OTHER] });
		expect(attach(emulator, String(stored?.id), OTHER).id).toBe(stored?.id);
	});

	test('bad category, missing media, command style and oversize images are 400 invalid-request', async () => {
		const emulator = makeEmulator();
		const badCategory = await callHandler(oneShot, emulator, { json: { media: base64('x'), media_category: 'dm_video' } });
		expect(badCategory.status).toBe(400);
		expect(badCategory.body.title).toBe('Invalid Request');
		expect((await callHandler(oneShot, emulator, { json: { media_category: 'dm_image' } })).status).toBe(400);
		expect((await callHandler(oneShot, emulator, { json: { command: 'INIT', media: base64('x'), media_category: 'dm_image' } })).status).toBe(400);
		const big = Buffer.alloc(5 * 1024 * 1024 + 1);
		const tooBig = await callHandler(oneShot, emulator, { json: { media: big.toString('base64'), media_category: 'dm_image' } });
		expect(tooBig.status).toBe(400);
		expect(tooBig.body.errors[0].message).toContain('5242880');
		expect(emulator.state.media.size).toBe(0);
	});
});

describe('DM attachment rules', () => {
	async function upload(emulator: Runtime, fields: Record<string, unknown>, userId = OWNER): Promise<string> {
		const response = await callHandler(oneShot, emulator, { userId, json: { media: base64('img'), ...fields } });
		return response.body.data.id;
	}

	test('tweet_image cannot be attached to a DM (captured 403)', async () => {
		const emulator = makeEmulator();
		const id = await upload(emulator, { media_category: 'tweet_image' });
		const refused = thrownReply(() => attach(emulator, id));
		expect(refused.status).toBe(403);
		expect(refused.body).toEqual(NOT_ATTACHABLE);
	});

	test('a non-shared id is single-use; a shared id can be reused by its owner', async () => {
		const emulator = makeEmulator();
		const single = await upload(emulator, { media_category: 'dm_image' });
		attach(emulator, single);
		media.markUsed(emulator.state, emulator.clock, { mediaId: single, userId: OWNER });
		expect(thrownReply(() => attach(emulator, single)).body).toEqual(NOT_ATTACHABLE);

		const shared = await upload(emulator, { media_category: 'dm_image', shared: true });
		for (let use = 0; use < 3; use += 1) {
			attach(emulator, shared);
			media.markUsed(emulator.state, emulator.clock, { mediaId: shared, userId: OWNER });
		}
		expect(attach(emulator, shared).usedCount).toBe(3);
		expect(thrownReply(() => attach(emulator, shared, OTHER)).status).toBe(403);
	});

	test('wrong owner and unknown ids are refused', async () => {
		const emulator = makeEmulator();
		const id = await upload(emulator, { media_category: 'dm_image' });
		expect(thrownReply(() => attach(emulator, id, OTHER)).body).toEqual(NOT_ATTACHABLE);
		expect(thrownReply(() => attach(emulator, '1234567890123456789')).body).toEqual(NOT_ATTACHABLE);
	});

	test('media expire 24 h after upload', async () => {
		const emulator = makeEmulator();
		const id = await upload(emulator, { media_category: 'dm_image', shared: true });
		emulator.clock.advance(24 * 60 * 60 * 1000 - 1);
		expect(attach(emulator, id).id).toBe(id);
		emulator.clock.advance(1);
		expect(thrownReply(() => attach(emulator, id)).status).toBe(403);
		expect((await callHandler(status, emulator, { query: { command: 'STATUS', media_id: id } })).status).toBe(400);
	});
});

describe('chunked upload', () => {
	async function initVideo(emulator: Runtime, fields: Record<string, unknown> = {}): Promise<{ id: string; media_key: string }> {
		const response = await callHandler(initialize, emulator, {
			json: { media_type: 'video/mp4', media_category: 'dm_video', total_bytes: 10, ...fields },
		});
		expect(response.status).toBe(200);
		return response.body.data;
	}

	async function appendSegments(emulator: Runtime, id: string): Promise<void> {
		const form = new FormData();
		form.append('segment_index', '0');
		form.append('media', new Blob([Buffer.from('012345')]), 'blob');
		expect((await callHandler(append, emulator, { params: { id }, form })).status).toBe(200);
		const json = { segment_index: 1, media: base64('6789') };
		const second = await callHandler(append, emulator, { params: { id }, json });
		expect(second.body).toEqual({ data: { expires_at: Math.floor((START_MS + 24 * 60 * 60 * 1000) / 1000) } });
	}

	test('initialize -> append -> finalize -> STATUS processing over clock time', async () => {
		const emulator = makeEmulator({ mediaProcessingMs: 6000 });
		const init = await initVideo(emulator);
		expect(init).toEqual({ id: expect.stringMatching(/^[0-9]{19}$/), media_key: `7_${init.id}`, expires_after_secs: 86400 });
		await appendSegments(emulator, init.id);
		const finalized = await callHandler(finalize, emulator, { params: { id: init.id } });
		expect(finalized.body.data).toEqual({
			id: init.id,
			media_key: init.media_key,
			size: 10,
			expires_after_secs: 86400,
			processing_info: { state: 'pending', check_after_secs: 5, progress_percent: 0 },
		});
		expect(thrownReply(() => attach(emulator, init.id)).status).toBe(403);

		const statusNow = async () => (await callHandler(status, emulator, { query: { command: 'STATUS', media_id: init.id } })).body.data.processing_info;
		emulator.clock.advance(3000);
		expect(await statusNow()).toEqual({ state: 'in_progress', check_after_secs: 3, progress_percent: 50 });
		emulator.clock.advance(3000);
		expect(await statusNow()).toEqual({ state: 'succeeded', progress_percent: 100 });
		expect(attach(emulator, init.id).media_key).toBe(init.media_key);
	});

	test('processing can be configured to fail', async () => {
		const emulator = makeEmulator({ mediaProcessingOutcome: 'failed' });
		const init = await initVideo(emulator, { media_category: 'dm_gif', media_type: 'image/gif' });
		expect(init.media_key.startsWith('16_')).toBe(true);
		await appendSegments(emulator, init.id);
		await callHandler(finalize, emulator, { params: { id: init.id } });
		emulator.clock.advance(10_000);
		const info = (await callHandler(status, emulator, { query: { command: 'STATUS', media_id: init.id } })).body.data.processing_info;
		expect(info.state).toBe('failed');
		expect(thrownReply(() => attach(emulator, init.id)).status).toBe(403);
	});

	test('size limits per category at initialize', async () => {
		const emulator = makeEmulator();
		const sizeError = async (category: string, bytes: number) =>
			(await callHandler(initialize, emulator, { json: { media_category: category, total_bytes: bytes } })).status;
		expect(await sizeError('dm_image', 5 * 1024 * 1024 + 1)).toBe(400);
		expect(await sizeError('dm_gif', 15 * 1024 * 1024 + 1)).toBe(400);
		expect(await sizeError('dm_gif', 15 * 1024 * 1024)).toBe(200);
		expect(await sizeError('dm_video', 512 * 1024 * 1024 + 1)).toBe(400);
		expect(await sizeError('dm_video', 512 * 1024 * 1024)).toBe(200);
	});

	test('mismatched size, missing segments, double finalize, wrong owner', async () => {
		const emulator = makeEmulator();
		const init = await initVideo(emulator);
		const params = { id: init.id };
		const tooMuch = await callHandler(append, emulator, { params, json: { segment_index: 0, media: base64('01234567890') } });
		expect(tooMuch.status).toBe(400);
		await callHandler(append, emulator, { params, json: { segment_index: 1, media: base64('6789') } });
		expect((await callHandler(finalize, emulator, { params })).status).toBe(400);
		await callHandler(append, emulator, { params, json: { segment_index: 0, media: base64('0123') } });
		const mismatch = await callHandler(finalize, emulator, { params });
		expect(mismatch.status).toBe(400);
		expect(mismatch.body.errors[0].message).toContain('mismatch');

		const other = await callHandler(append, emulator, { userId: OTHER, params, json: { segment_index: 2, media: base64('45') } });
		expect(other).toMatchObject({ status: 403, body: { title: 'Forbidden', type: 'about:blank' } });
		expect((await callHandler(finalize, emulator, { userId: OTHER, params })).status).toBe(403);
		expect((await callHandler(status, emulator, { userId: OTHER, query: { media_id: init.id } })).status).toBe(403);

		await callHandler(append, emulator, { params, json: { segment_index: 2, media: base64('45') } });
		expect((await callHandler(finalize, emulator, { params })).status).toBe(200);
		expect((await callHandler(finalize, emulator, { params })).status).toBe(400);
		expect((await callHandler(append, emulator, { params, json: { segment_index: 3, media: base64('x') } })).status).toBe(400);
	});

	test('a chunked dm_image needs no processing', async () => {
		const emulator = makeEmulator();
		const init = (await callHandler(initialize, emulator, { json: { media_type: 'image/png', total_bytes: 3 } })).body.data;
		expect(emulator.state.media.get(init.id)?.category).toBe('tweet_image');
		const dmInit = (await callHandler(initialize, emulator, { json: { media_type: 'image/png', media_category: 'dm_image', total_bytes: 3 } })).body.data;
		await callHandler(append, emulator, { params: { id: dmInit.id }, json: { segment_index: 0, media: base64('abc') } });
		const finalized = await callHandler(finalize, emulator, { params: { id: dmInit.id } });
		expect(finalized.body.data).not.toHaveProperty('processing_info');
		expect(attach(emulator, dmInit.id).id).toBe(dmInit.id);
	});
});

describe('through the HTTP server', () => {
	let emu: Emulator;
	let alice: EmulatorUser;
	let bob: EmulatorUser;
	let aliceToken: string;
	let bobToken: string;
	beforeEach(async () => {
		emu = await startTestEmulator({ mediaProcessingMs: 4000 });
		({ user: alice, token: aliceToken } = createUserWithToken(emu, { username: 'alice' }));
		({ user: bob, token: bobToken } = createUserWithToken(emu, { username: 'bob' }));
	});
	afterEach(() => emu.close());

	async function multipart(path: string, token: string, fields: Record<string, string | Buffer>) {
		const form = new FormData();
		for (const [name, value] of Object.entries(fields)) {
			if (Buffer.isBuffer(value)) form.append(name, new Blob([value], { type: 'application/octet-stream' }), 'upload.bin');
			else form.append(name, value);
		}
		const encoded = new Request('http://x', { method: 'POST', body: form });
		const headers = { 'content-type': String(encoded.headers.get('content-type')) };
		return call(emu, 'POST', path, { token, headers, body: Buffer.from(await encoded.arrayBuffer()) });
	}

	const sendWith = (mediaId: string, token = aliceToken, to = bob.id) =>
		call(emu, 'POST', `/2/dm_conversations/with/${to}/messages`, { token, json: { text: 'pic', attachments: [{ media_id: mediaId }] } });

	// The vendored spec marks `meta` required in media responses and `type` in processing_info: spec quirks that
	// the emulator does not imitate (X's documented examples have neither).
	function expectOnlyKnownSpecQuirks() {
		const errors = emu.responseViolations.flatMap((violation) => violation.errors);
		for (const error of errors) expect(error).toMatch(/required property '(meta|type)'/);
		expect(emu.internalErrors).toEqual([]);
	}

	test('multipart one-shot dm_image: attach once, second use refused, rate-limit headers present', async () => {
		const uploaded = await multipart('/2/media/upload', aliceToken, { media: Buffer.from('jpeg-bytes'), media_category: 'dm_image' });
		expect(uploaded.status).toBe(200);
		expect(uploaded.headers['x-rate-limit-limit']).toBe('500');
		const mediaId = uploaded.body.data.id;
		const first = await sendWith(mediaId);
		expect(first.status).toBe(201);
		const event = emu.events().find((item) => item.id === first.body.data.dm_event_id);
		expect(event?.attachments).toEqual({ media_keys: [`3_${mediaId}`] });
		const second = await sendWith(mediaId);
		expect(second.status).toBe(403);
		expect(second.body).toEqual(NOT_ATTACHABLE);
		expectOnlyKnownSpecQuirks();
	});

	test('JSON one-shot: shared reuse, tweet_image refused, wrong owner refused, 24 h expiry', async () => {
		const upload = (json: unknown, token = aliceToken) => call(emu, 'POST', '/2/media/upload', { token, json });
		const shared = (await upload({ media: base64('img'), media_category: 'dm_image', shared: true })).body.data.id;
		expect((await sendWith(shared)).status).toBe(201);
		expect((await sendWith(shared)).status).toBe(201);
		const tweetImage = (await upload({ media: base64('img'), media_category: 'tweet_image' })).body.data.id;
		expect((await sendWith(tweetImage)).body).toEqual(NOT_ATTACHABLE);
		expect((await sendWith(shared, bobToken, alice.id)).status).toBe(403);
		emu.clock.advance(24 * 60 * 60 * 1000);
		// A fresh token (the first one expired after 2 h) still cannot attach the expired media.
		const nextDayToken = tokenFor(emu, alice.id);
		expect((await sendWith(shared, nextDayToken)).body).toEqual(NOT_ATTACHABLE);
		const missingScope = await upload({ media: base64('img'), media_category: 'dm_image' }, tokenFor(emu, alice.id, ['tweet.read', 'users.read']));
		expect(missingScope.status).toBe(403);
		expectOnlyKnownSpecQuirks();
	});

	test('chunked dm_video: initialize, append (multipart + JSON), finalize, STATUS until succeeded, then attach', async () => {
		const init = await call(emu, 'POST', '/2/media/upload/initialize', {
			token: aliceToken,
			json: { media_type: 'video/mp4', media_category: 'dm_video', total_bytes: 8, shared: true },
		});
		expect(init.status).toBe(200);
		const mediaId = init.body.data.id;
		expect((await multipart(`/2/media/upload/${mediaId}/append`, aliceToken, { segment_index: '0', media: Buffer.from('0123') })).status).toBe(200);
		const jsonAppend = await call(emu, 'POST', `/2/media/upload/${mediaId}/append`, { token: aliceToken, json: { segment_index: 1, media: base64('4567') } });
		expect(jsonAppend.status).toBe(200);
		const finalized = await call(emu, 'POST', `/2/media/upload/${mediaId}/finalize`, { token: aliceToken });
		expect(finalized.body.data).toMatchObject({ id: mediaId, size: 8, processing_info: { state: 'pending' } });
		expect((await sendWith(mediaId)).status).toBe(403);

		const processingStatus = async () =>
			(await call(emu, 'GET', `/2/media/upload?command=STATUS&media_id=${mediaId}`, { token: aliceToken })).body.data.processing_info;
		emu.clock.advance(2000);
		expect(await processingStatus()).toEqual({ state: 'in_progress', check_after_secs: 2, progress_percent: 50 });
		emu.clock.advance(2000);
		expect(await processingStatus()).toEqual({ state: 'succeeded', progress_percent: 100 });
		expect((await call(emu, 'GET', `/2/media/upload?command=STATUS&media_id=${mediaId}`, { token: bobToken })).status).toBe(403);
		expect((await sendWith(mediaId)).status).toBe(201);
		expectOnlyKnownSpecQuirks();
	});
});
