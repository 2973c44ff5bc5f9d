// The polling trigger's "Download Attachments" option through n8n-core's PollContext: a received file comes out in
// the item's binary field; a download that fails for now leaves the cursor where it was, so that the next poll emits
// the event again with its file; media X no longer has (404) emits the event with `attachmentError`.
import type { INodeExecutionData } from 'n8n-workflow';

import type { XUser } from '../../fixtures/trigger';
import { eventIds, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const MEDIA_PATH = /^\/2\/dm_conversations\/media\//;
const DOWNLOAD = { options: { downloadAttachments: true, attachmentsField: 'file' } };

/** `from` uploads a PNG over X's API (its own token) and sends it to `to`; returns the event id. */
async function sendPhoto(from: XUser, to: XUser): Promise<string> {
	const token = String(env.credentialsOf(from).tokenData.access_token);
	const answer = await fetch(`${env.emu.url}/2/media/upload`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ media: PNG.toString('base64'), media_category: 'dm_image', media_type: 'image/png' }),
	});
	const uploaded = (await answer.json()) as { data: { id: string } };
	env.tick(10);
	return env.emu.sendAs(from.id, { to: to.id, text: 'a photo', attachments: [{ media_id: uploaded.data.id }] }).id as string;
}

const bytesOf = (item: INodeExecutionData | undefined): Buffer => Buffer.from(String(item?.binary?.file?.data), 'base64');
const downloads = (): string[] => env.requests().filter((entry) => MEDIA_PATH.test(entry.path)).map((entry) => `${entry.status}`);

test('a received file is emitted in the binary field, with its MIME type and file name', async () => {
	const { me, users } = env;
	const trigger = env.createTrigger(DOWNLOAD);
	expect(await trigger.poll()).toBeNull();
	const eventId = await sendPhoto(users.alice, me);
	const plain = env.send(users.bob, me, 'no file');
	env.emu.clearRequests();
	expect(eventIds(await trigger.poll())).toEqual([eventId, plain.id]);
	const [photo, text] = trigger.lastItems ?? [];
	expect(photo.binary?.file).toMatchObject({ mimeType: 'image/png', fileName: expect.stringMatching(/\.png$/) });
	expect(bytesOf(photo)).toEqual(PNG);
	expect(photo.json).toMatchObject({ id: eventId, attachments: { media_keys: [expect.stringMatching(/^3_\d+$/)] } });
	expect(photo.json.attachmentError).toBeUndefined();
	expect(text.binary).toBeUndefined();
	const list = env.listRequests()[0];
	expect(list.query).toMatchObject({ expansions: expect.stringContaining('attachments.media_keys'), 'media.fields': expect.stringContaining('url') });
	expect(downloads()).toEqual(['200']);
	expect(env.warnings).toEqual([]);
});

test('a download that fails for now leaves the cursor: the next poll emits the event again, with its file', async () => {
	const { emu, me, users } = env;
	const trigger = env.createTrigger(DOWNLOAD);
	expect(await trigger.poll()).toBeNull();
	const saved = JSON.parse(JSON.stringify(trigger.savedStaticData)) as unknown;
	const eventId = await sendPhoto(users.alice, me);
	// Two 503s: the transport's own retry of a GET does not hide them.
	emu.addFault({ method: 'GET', path: MEDIA_PATH, status: 503, times: 2 });
	emu.clearRequests();
	expect(await trigger.poll()).toBeNull();
	expect(downloads()).toEqual(['503', '503']);
	expect(trigger.savedStaticData).toEqual(saved);
	expect(env.warnings.join('\n')).toMatch(/server error \(503\).*Retrying on the next poll/);

	env.tick(60_000);
	emu.clearRequests();
	expect(eventIds(await trigger.poll())).toEqual([eventId]);
	expect(bytesOf(trigger.lastItems?.[0])).toEqual(PNG);
	expect(downloads()).toEqual(['200']);
	// Emitted once: the poll after it has nothing new.
	env.tick(60_000);
	expect(await trigger.poll()).toBeNull();
});

test('media X does not have (404) emits the event with attachmentError and moves on', async () => {
	const { emu, me, users } = env;
	const trigger = env.createTrigger(DOWNLOAD);
	expect(await trigger.poll()).toBeNull();
	env.tick(10);
	// An attachment whose bytes X does not serve: the download path answers 404 resource-not-found.
	const gone = emu.sendAs(users.alice.id, { to: me.id, text: 'gone', attachments: [{ media_key: '3_1234567890123456789' }] });
	const after = env.send(users.bob, me, 'after');
	emu.clearRequests();
	const emitted = await trigger.poll();
	expect(eventIds(emitted)).toEqual([gone.id, after.id]);
	expect(downloads()).toEqual(['404']);
	const [first, second] = trigger.lastItems ?? [];
	expect(first.binary).toBeUndefined();
	expect(first.json).toMatchObject({ id: gone.id, attachmentError: 'X could not find the media "1234567890123456789.jpg"' });
	expect(second.json.attachmentError).toBeUndefined();
	expect(trigger.staticData?.cursor?.newest).toBe(after.id);
	env.tick(60_000);
	expect(await trigger.poll()).toBeNull();
	expect(env.warnings).toEqual([]);
});
