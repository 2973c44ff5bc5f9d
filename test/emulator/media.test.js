'use strict';
const media = require('./media');
const { createClock } = require('./clock');
const { createState } = require('./store');

const START_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const OWNER = '100';
const OTHER = '200';
const NOT_ATTACHABLE = {
	title: 'Forbidden',
	detail: 'You are not permitted to attach this media to a DM event.',
	type: 'about:blank',
	status: 403,
};

const handler = (method, path) => media.routes.find((route) => route.method === method && route.path === path).handler;
const oneShot = handler('POST', '/2/media/upload');
const status = handler('GET', '/2/media/upload');
const initialize = handler('POST', '/2/media/upload/initialize');
const append = handler('POST', '/2/media/upload/:id/append');
const finalize = handler('POST', '/2/media/upload/:id/finalize');

function makeEmulator(options = {}) {
	const clock = createClock({ now: START_MS });
	return { clock, state: createState(clock), options };
}

// A request context as CORE's server builds it; `form` (a FormData) is encoded like a real multipart request.
async function ctxFor(emulator, { userId = OWNER, json, form, query = {}, params = {} } = {}) {
	const ctx = { emulator, auth: { kind: 'oauth2', userId }, query, params, headers: {}, rawBody: Buffer.alloc(0), json };
	if (json) ctx.headers['content-type'] = 'application/json';
	if (form) {
		const encoded = new Request('http://x', { method: 'POST', body: form });
		ctx.headers['content-type'] = encoded.headers.get('content-type');
		ctx.rawBody = Buffer.from(await encoded.arrayBuffer());
	}
	return ctx;
}

async function call(fn, emulator, request) {
	try {
		return await fn(await ctxFor(emulator, request));
	} catch (response) {
		if (response instanceof Error) throw response;
		return response;
	}
}

const base64 = (text) => Buffer.from(text).toString('base64');
const attach = (emulator, mediaId, userId = OWNER) => media.checkAttachable(emulator.state, emulator.clock, { mediaId, userId });

function refusal(fn) {
	try {
		fn();
	} catch (response) {
		return response;
	}
	throw new Error('expected a 403');
}

describe('one-shot upload', () => {
	test('JSON base64 dm_image: succeeded at once, owner can attach it', async () => {
		const emulator = makeEmulator();
		const response = await call(oneShot, emulator, { json: { media: base64('png-bytes'), media_category: 'dm_image', media_type: 'image/png' } });
		expect(response.status).toBe(200);
		const { data } = response.body;
		expect(data).toEqual({ id: expect.stringMatching(/^[0-9]{19}$/), media_key: `3_${data.id}`, size: 9, expires_after_secs: 86400 });
		expect(attach(emulator, data.id).id).toBe(data.id);
		const statusResponse = await call(status, emulator, { query: { command: 'STATUS', media_id: data.id } });
		expect(statusResponse.body.data.processing_info).toEqual({ state: 'succeeded', progress_percent: 100 });
	});

	test('multipart with shared="true" and additional_owners', async () => {
		const emulator = makeEmulator();
		const form = new FormData();
		form.append('media', new Blob([Buffer.from('jpeg')], { type: 'image/jpeg' }), 'a.jpg');
		form.append('media_category', 'dm_image');
		form.append('shared', 'true');
		form.append('additional_owners', OTHER);
		const response = await call(oneShot, emulator, { form });
		expect(response.status).toBe(200);
		const stored = emulator.state.media.get(response.body.data.id);
		expect(stored).toMatchObject({ ownerId: OWNER, category: 'dm_image', shared: true, size: 4, additionalOwners: [OTHER] });
		expect(attach(emulator, stored.id, OTHER).id).toBe(stored.id);
	});

	test('bad category, missing media, command style and oversize images are 400 invalid-request', async () => {
		const emulator = makeEmulator();
		const badCategory = await call(oneShot, emulator, { json: { media: base64('x'), media_category: 'dm_video' } });
		expect(badCategory.status).toBe(400);
		expect(badCategory.body.title).toBe('Invalid Request');
		expect((await call(oneShot, emulator, { json: { media_category: 'dm_image' } })).status).toBe(400);
		expect((await call(oneShot, emulator, { json: { command: 'INIT', media: base64('x'), media_category: 'dm_image' } })).status).toBe(400);
		const big = Buffer.alloc(5 * 1024 * 1024 + 1);
		const tooBig = await call(oneShot, emulator, { json: { media: big.toString('base64'), media_category: 'dm_image' } });
		expect(tooBig.status).toBe(400);
		expect(tooBig.body.errors[0].message).toContain('5242880');
		expect(emulator.state.media.size).toBe(0);
	});
});

describe('DM attachment rules', () => {
	async function upload(emulator, fields, userId = OWNER) {
		const response = await call(oneShot, emulator, { userId, json: { media: base64('img'), ...fields } });
		return response.body.data.id;
	}

	test('tweet_image cannot be attached to a DM (captured 403)', async () => {
		const emulator = makeEmulator();
		const id = await upload(emulator, { media_category: 'tweet_image' });
		const refused = refusal(() => attach(emulator, id));
		expect(refused.status).toBe(403);
		expect(refused.body).toEqual(NOT_ATTACHABLE);
	});

	test('a non-shared id is single-use; a shared id can be reused by its owner', async () => {
		const emulator = makeEmulator();
		const single = await upload(emulator, { media_category: 'dm_image' });
		attach(emulator, single);
		media.markUsed(emulator.state, emulator.clock, { mediaId: single, userId: OWNER });
		expect(refusal(() => attach(emulator, single)).body).toEqual(NOT_ATTACHABLE);

		const shared = await upload(emulator, { media_category: 'dm_image', shared: true });
		for (let use = 0; use < 3; use += 1) {
			attach(emulator, shared);
			media.markUsed(emulator.state, emulator.clock, { mediaId: shared, userId: OWNER });
		}
		expect(attach(emulator, shared).usedCount).toBe(3);
		expect(refusal(() => attach(emulator, shared, OTHER)).status).toBe(403);
	});

	test('wrong owner and unknown ids are refused', async () => {
		const emulator = makeEmulator();
		const id = await upload(emulator, { media_category: 'dm_image' });
		expect(refusal(() => attach(emulator, id, OTHER)).body).toEqual(NOT_ATTACHABLE);
		expect(refusal(() => attach(emulator, '1234567890123456789')).body).toEqual(NOT_ATTACHABLE);
	});

	test('media expire 24 h after upload', async () => {
		const emulator = makeEmulator();
		const id = await upload(emulator, { media_category: 'dm_image', shared: true });
		emulator.clock.advance(24 * 60 * 60 * 1000 - 1);
		expect(attach(emulator, id).id).toBe(id);
		emulator.clock.advance(1);
		expect(refusal(() => attach(emulator, id)).status).toBe(403);
		expect((await call(status, emulator, { query: { command: 'STATUS', media_id: id } })).status).toBe(400);
	});
});

describe('chunked upload', () => {
	async function initVideo(emulator, fields = {}) {
		const response = await call(initialize, emulator, {
			json: { media_type: 'video/mp4', media_category: 'dm_video', total_bytes: 10, ...fields },
		});
		expect(response.status).toBe(200);
		return response.body.data;
	}

	async function appendSegments(emulator, id) {
		const form = new FormData();
		form.append('segment_index', '0');
		form.append('media', new Blob([Buffer.from('012345')]), 'blob');
		expect((await call(append, emulator, { params: { id }, form })).status).toBe(200);
		const json = { segment_index: 1, media: base64('6789') };
		const second = await call(append, emulator, { params: { id }, json });
		expect(second.body).toEqual({ data: { expires_at: Math.floor((START_MS + 24 * 60 * 60 * 1000) / 1000) } });
	}

	test('initialize -> append -> finalize -> STATUS processing over clock time', async () => {
		const emulator = makeEmulator({ mediaProcessingMs: 6000 });
		const init = await initVideo(emulator);
		expect(init).toEqual({ id: expect.stringMatching(/^[0-9]{19}$/), media_key: `7_${init.id}`, expires_after_secs: 86400 });
		await appendSegments(emulator, init.id);
		const finalized = await call(finalize, emulator, { params: { id: init.id } });
		expect(finalized.body.data).toEqual({
			id: init.id,
			media_key: init.media_key,
			size: 10,
			expires_after_secs: 86400,
			processing_info: { state: 'pending', check_after_secs: 5, progress_percent: 0 },
		});
		expect(refusal(() => attach(emulator, init.id)).status).toBe(403);

		const statusNow = async () =>
			(await call(status, emulator, { query: { command: 'STATUS', media_id: init.id } })).body.data.processing_info;
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
		await call(finalize, emulator, { params: { id: init.id } });
		emulator.clock.advance(10_000);
		const info = (await call(status, emulator, { query: { command: 'STATUS', media_id: init.id } })).body.data.processing_info;
		expect(info.state).toBe('failed');
		expect(refusal(() => attach(emulator, init.id)).status).toBe(403);
	});

	test('size limits per category at initialize', async () => {
		const emulator = makeEmulator();
		const sizeError = async (category, bytes) =>
			(await call(initialize, emulator, { json: { media_category: category, total_bytes: bytes } })).status;
		expect(await sizeError('dm_image', 5 * 1024 * 1024 + 1)).toBe(400);
		expect(await sizeError('dm_gif', 15 * 1024 * 1024 + 1)).toBe(400);
		expect(await sizeError('dm_gif', 15 * 1024 * 1024)).toBe(200);
		expect(await sizeError('dm_video', 512 * 1024 * 1024 + 1)).toBe(400);
		expect(await sizeError('dm_video', 512 * 1024 * 1024)).toBe(200);
	});

	test('mismatched size, missing segments, double finalize, wrong owner', async () => {
		const emulator = makeEmulator();
		const init = await initVideo(emulator);
		const tooMuch = await call(append, emulator, { params: { id: init.id }, json: { segment_index: 0, media: base64('01234567890') } });
		expect(tooMuch.status).toBe(400);
		await call(append, emulator, { params: { id: init.id }, json: { segment_index: 1, media: base64('6789') } });
		expect((await call(finalize, emulator, { params: { id: init.id } })).status).toBe(400);
		await call(append, emulator, { params: { id: init.id }, json: { segment_index: 0, media: base64('0123') } });
		const mismatch = await call(finalize, emulator, { params: { id: init.id } });
		expect(mismatch.status).toBe(400);
		expect(mismatch.body.errors[0].message).toContain('mismatch');

		const other = await call(append, emulator, { userId: OTHER, params: { id: init.id }, json: { segment_index: 2, media: base64('45') } });
		expect(other).toMatchObject({ status: 403, body: { title: 'Forbidden', type: 'about:blank' } });
		expect((await call(finalize, emulator, { userId: OTHER, params: { id: init.id } })).status).toBe(403);
		expect((await call(status, emulator, { userId: OTHER, query: { media_id: init.id } })).status).toBe(403);

		await call(append, emulator, { params: { id: init.id }, json: { segment_index: 2, media: base64('45') } });
		expect((await call(finalize, emulator, { params: { id: init.id } })).status).toBe(200);
		expect((await call(finalize, emulator, { params: { id: init.id } })).status).toBe(400);
		expect((await call(append, emulator, { params: { id: init.id }, json: { segment_index: 3, media: base64('x') } })).status).toBe(400);
	});

	test('a chunked dm_image needs no processing', async () => {
		const emulator = makeEmulator();
		const init = (await call(initialize, emulator, { json: { media_type: 'image/png', total_bytes: 3 } })).body.data;
		expect(emulator.state.media.get(init.id).category).toBe('tweet_image');
		const dmInit = (await call(initialize, emulator, { json: { media_type: 'image/png', media_category: 'dm_image', total_bytes: 3 } })).body.data;
		await call(append, emulator, { params: { id: dmInit.id }, json: { segment_index: 0, media: base64('abc') } });
		const finalized = await call(finalize, emulator, { params: { id: dmInit.id } });
		expect(finalized.body.data).not.toHaveProperty('processing_info');
		expect(attach(emulator, dmInit.id).id).toBe(dmInit.id);
	});
});

describe('through the HTTP server', () => {
	// Loaded here so the unit tests above do not depend on the server.
	let utils;
	let emu;
	let alice;
	let bob;
	let aliceToken;
	let bobToken;
	beforeEach(async () => {
		utils = require('./test-utils');
		emu = await utils.startTestEmulator({ mediaProcessingMs: 4000 });
		({ user: alice, token: aliceToken } = utils.createUserWithToken(emu, { username: 'alice' }));
		({ user: bob, token: bobToken } = utils.createUserWithToken(emu, { username: 'bob' }));
	});
	afterEach(() => emu.close());

	async function multipart(path, token, fields) {
		const form = new FormData();
		for (const [name, value] of Object.entries(fields)) {
			if (Buffer.isBuffer(value)) form.append(name, new Blob([value], { type: 'application/octet-stream' }), 'upload.bin');
			else form.append(name, value);
		}
		const encoded = new Request('http://x', { method: 'POST', body: form });
		const headers = { 'content-type': encoded.headers.get('content-type') };
		return utils.call(emu, 'POST', path, { token, headers, body: Buffer.from(await encoded.arrayBuffer()) });
	}

	const sendWith = (mediaId, token = aliceToken, to = bob.id) =>
		utils.call(emu, 'POST', `/2/dm_conversations/with/${to}/messages`, { token, json: { text: 'pic', attachments: [{ media_id: mediaId }] } });

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
		expect(event.attachments).toEqual({ media_keys: [`3_${mediaId}`] });
		const second = await sendWith(mediaId);
		expect(second.status).toBe(403);
		expect(second.body).toEqual(NOT_ATTACHABLE);
		expectOnlyKnownSpecQuirks();
	});

	test('JSON one-shot: shared reuse, tweet_image refused, wrong owner refused, 24 h expiry', async () => {
		const upload = (json, token = aliceToken) => utils.call(emu, 'POST', '/2/media/upload', { token, json });
		const shared = (await upload({ media: base64('img'), media_category: 'dm_image', shared: true })).body.data.id;
		expect((await sendWith(shared)).status).toBe(201);
		expect((await sendWith(shared)).status).toBe(201);
		const tweetImage = (await upload({ media: base64('img'), media_category: 'tweet_image' })).body.data.id;
		expect((await sendWith(tweetImage)).body).toEqual(NOT_ATTACHABLE);
		expect((await sendWith(shared, bobToken, alice.id)).status).toBe(403);
		emu.clock.advance(24 * 60 * 60 * 1000);
		// A fresh token (the first one expired after 2 h) still cannot attach the expired media.
		const nextDayToken = utils.tokenFor(emu, alice.id);
		expect((await sendWith(shared, nextDayToken)).body).toEqual(NOT_ATTACHABLE);
		const missingScope = await upload({ media: base64('img'), media_category: 'dm_image' }, utils.tokenFor(emu, alice.id, ['tweet.read', 'users.read']));
		expect(missingScope.status).toBe(403);
		expectOnlyKnownSpecQuirks();
	});

	test('chunked dm_video: initialize, append (multipart + JSON), finalize, STATUS until succeeded, then attach', async () => {
		const init = await utils.call(emu, 'POST', '/2/media/upload/initialize', {
			token: aliceToken,
			json: { media_type: 'video/mp4', media_category: 'dm_video', total_bytes: 8, shared: true },
		});
		expect(init.status).toBe(200);
		const mediaId = init.body.data.id;
		expect((await multipart(`/2/media/upload/${mediaId}/append`, aliceToken, { segment_index: '0', media: Buffer.from('0123') })).status).toBe(200);
		const jsonAppend = await utils.call(emu, 'POST', `/2/media/upload/${mediaId}/append`, { token: aliceToken, json: { segment_index: 1, media: base64('4567') } });
		expect(jsonAppend.status).toBe(200);
		const finalized = await utils.call(emu, 'POST', `/2/media/upload/${mediaId}/finalize`, { token: aliceToken });
		expect(finalized.body.data).toMatchObject({ id: mediaId, size: 8, processing_info: { state: 'pending' } });
		expect((await sendWith(mediaId)).status).toBe(403);

		const status = async () =>
			(await utils.call(emu, 'GET', `/2/media/upload?command=STATUS&media_id=${mediaId}`, { token: aliceToken })).body.data.processing_info;
		emu.clock.advance(2000);
		expect(await status()).toEqual({ state: 'in_progress', check_after_secs: 2, progress_percent: 50 });
		emu.clock.advance(2000);
		expect(await status()).toEqual({ state: 'succeeded', progress_percent: 100 });
		expect((await utils.call(emu, 'GET', `/2/media/upload?command=STATUS&media_id=${mediaId}`, { token: bobToken })).status).toBe(403);
		expect((await sendWith(mediaId)).status).toBe(201);
		expectOnlyKnownSpecQuirks();
	});
});
