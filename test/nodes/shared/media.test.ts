// The media upload shared by the operations that send (nodes/shared/media.ts), exercised through Message → Send to
// User: a binary property of the input item is uploaded through the v2 media endpoints (one request for images up to
// 5 MB, initialize/append/finalize plus STATUS polling for GIFs and videos) and then sent. That each
// sending operation takes an attachment is tested in its own file.
import type { INodeParameters } from 'n8n-workflow';

import { apiRequests, AUTH_KINDS, bodyOf, fileOf, messages, runAction, sendToUser, useEmulator, type LoggedRequest } from '../../fixtures/x-node';

const MB = 1024 * 1024;

const x = useEmulator();

beforeEach(() => {
	// Keeps the STATUS polling of videos short; the node follows check_after_secs (at least one second).
	x.emu.setOption('mediaProcessingMs', 1500);
	x.emu.setOption('mediaProcessingOutcome', undefined);
});

function sendWithFile(extra: INodeParameters = {}): INodeParameters {
	return sendToUser(x.people.bob.id, { text: 'see attached', attachmentType: 'binary', binaryPropertyName: 'data', ...extra });
}

/** "METHOD /path" with the IDs in the path masked. */
function requestShape(request: LoggedRequest): string {
	return `${request.method} ${request.path.replace(/[0-9]{15,}/g, ':id')}`;
}

describe('success', () => {
	describe.each(AUTH_KINDS)('%s', (kind) => {
		test('an image up to 5 MB is uploaded in one request as dm_image, then sent with the message', async () => {
			const { emu } = x;
			const { error, json, items } = await runAction({
				setup: x.auth(kind),
				input: [fileOf(200 * 1024, 'image/png', 'chart.png')],
				parameters: sendWithFile(),
			});
			expect(error).toBeUndefined();
			expect(apiRequests(emu).map(requestShape)).toEqual(['POST /2/media/upload', 'POST /2/dm_conversations/with/:id/messages']);
			const upload = bodyOf(apiRequests(emu)[0]);
			expect(upload).toMatchObject({ media_category: 'dm_image', media_type: 'image/png' });
			expect(Buffer.from(upload.media as string, 'base64')).toHaveLength(200 * 1024);

			const truth = messages(emu);
			expect(truth).toHaveLength(1);
			expect(truth[0].text).toBe('see attached');
			expect(truth[0].attachments?.media_keys).toEqual([json[0].media_key]);
			expect(json[0]).toMatchObject({ media_id: expect.stringMatching(/^[0-9]+$/), media_category: 'dm_image', dm_event_id: truth[0].id });
			expect(items[0].pairedItem).toEqual({ item: 0 });
			expect(emu.getMedia(json[0].media_id as string)?.usedCount).toBe(1);
		});

		test('a GIF goes through the chunked upload as dm_gif and waits for processing', async () => {
			const { emu } = x;
			const { error, json } = await runAction({
				setup: x.auth(kind),
				input: [fileOf(300 * 1024, 'image/gif', 'dance.gif')],
				parameters: sendWithFile({ text: '' }),
			});
			expect(error).toBeUndefined();
			const lines = apiRequests(emu).map(requestShape);
			expect(lines.slice(0, 3)).toEqual([
				'POST /2/media/upload/initialize',
				'POST /2/media/upload/:id/append',
				'POST /2/media/upload/:id/finalize',
			]);
			expect(lines.slice(3, -1).every((line) => line === 'GET /2/media/upload')).toBe(true);
			expect(lines.slice(3, -1).length).toBeGreaterThanOrEqual(1);
			expect(lines[lines.length - 1]).toBe('POST /2/dm_conversations/with/:id/messages');
			expect(apiRequests(emu)[0].body).toMatchObject({ media_category: 'dm_gif', media_type: 'image/gif', total_bytes: 300 * 1024 });
			// Attachment-only message: no text is sent.
			expect(apiRequests(emu)[lines.length - 1].body).toEqual({ attachments: [{ media_id: json[0].media_id }] });
			expect(messages(emu)[0].attachments?.media_keys).toEqual([json[0].media_key]);
			expect(json[0].media_category).toBe('dm_gif');
		});
	});

	test('a 5 MB video is uploaded in 2 MB segments (0, 1, 2), processed, then sent: one DM with the video', async () => {
		const { emu } = x;
		const size = 5 * MB;
		const { error, json } = await runAction({
			setup: x.auth('oAuth2'),
			input: [fileOf(size, 'video/mp4', 'clip.mp4')],
			parameters: sendWithFile({ text: 'video' }),
		});
		expect(error).toBeUndefined();
		const requests = apiRequests(emu);
		const appends = requests.filter((request) => request.path.endsWith('/append')).map(bodyOf);
		expect(appends.map((body) => body.segment_index)).toEqual([0, 1, 2]);
		expect(appends.map((body) => Buffer.from(body.media as string, 'base64').length)).toEqual([2 * MB, 2 * MB, 1 * MB]);
		expect(requests[0].body).toEqual({ media_type: 'video/mp4', total_bytes: size, media_category: 'dm_video' });
		const statusChecks = requests.filter((request) => request.method === 'GET');
		expect(statusChecks.length).toBeGreaterThanOrEqual(1);
		expect(statusChecks.every((request) => request.query.command === 'STATUS' && request.query.media_id === json[0].media_id)).toBe(true);

		const stored = emu.getMedia(json[0].media_id as string);
		expect(stored).toMatchObject({ category: 'dm_video', size, state: 'succeeded', usedCount: 1 });
		const truth = messages(emu);
		expect(truth).toHaveLength(1);
		expect(truth[0].attachments?.media_keys).toEqual([stored?.media_key]);
		expect(json[0].media_key).toBe(stored?.media_key);
	});
});

describe('failures', () => {
	test('media that X fails to process stops before the send', async () => {
		const { emu } = x;
		emu.setOption('mediaProcessingOutcome', 'failed');
		const { error } = await runAction({ setup: x.auth('oAuth2'), input: [fileOf(64 * 1024, 'video/quicktime', 'clip.mov')], parameters: sendWithFile() });
		expect(error?.message).toMatch(/^X could not process the uploaded media/);
		expect(apiRequests(emu).some((request) => request.path.startsWith('/2/dm_conversations'))).toBe(false);
		expect(messages(emu)).toHaveLength(0);
	});

	test.each(['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff'])(
		'%s of 5 MB + 1 byte is refused before any request (images are at most 5 MB)',
		async (mimeType) => {
			const { emu } = x;
			const { error } = await runAction({ setup: x.auth('oAuth2'), input: [fileOf(5 * MB + 1, mimeType, 'big')], parameters: sendWithFile() });
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toBe('Input Binary Field: the file is 5,242,881 bytes, more than X allows for images (5 MB = 5,242,880 bytes)');
			expect(emu.requests()).toEqual([]);
			expect(messages(emu)).toHaveLength(0);
		},
	);

	test('an image of exactly 5 MB is still uploaded in one request', async () => {
		const { emu } = x;
		const { error } = await runAction({ setup: x.auth('oAuth1'), input: [fileOf(5 * MB, 'image/png', 'max.png')], parameters: sendWithFile() });
		expect(error).toBeUndefined();
		expect(apiRequests(emu).map(requestShape)).toEqual(['POST /2/media/upload', 'POST /2/dm_conversations/with/:id/messages']);
	});
});
