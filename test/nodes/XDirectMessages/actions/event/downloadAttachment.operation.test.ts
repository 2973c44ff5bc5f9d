// Event → Download Attachment and Get Many's "Download Attachments", through the real n8n engine: a file sent with
// the node (upload → send) comes back byte for byte, with its file name and MIME type, in a binary field.
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { bad, badInputTests, type BadInputCase } from '../../../../fixtures/bad-input';
import { apiRequests, expectPaired, fileOf, rl, runAction, useEmulator } from '../../../../fixtures/x-node';

const x = useEmulator();

const download = (eventId: string, extra: INodeParameters = {}): INodeParameters => ({ resource: 'event', operation: 'downloadAttachment', eventId, ...extra });
const getMany = (options: INodeParameters, extra: INodeParameters = {}): INodeParameters => ({ resource: 'event', operation: 'getMany', scope: 'all', returnAll: true, options, ...extra });

const PHOTO = fileOf(3000, 'image/png', 'photo.png');
const photoBytes = (): Buffer => Buffer.from(String(PHOTO.binary?.data.data), 'base64');

/** alice sends bob a PNG with the node itself; returns the event id. */
async function sendPhoto(): Promise<string> {
	const { people, emu } = x;
	const sent = await runAction({
		setup: x.auth('oAuth2'),
		input: [PHOTO],
		parameters: { resource: 'message', operation: 'sendToUser', recipient: rl('id', people.bob.id), text: 'photo', attachmentType: 'binary', binaryPropertyName: 'data' },
	});
	expect(sent.error).toBeUndefined();
	emu.clearRequests();
	return String(sent.json[0].dm_event_id);
}

function bytesOf(item: INodeExecutionData, field = 'data'): Buffer {
	return Buffer.from(String(item.binary?.[field]?.data), 'base64');
}

describe.each<[string, 'fileName' | 'mediaId']>([
	['opaque file names (default)', 'fileName'],
	['<media id>.<ext> file names', 'mediaId'],
])('download with %s', (_label, style) => {
	beforeEach(() => x.emu.setOption('dmMediaResourceId', style));

	test('Download Attachment puts the uploaded bytes into the binary field with file name and MIME type', async () => {
		const eventId = await sendPhoto();
		const { error, items, json } = await runAction({ setup: x.auth('oAuth2'), parameters: download(eventId, { outputBinaryField: 'photo' }) });
		expect(error).toBeUndefined();
		expectPaired(items, [0]);
		expect(items[0].binary?.photo).toMatchObject({ mimeType: 'image/png', fileName: expect.stringMatching(/\.png$/) });
		expect(bytesOf(items[0], 'photo')).toEqual(photoBytes());
		expect(json[0]).toMatchObject({ eventId, mediaKeys: [expect.stringMatching(/^3_\d+$/)], files: [{ field: 'photo', mimeType: 'image/png' }] });
		const lines = apiRequests(x.emu).map((request) => `${request.method} ${request.path.replace(/\d{5,}/g, 'N')}`);
		expect(lines).toEqual(['GET /2/dm_events/N', expect.stringMatching(/^GET \/2\/dm_conversations\/media\/N\/N\/[A-Za-z0-9]+\.png$/)]);
	});
});

test('a generic application/octet-stream answer takes the MIME type from the file extension', async () => {
	x.emu.setOption('dmMediaContentType', 'octet-stream');
	try {
		const eventId = await sendPhoto();
		const { error, items } = await runAction({ setup: x.auth('oAuth2'), parameters: download(eventId) });
		expect(error).toBeUndefined();
		expect(items[0].binary?.data).toMatchObject({ mimeType: 'image/png' });
		expect(bytesOf(items[0])).toEqual(photoBytes());
	} finally {
		x.emu.setOption('dmMediaContentType', undefined);
	}
});

test('Get Many with Download Attachments: files on the events that have them, every item paired', async () => {
	const { people, emu } = x;
	const eventId = await sendPhoto();
	emu.clock.advance(1000);
	emu.sendAs(people.bob.id, { to: people.alice.id, text: 'no file' });
	const input = [{ json: { a: 1 } }, { json: { a: 2 } }];
	const { error, items, json } = await runAction({ setup: x.auth('oAuth2'), input, parameters: getMany({ downloadAttachments: true }) });
	expect(error).toBeUndefined();
	expect(json.map((event) => event.text)).toEqual(['no file', 'photo', 'no file', 'photo']);
	expectPaired(items, [0, 0, 1, 1]);
	expect(items.map((item) => Object.keys(item.binary ?? {}))).toEqual([[], ['data'], [], ['data']]);
	expect(bytesOf(items[1])).toEqual(photoBytes());
	expect(json[1]).toMatchObject({ id: eventId, attachments: { media_keys: [expect.any(String)] } });
	const list = apiRequests(emu).find((request) => request.path === '/2/dm_events');
	expect(list?.query).toMatchObject({ expansions: expect.stringContaining('attachments.media_keys'), 'media.fields': expect.stringContaining('url') });
});

test('Get Many without the option downloads nothing', async () => {
	await sendPhoto();
	const { error, items } = await runAction({ setup: x.auth('oAuth2'), parameters: getMany({}) });
	expect(error).toBeUndefined();
	expect(items.map((item) => item.binary)).toEqual([undefined]);
	expect(apiRequests(x.emu).map((request) => request.path)).toEqual(['/2/dm_events']);
});

describe('bad input', () => {
	const CASES: BadInputCase[] = [
		['download event ID letters', () => download(bad('latest')), 'Event ID'],
		['download event ID empty', () => download(bad('')), 'Event ID'],
		['download field with a space', () => download('1', { outputBinaryField: bad('my file') }), 'Put Output File in Field'],
		['get many attachments field empty', () => getMany({ downloadAttachments: true, attachmentsField: bad('') }), 'Put Attachments in Field'],
	];
	badInputTests(x, CASES, 4);
});

describe('failures', () => {
	test.each([
		['Download Attachment', download('1234567890123456789')],
		['Get Many with Download Attachments', getMany({ downloadAttachments: true })],
	])('%s with OAuth1 is refused before any request', async (_name, parameters) => {
		const { error, json } = await runAction({ setup: x.auth('oAuth1'), parameters });
		expect(json).toEqual([]);
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe('Downloading DM attachments needs OAuth2: X does not accept OAuth1 for media downloads');
		expect(x.emu.requests()).toEqual([]);
	});

	test('an event without attachment fails naming it; continueOnFail keeps the item', async () => {
		const sent = x.emu.sendAs(x.people.bob.id, { to: x.people.alice.id, text: 'plain' });
		const { error, json, items } = await runAction({ setup: x.auth('oAuth2'), parameters: download(sent.id), continueOnFail: true });
		expect(error).toBeUndefined();
		expect(json).toEqual([{ error: `The DM event ${sent.id} has no attachment`, description: expect.stringContaining('attachments.media_keys') }]);
		expectPaired(items, [0]);
	});

	test("X's 403 for a download is reported as a failed request", async () => {
		const eventId = await sendPhoto();
		x.emu.addFault({ method: 'GET', path: /^\/2\/dm_conversations\/media\//, status: 403 });
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: download(eventId) });
		expect(error?.name).toBe('NodeApiError');
		expect(error?.message).toMatch(/forbidden|permission|403/i);
	});

	test('an unknown event fails naming the event', async () => {
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: download('1234567890123456789') });
		expect(error?.message).toBe('X could not find the DM event "1234567890123456789"');
	});
});
