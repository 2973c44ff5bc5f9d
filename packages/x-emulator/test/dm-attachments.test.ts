import type { Emulator, EmulatorUser } from '../src';
import { runtimeOf } from '../src/emulator';
import { call, closeAndExpectCleanRun, startWithAliceAndBob, type UserWithToken } from './helpers';

const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
const NOT_ATTACHABLE = { title: 'Forbidden', detail: 'You are not permitted to attach this media to a DM event.', type: 'about:blank', status: 403 };

describe('DM attachments (media uploaded through the emulator)', () => {
	let emu: Emulator;
	let alice: UserWithToken;
	let bob: UserWithToken;

	beforeEach(async () => {
		({ emu, alice, bob } = await startWithAliceAndBob());
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	async function upload(token: string, extra: Record<string, unknown> = {}): Promise<{ id: string; media_key: string }> {
		const response = await call(emu, 'POST', '/2/media/upload', {
			token,
			json: { media: PNG_BYTES, media_category: 'dm_image', media_type: 'image/png', ...extra },
		});
		expect(response.status).toBe(200);
		return response.body.data;
	}

	const send = (token: string, userId: string, json: unknown) => call(emu, 'POST', `/2/dm_conversations/with/${userId}/messages`, { token, json });

	test('attaches a dm_image upload and exposes it through attachments and includes.media', async () => {
		const media = await upload(alice.token);
		const sent = await send(alice.token, bob.user.id, { text: 'look', attachments: [{ media_id: media.id }] });
		expect(sent.status).toBe(201);

		const listed = await call(emu, 'GET', '/2/dm_events?dm_event.fields=attachments&expansions=attachments.media_keys&media.fields=url', {
			token: bob.token,
		});
		expect(listed.body.data).toEqual([
			{ id: sent.body.data.dm_event_id, event_type: 'MessageCreate', text: 'look', attachments: { media_keys: [media.media_key] } },
		]);
		expect(listed.body.includes.media).toEqual([
			{ media_key: media.media_key, type: 'photo', url: expect.stringMatching(/^https:\/\/ton\.twitter\.com\//) },
		]);
	});

	test('accepts an attachment-only message (no text)', async () => {
		const media = await upload(alice.token);
		const sent = await send(alice.token, bob.user.id, { attachments: [{ media_id: media.id }] });
		expect(sent.status).toBe(201);
		expect(emu.events()[0]).toMatchObject({ text: '', attachments: { media_keys: [media.media_key] } });
	});

	test('refuses non-DM categories, reuse of non-shared media and media of another user (403)', async () => {
		const tweetImage = await upload(alice.token, { media_category: 'tweet_image' });
		expect(await send(alice.token, bob.user.id, { text: 'x', attachments: [{ media_id: tweetImage.id }] })).toMatchObject({ status: 403, body: NOT_ATTACHABLE });

		const single = await upload(alice.token);
		expect((await send(alice.token, bob.user.id, { text: 'x', attachments: [{ media_id: single.id }] })).status).toBe(201);
		expect(await send(alice.token, bob.user.id, { text: 'x', attachments: [{ media_id: single.id }] })).toMatchObject({ status: 403, body: NOT_ATTACHABLE });

		const shared = await upload(alice.token, { shared: true });
		expect((await send(alice.token, bob.user.id, { text: 'x', attachments: [{ media_id: shared.id }] })).status).toBe(201);
		expect((await send(alice.token, bob.user.id, { text: 'x', attachments: [{ media_id: shared.id }] })).status).toBe(201);

		const bobs = await upload(bob.token);
		expect(await send(alice.token, bob.user.id, { text: 'x', attachments: [{ media_id: bobs.id }] })).toMatchObject({ status: 403, body: NOT_ATTACHABLE });
		expect(emu.events()).toHaveLength(3);
	});

	test('getMedia reports each upload with its use count', async () => {
		const single = await upload(alice.token);
		const shared = await upload(alice.token, { shared: true });
		expect(emu.getMedia(single.id)).toEqual({
			id: single.id,
			media_key: single.media_key,
			ownerId: alice.user.id,
			additionalOwners: [],
			category: 'dm_image',
			shared: false,
			size: 16,
			totalBytes: 16,
			mimeType: 'image/png',
			state: 'succeeded',
			createdAt: expect.any(Number),
			expiresAt: expect.any(Number),
			usedCount: 0,
		});
		await send(alice.token, bob.user.id, { text: 'x', attachments: [{ media_id: single.id }] });
		await send(alice.token, bob.user.id, { text: 'x', attachments: [{ media_id: shared.id }] });
		await send(alice.token, bob.user.id, { text: 'x', attachments: [{ media_id: shared.id }] });
		expect(emu.getMedia(single.id)).toMatchObject({ usedCount: 1, shared: false });
		expect(emu.getMedia(shared.id)).toMatchObject({ usedCount: 2, shared: true });
		expect(emu.getMedia('1234567890')).toBeUndefined();
		// A copy: changing it changes nothing in the emulator.
		const copy = emu.getMedia(single.id);
		if (copy) copy.usedCount = 0;
		expect(emu.getMedia(single.id)?.usedCount).toBe(1);
	});

	test('refuses media older than 24 hours', async () => {
		const media = await upload(alice.token);
		emu.clock.advance(24 * 60 * 60 * 1000 + 1);
		expect(await send(alice.token, bob.user.id, { text: 'x', attachments: [{ media_id: media.id }] })).toMatchObject({ status: 403, body: NOT_ATTACHABLE });
	});

	test('group creation checks the attachment before creating anything', async () => {
		const carol: EmulatorUser = emu.addUser({ username: 'carol' });
		const tweetImage = await upload(alice.token, { media_category: 'tweet_image' });
		const response = await call(emu, 'POST', '/2/dm_conversations', {
			token: alice.token,
			json: { conversation_type: 'Group', participant_ids: [bob.user.id, carol.id], message: { attachments: [{ media_id: tweetImage.id }] } },
		});
		expect(response).toMatchObject({ status: 403, body: NOT_ATTACHABLE });
		expect(emu.listConversations()).toHaveLength(0);
	});

	test('the event keeps describing its media after the upload expired', async () => {
		const media = await upload(alice.token);
		await send(alice.token, bob.user.id, { text: 'pic', attachments: [{ media_id: media.id }] });
		emu.clock.advance(2 * 24 * 60 * 60 * 1000);
		runtimeOf(emu).state.media.clear();
		const listed = await call(emu, 'GET', '/2/dm_events?expansions=attachments.media_keys', { token: bob.token });
		expect(listed.body.includes.media).toEqual([{ media_key: media.media_key, type: 'photo' }]);
	});
});
