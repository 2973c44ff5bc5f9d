'use strict';

// Attachments: a binary property of the input item is uploaded through the v2 media endpoints (one request for images
// up to 5 MB, initialize/append/finalize plus STATUS polling for GIFs, videos and larger files) and then sent.
const { startEmulator } = require('../emulator');
const { shutdown, binaryItem } = require('../helpers/n8n-harness');
const { rl, runAction, addPeople, apiRequests, credentialSetup } = require('../helpers/x-node');

const MB = 1024 * 1024;

let emu;
let people;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(async () => {
	await emu.close();
	shutdown();
});

beforeEach(() => {
	emu.reset();
	// Keeps the STATUS polling of videos short; the node follows check_after_secs (at least one second).
	emu.options.mediaProcessingMs = 1500;
	emu.options.mediaProcessingOutcome = undefined;
	people = addPeople(emu);
});

function sendWithFile(extra = {}) {
	return {
		resource: 'message',
		operation: 'sendToUser',
		recipient: rl('id', people.bob.id),
		text: 'see attached',
		attachmentType: 'binary',
		binaryPropertyName: 'data',
		...extra,
	};
}

function fileOf(bytes, mimeType, fileName) {
	const buffer = Buffer.alloc(bytes);
	for (let index = 0; index < bytes; index++) buffer[index] = index % 251;
	return binaryItem(buffer, { mimeType, fileName });
}

function messages() {
	return emu.events().filter((event) => event.event_type === 'MessageCreate');
}

function requestLine(request) {
	return `${request.method} ${request.path.replace(/[0-9]{15,}/g, ':id')}`;
}

describe.each(['oAuth2', 'oAuth1'])('%s', (kind) => {
	test('an image up to 5 MB is uploaded in one request as dm_image, then sent with the message', async () => {
		const setup = credentialSetup(emu, people.alice, kind);
		const { error, json, items } = await runAction({
			setup,
			input: [fileOf(200 * 1024, 'image/png', 'chart.png')],
			parameters: sendWithFile(),
		});
		expect(error).toBeUndefined();
		expect(apiRequests(emu).map(requestLine)).toEqual(['POST /2/media/upload', 'POST /2/dm_conversations/with/:id/messages']);
		const upload = apiRequests(emu)[0];
		expect(upload.body).toMatchObject({ media_category: 'dm_image', media_type: 'image/png' });
		expect(Buffer.from(upload.body.media, 'base64')).toHaveLength(200 * 1024);

		const truth = messages();
		expect(truth).toHaveLength(1);
		expect(truth[0].text).toBe('see attached');
		expect(truth[0].attachments.media_keys).toEqual([json[0].media_key]);
		expect(json[0]).toMatchObject({ media_id: expect.stringMatching(/^[0-9]+$/), media_category: 'dm_image', dm_event_id: truth[0].id });
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(emu.state.media.get(json[0].media_id).usedCount).toBe(1);
	});

	test('a GIF goes through the chunked upload as dm_gif and waits for processing', async () => {
		const setup = credentialSetup(emu, people.alice, kind);
		const { error, json } = await runAction({
			setup,
			input: [fileOf(300 * 1024, 'image/gif', 'dance.gif')],
			parameters: sendWithFile({ text: '' }),
		});
		expect(error).toBeUndefined();
		const lines = apiRequests(emu).map(requestLine);
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
		expect(messages()[0].attachments.media_keys).toEqual([json[0].media_key]);
		expect(json[0].media_category).toBe('dm_gif');
	});
});

test('a 5 MB video is uploaded in 2 MB segments (0, 1, 2), processed, then sent: one DM with the video', async () => {
	const setup = credentialSetup(emu, people.alice, 'oAuth2');
	const size = 5 * MB;
	const { error, json } = await runAction({
		setup,
		input: [fileOf(size, 'video/mp4', 'clip.mp4')],
		parameters: sendWithFile({ text: 'video' }),
	});
	expect(error).toBeUndefined();
	const requests = apiRequests(emu);
	const appends = requests.filter((request) => request.path.endsWith('/append'));
	expect(appends.map((request) => request.body.segment_index)).toEqual([0, 1, 2]);
	expect(appends.map((request) => Buffer.from(request.body.media, 'base64').length)).toEqual([2 * MB, 2 * MB, 1 * MB]);
	expect(requests[0].body).toEqual({ media_type: 'video/mp4', total_bytes: size, media_category: 'dm_video' });
	const statusChecks = requests.filter((request) => request.method === 'GET');
	expect(statusChecks.length).toBeGreaterThanOrEqual(1);
	expect(statusChecks.every((request) => request.query.command === 'STATUS' && request.query.media_id === json[0].media_id)).toBe(true);

	const stored = emu.state.media.get(json[0].media_id);
	expect(stored).toMatchObject({ category: 'dm_video', size, state: 'succeeded', usedCount: 1 });
	const truth = messages();
	expect(truth).toHaveLength(1);
	expect(truth[0].attachments.media_keys).toEqual([stored.media_key]);
	expect(json[0].media_key).toBe(stored.media_key);
});

test('media that X fails to process stops before the send', async () => {
	emu.options.mediaProcessingOutcome = 'failed';
	const setup = credentialSetup(emu, people.alice, 'oAuth2');
	const { error } = await runAction({ setup, input: [fileOf(64 * 1024, 'video/quicktime', 'clip.mov')], parameters: sendWithFile() });
	expect(error.message).toMatch(/^X could not process the uploaded media/);
	expect(apiRequests(emu).some((request) => request.path.startsWith('/2/dm_conversations'))).toBe(false);
	expect(messages()).toHaveLength(0);
});

test('an image above 5 MB goes through the chunked upload, where X applies its image limit', async () => {
	const setup = credentialSetup(emu, people.alice, 'oAuth2');
	const { error } = await runAction({ setup, input: [fileOf(5 * MB + 1, 'image/jpeg', 'big.jpg')], parameters: sendWithFile() });
	expect(apiRequests(emu).map(requestLine)).toEqual(['POST /2/media/upload/initialize']);
	expect(error.message).toMatch(/^X rejected the request as invalid: File size exceeds/);
	expect(messages()).toHaveLength(0);
});

test('sending into a conversation and creating a group both take a binary attachment', async () => {
	const setup = credentialSetup(emu, people.alice, 'oAuth1');
	const { conversationId } = emu.createGroupAs(people.bob.id, [people.alice.id, people.carol.id], 'hi');
	const intoConversation = await runAction({
		setup,
		input: [fileOf(1024, 'image/jpeg', 'a.jpg')],
		parameters: {
			resource: 'message',
			operation: 'sendToConversation',
			conversation: rl('id', conversationId),
			text: 'photo',
			attachmentType: 'binary',
			binaryPropertyName: 'data',
		},
	});
	expect(intoConversation.error).toBeUndefined();
	const newGroup = await runAction({
		setup,
		input: [fileOf(1024, 'image/webp', 'b.webp')],
		parameters: {
			resource: 'conversation',
			operation: 'createGroup',
			participants: `@bob, @dave`,
			text: 'group photo',
			attachmentType: 'binary',
			binaryPropertyName: 'data',
		},
	});
	expect(newGroup.error).toBeUndefined();
	const withMedia = messages().filter((event) => event.attachments);
	expect(withMedia.map((event) => event.text)).toEqual(['photo', 'group photo']);
	expect(withMedia[1].dm_conversation_id).toBe(newGroup.json[0].dm_conversation_id);
});

describe('attachments by media ID', () => {
	async function uploadDirectly(category) {
		const token = emu.issueOAuth2Token({ userId: people.alice.id, clientId: 'direct', scopes: ['media.write'] }).access_token;
		const response = await fetch(`${emu.url}/2/media/upload`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ media: Buffer.from('image').toString('base64'), media_category: category, media_type: 'image/png' }),
		});
		const body = await response.json();
		emu.clearRequests();
		return body.data;
	}

	test('media uploaded for DMs is attached by its ID', async () => {
		const media = await uploadDirectly('dm_image');
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error, json } = await runAction({
			setup,
			parameters: sendWithFile({ attachmentType: 'mediaId', mediaId: media.id, text: 'by id' }),
		});
		expect(error).toBeUndefined();
		expect(apiRequests(emu).map(requestLine)).toEqual(['POST /2/dm_conversations/with/:id/messages']);
		expect(json[0].media_id).toBe(media.id);
		expect(messages()[0].attachments.media_keys).toEqual([media.media_key]);
	});

	test('media uploaded for posts (tweet_image) is refused with an explanation', async () => {
		const media = await uploadDirectly('tweet_image');
		const setup = credentialSetup(emu, people.alice, 'oAuth2');
		const { error } = await runAction({
			setup,
			parameters: sendWithFile({ attachmentType: 'mediaId', mediaId: media.id }),
		});
		expect(error.message).toBe('This media cannot be attached to a Direct Message');
		expect(error.description).toContain('dm_image');
		expect(messages()).toHaveLength(0);
	});
});
