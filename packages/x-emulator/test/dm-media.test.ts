import { request } from 'undici';
import type { Emulator } from '../src';
import { n8nOAuth1 } from './n8n-oauth1';
import { call, closeAndExpectCleanRun, createUserWithToken, startWithAliceAndBob, TEST_CONSUMER_KEY, type UserWithToken } from './helpers';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

async function download(emu: Emulator, path: string, authorization: string): Promise<{ status: number; contentType: string; bytes: Buffer }> {
	const response = await request(`${emu.url}${path}`, { headers: { authorization } });
	const bytes = Buffer.from(await response.body.arrayBuffer());
	return { status: response.statusCode, contentType: String(response.headers['content-type']), bytes };
}

describe('DM media download (GET /2/dm_conversations/media/:dm_id/:media_id/:resource_id)', () => {
	let emu: Emulator;
	let alice: UserWithToken;
	let bob: UserWithToken;

	afterEach(() => closeAndExpectCleanRun(emu));

	async function sendPhoto(): Promise<{ eventId: string; mediaId: string; url: string }> {
		const uploaded = await call(emu, 'POST', '/2/media/upload', {
			token: alice.token,
			json: { media: PNG.toString('base64'), media_category: 'dm_image', media_type: 'image/png' },
		});
		const mediaId: string = uploaded.body.data.id;
		const sent = await call(emu, 'POST', `/2/dm_conversations/with/${bob.user.id}/messages`, { token: alice.token, json: { attachments: [{ media_id: mediaId }] } });
		const eventId: string = sent.body.data.dm_event_id;
		const got = await call(emu, 'GET', `/2/dm_events/${eventId}?dm_event.fields=attachments&expansions=attachments.media_keys&media.fields=url`, { token: bob.token });
		expect(got.body.data.attachments.media_keys).toEqual([`3_${mediaId}`]);
		return { eventId, mediaId, url: got.body.includes.media[0].url };
	}

	test('the media TON URL names the three path ids; a participant downloads the uploaded bytes with their type', async () => {
		({ emu, alice, bob } = await startWithAliceAndBob());
		const { eventId, mediaId, url } = await sendPhoto();
		const match = /^https:\/\/ton\.twitter\.com\/1\.1\/ton\/data\/dm\/(\d+)\/(\d+)\/([A-Za-z0-9]{12}\.png)$/.exec(url);
		expect(match?.slice(1, 3)).toEqual([eventId, mediaId]);
		const path = `/2/dm_conversations/media/${eventId}/${mediaId}/${match?.[3]}`;
		for (const { token } of [alice, bob]) {
			const answer = await download(emu, path, `Bearer ${token}`);
			expect(answer).toEqual({ status: 200, contentType: 'image/png', bytes: PNG });
		}
		// A guessed `<media id>.png` is not the resource in the default style.
		const guessed = await call(emu, 'GET', `/2/dm_conversations/media/${eventId}/${mediaId}/${mediaId}.png`, { token: bob.token });
		expect(guessed).toMatchObject({ status: 404, body: { type: 'https://api.x.com/2/problems/resource-not-found', parameter: 'resource_id', status: 404 } });
	});

	test('dmMediaResourceId "mediaId" names the file <media id>.<ext>; dmMediaContentType "octet-stream" answers the spec type', async () => {
		({ emu, alice, bob } = await startWithAliceAndBob({ dmMediaResourceId: 'mediaId', dmMediaContentType: 'octet-stream' }));
		const { eventId, mediaId, url } = await sendPhoto();
		expect(url).toBe(`https://ton.twitter.com/1.1/ton/data/dm/${eventId}/${mediaId}/${mediaId}.png`);
		const answer = await download(emu, `/2/dm_conversations/media/${eventId}/${mediaId}/${mediaId}.png`, `Bearer ${bob.token}`);
		expect(answer).toEqual({ status: 200, contentType: 'application/octet-stream', bytes: PNG });
	});

	test('refuses outsiders (403), unknown events and media (404), OAuth 1.0a (403) and app-only tokens', async () => {
		({ emu, alice, bob } = await startWithAliceAndBob());
		const carol = createUserWithToken(emu, { username: 'carol' });
		const { eventId, mediaId, url } = await sendPhoto();
		const resource = url.split('/').pop() ?? '';
		const outsider = await call(emu, 'GET', `/2/dm_conversations/media/${eventId}/${mediaId}/${resource}`, { token: carol.token });
		expect(outsider).toMatchObject({ status: 403, body: { title: 'Forbidden', type: 'about:blank', status: 403 } });
		const unknownEvent = await call(emu, 'GET', `/2/dm_conversations/media/1${eventId.slice(2)}9/${mediaId}/${resource}`, { token: bob.token });
		expect(unknownEvent).toMatchObject({ status: 404, body: { parameter: 'dm_id' } });
		const otherMedia = await call(emu, 'GET', `/2/dm_conversations/media/${eventId}/123/${resource}`, { token: bob.token });
		expect(otherMedia).toMatchObject({ status: 404, body: { parameter: 'media_id', resource_type: 'media' } });
		const badResource = await call(emu, 'GET', `/2/dm_conversations/media/${eventId}/${mediaId}/a%2Fb`, { token: bob.token });
		expect(badResource.status).toBe(400);

		const path = `/2/dm_conversations/media/${eventId}/${mediaId}/${resource}`;
		const token = emu.issueOAuth1Token({ consumerKey: TEST_CONSUMER_KEY, userId: bob.user.id });
		const signer = n8nOAuth1({ key: TEST_CONSUMER_KEY, secret: 'test-consumer-secret' }, () => emu.clock.now());
		const signed = signer.toHeader(signer.authorize({ method: 'GET', url: `${emu.url}${path}`, data: {} }, { key: token.oauth_token, secret: token.oauth_token_secret }));
		const oauth1 = await call(emu, 'GET', path, { headers: { authorization: signed.Authorization } });
		expect(oauth1).toMatchObject({ status: 403, body: { title: 'Unsupported Authentication', type: 'https://api.x.com/2/problems/unsupported-authentication' } });
		const appOnly = await call(emu, 'GET', `/2/dm_conversations/media/${eventId}/${mediaId}/${resource}`, { token: emu.issueAppToken() });
		expect(appOnly).toMatchObject({ status: 403, body: { type: 'https://api.x.com/2/problems/unsupported-authentication' } });
		// The sender's own deletion hides the DM (and its media) from them only.
		await call(emu, 'DELETE', `/2/dm_events/${eventId}`, { token: bob.token });
		expect((await call(emu, 'GET', `/2/dm_conversations/media/${eventId}/${mediaId}/${resource}`, { token: bob.token })).status).toBe(404);
		expect((await download(emu, `/2/dm_conversations/media/${eventId}/${mediaId}/${resource}`, `Bearer ${alice.token}`)).bytes).toEqual(PNG);
	});
});

describe('billed DM event reads', () => {
	let emu: Emulator;
	afterEach(() => closeAndExpectCleanRun(emu));

	test('every event a list or lookup returns is charged once per app and UTC day', async () => {
		let alice: UserWithToken;
		let bob: UserWithToken;
		({ emu, alice, bob } = await startWithAliceAndBob());
		for (const text of ['one', 'two', 'three']) {
			await call(emu, 'POST', `/2/dm_conversations/with/${bob.user.id}/messages`, { token: alice.token, json: { text } });
		}
		const day = () => emu.billing().apps['test-client']?.at(-1);
		expect(day()).toBeUndefined();
		const page = await call(emu, 'GET', '/2/dm_events?max_results=2', { token: bob.token });
		expect(page.body.data).toHaveLength(2);
		expect(day()).toMatchObject({ billed: { dm_event_read: 2 }, requested: { dm_event_read: 2 }, usd: 0.02 });
		await call(emu, 'GET', '/2/dm_events?max_results=1', { token: bob.token });
		await call(emu, 'GET', `/2/dm_events/${page.body.data[0].id}`, { token: alice.token });
		expect(day()).toMatchObject({ billed: { dm_event_read: 2 }, requested: { dm_event_read: 4 }, usd: 0.02 });
		await call(emu, 'GET', '/2/dm_events', { token: bob.token });
		expect(day()).toMatchObject({ billed: { dm_event_read: 3 }, usd: 0.03 });
		emu.clock.advance(24 * 3600 * 1000);
		await call(emu, 'GET', '/2/dm_events?max_results=1', { token: bob.token });
		expect(day()).toMatchObject({ billed: { dm_event_read: 1 }, usd: 0.01 });
		// An empty page and a lookup of an unknown event cost nothing.
		await call(emu, 'GET', `/2/dm_conversations/with/${alice.user.id}/dm_events?event_types=ParticipantsLeave`, { token: bob.token });
		await call(emu, 'GET', '/2/dm_events/1234567890123456789', { token: bob.token });
		expect(day()).toMatchObject({ requested: { dm_event_read: 1 } });
	});
});
