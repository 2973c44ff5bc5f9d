// "Download Attachments" of the instant trigger: a file another user sends arrives in the execution as binary data
// (byte for byte, with file name and MIME type); the DM is never lost when the download fails.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { apiRequests } from '../../fixtures/x-node';
import { CLIENT_ID, post, settleFor, signatureOf, useInstantEnv, waitFor } from './instant-env';

const env = useInstantEnv();

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2500, 7)]);

/** `userId` uploads a PNG as X's one-shot upload does; returns the media id. */
async function upload(userId: string, bytes: Buffer = PNG): Promise<string> {
	const { access_token: token } = env.emu.issueOAuth2Token({ userId, clientId: CLIENT_ID, scopes: 'dm.read dm.write media.write users.read tweet.read' });
	const response = await fetch(`${env.emu.url}/2/media/upload`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ media: bytes.toString('base64'), media_category: 'dm_image', media_type: 'image/png' }),
	});
	const body = (await response.json()) as { data?: { id?: string } };
	if (!body.data?.id) throw new Error(`upload failed: ${JSON.stringify(body)}`);
	return body.data.id;
}

/** bob sends alice a PNG; returns the DM's id. */
async function bobSendsPhoto(text = 'a photo'): Promise<string> {
	const { alice, bob } = env.people;
	const mediaId = await upload(bob.id);
	env.emu.clearRequests();
	return env.emu.sendAs(bob.id, { to: alice.id, text, attachments: [{ media_id: mediaId }] }).id;
}

const bytesOf = (item: INodeExecutionData, field = 'data'): Buffer => Buffer.from(String(item.binary?.[field]?.data), 'base64');
const lines = (): string[] => apiRequests(env.emu).map((request) => `${request.method} ${request.path.replace(/\d{5,}/g, 'N')}`);
const items = (wf: { executions: Array<{ items: INodeExecutionData[] }> }): INodeExecutionData[] => wf.executions.flatMap((execution) => execution.items);

describe.each<[string, 'fileName' | 'mediaId']>([
	['opaque file names (default)', 'fileName'],
	['<media id>.<ext> file names', 'mediaId'],
])('with %s', (_label, style) => {
	test('the file arrives in the binary field with its name and MIME type; the item keeps the polling shape', async () => {
		env.emu.setOption('dmMediaResourceId', style);
		const wf = env.workflow('wf-att1', { options: { downloadAttachments: true } });
		await wf.activate();
		const dmId = await bobSendsPhoto();
		await waitFor(() => wf.executions.length === 1, 'the message with a photo');
		const [item] = items(wf);
		expect(item.json).toMatchObject({ id: dmId, text: 'a photo', sender_id: env.people.bob.id, attachments: { media_keys: [expect.stringMatching(/^3_\d+$/)] } });
		expect(item.json.attachmentError).toBeUndefined();
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: expect.stringMatching(/\.png$/) });
		expect(bytesOf(item)).toEqual(PNG);
		// The pushed DM does not name the file: one lookup of the event, then the download (user context).
		expect(lines()).toEqual(['GET /2/dm_events/N', expect.stringMatching(/^GET \/2\/dm_conversations\/media\/N\/N\/[A-Za-z0-9]+\.png$/)]);
		expect(env.emu.requests().filter((request) => request.path.startsWith('/2/dm')).every((request) => request.status === 200)).toBe(true);
	});
});

test('another field name; a message without a file gets no binary and causes no request', async () => {
	const { alice, bob } = env.people;
	const wf = env.workflow('wf-att2', { options: { downloadAttachments: true, attachmentsField: 'photo' } });
	await wf.activate();
	env.emu.clearRequests();
	env.emu.sendAs(bob.id, { to: alice.id, text: 'just text' });
	await waitFor(() => wf.executions.length === 1, 'the text message');
	expect(apiRequests(env.emu)).toEqual([]);
	await bobSendsPhoto();
	await waitFor(() => wf.executions.length === 2, 'the photo');
	const [text, photo] = items(wf);
	expect(text.binary).toBeUndefined();
	expect(text.json).not.toHaveProperty('attachmentError');
	expect(Object.keys(photo.binary ?? {})).toEqual(['photo']);
	expect(bytesOf(photo, 'photo')).toEqual(PNG);
});

test('the option off: media keys only, no request to X', async () => {
	const wf = env.workflow('wf-att3');
	await wf.activate();
	await bobSendsPhoto();
	await waitFor(() => wf.executions.length === 1, 'the photo');
	expect(items(wf)[0].binary).toBeUndefined();
	expect(items(wf)[0].json.attachments).toEqual({ media_keys: [expect.any(String)] });
	expect(apiRequests(env.emu)).toEqual([]);
});

test('a delivery whose media names its TON URL is downloaded without looking the event up', async () => {
	const { alice, bob } = env.people;
	const wf = env.workflow('wf-att4', { options: { downloadAttachments: true } });
	await wf.activate();
	const dmId = await bobSendsPhoto();
	await waitFor(() => wf.executions.length === 1, 'the genuine delivery');
	const download = apiRequests(env.emu).find((request) => request.path.startsWith('/2/dm_conversations/media/'));
	const tonUrl = `https://ton.twitter.com/1.1/ton/data/dm${String(download?.path).slice('/2/dm_conversations/media'.length)}`;
	// The same DM as a legacy payload that carries the URL (media_url_https), under a new event_uuid and DM id key.
	const body = JSON.stringify({
		data: {
			event_uuid: '-42',
			filter: { user_id: alice.id },
			event_type: 'dm.received',
			payload: {
				direct_message_events: [
					{
						type: 'message_create',
						id: '1900000000000000777',
						created_timestamp: String(Date.now()),
						message_create: {
							target: { recipient_id: alice.id },
							sender_id: bob.id,
							message_data: { text: 'with url', attachment: { type: 'media', media: { id: '9', media_key: '3_9', type: 'photo', media_url_https: tonUrl } } },
						},
					},
				],
				users: {},
			},
		},
	});
	env.emu.clearRequests();
	expect((await post(wf.url, body, signatureOf(body))).status).toBe(200);
	expect(wf.executions).toHaveLength(2);
	expect(bytesOf(items(wf)[1])).toEqual(PNG);
	expect(lines()).toEqual([expect.stringMatching(/^GET \/2\/dm_conversations\/media\/N\/N\/[A-Za-z0-9]+\.png$/)]);
	expect(download?.path).toContain(dmId);
});

describe('a failed download never loses the DM', () => {
	test.each<[string, IDataObject, RegExp]>([
		['X answers 503 (every try)', { status: 503, times: Infinity }, /^X returned a server error \(503\) for GET \/2\/dm_conversations\/media\//],
		['the media is gone (404)', { status: 404, body: { title: 'Not Found Error', detail: 'gone', type: 'https://api.twitter.com/2/problems/resource-not-found' } }, /^X could not find the requested resource \(GET \/2\/dm_conversations\/media\//],
	])('%s: emitted once, without the file, with attachmentError', async (_label, fault, message) => {
		const wf = env.workflow('wf-att5', { options: { downloadAttachments: true } });
		await wf.activate();
		env.emu.addFault({ method: 'GET', path: '/2/dm_conversations/media/', ...fault });
		const dmId = await bobSendsPhoto();
		await waitFor(() => wf.executions.length === 1, 'the message despite the failed download', 15000);
		const [item] = items(wf);
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({ id: dmId, text: 'a photo', attachments: { media_keys: [expect.any(String)] } });
		expect(item.json.attachmentError).toEqual(expect.stringMatching(message));
		expect(env.host.logged('warn')).toEqual(expect.arrayContaining([expect.stringContaining(`the attachment of DM ${dmId} was not downloaded`)]));
		await settleFor(300);
		expect(wf.executions).toHaveLength(1);
		env.emu.clearFaults();
	});

	test('a download slower than the Timeout ends with attachmentError, X gets its answer in time', async () => {
		const wf = env.workflow('wf-att6', { options: { downloadAttachments: true, timeout: 1 } });
		await wf.activate();
		env.emu.addFault({ method: 'GET', path: '/2/dm_conversations/media/', latencyMs: 4000, times: Infinity });
		const started = Date.now();
		const dmId = await bobSendsPhoto();
		await waitFor(() => wf.executions.length === 1, 'the message despite the slow download', 12000);
		expect(Date.now() - started).toBeLessThan(9000);
		expect(items(wf)[0].json).toMatchObject({ id: dmId, attachmentError: expect.stringMatching(/GET \/2\/dm_conversations\/media\//) });
		expect(items(wf)[0].binary).toBeUndefined();
		env.emu.clearFaults();
		// X got a 200 for the delivery, so it does not deliver the DM again.
		await settleFor(300);
		expect(env.emu.deliveries().filter((delivery) => delivery.dmEventId === dmId)).toEqual([expect.objectContaining({ delivered: true, attempts: 1 })]);
		expect(wf.executions).toHaveLength(1);
	});
});

test('a field name with a space is refused at activation, before any request to X', async () => {
	const wf = env.workflow('wf-att7', { options: { downloadAttachments: true, attachmentsField: 'my file' } });
	env.emu.clearRequests();
	await expect(wf.activate()).rejects.toThrow('Put Attachments in Field must be a field name without spaces or dots');
	expect(apiRequests(env.emu)).toEqual([]);
});
