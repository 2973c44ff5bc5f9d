// Event → Get, through the real n8n engine against the emulator, with OAuth2 and OAuth1.
import type { INodeParameters } from 'n8n-workflow';

import { bad, badInputTests, UNSAFE_NUMBER, type BadInputCase } from '../../../../fixtures/bad-input';
import { apiRequests, AUTH_KINDS, expectPaired, runAction, useEmulator } from '../../../../fixtures/x-node';

const x = useEmulator();

const getEvent = (eventId: string, extra: INodeParameters = {}): INodeParameters => ({ resource: 'event', operation: 'get', eventId, ...extra });

describe('success', () => {
	describe.each(AUTH_KINDS)('with %s', (kind) => {
		test('get returns the event with its sender resolved', async () => {
			const { people, emu } = x;
			const sent = emu.sendAs(people.bob.id, { to: people.alice.id, text: 'look at this' });
			const { error, items, json } = await runAction({ setup: x.auth(kind), parameters: getEvent(sent.id) });
			expect(error).toBeUndefined();
			expect(json).toEqual([
				expect.objectContaining({
					id: sent.id,
					text: 'look at this',
					sender_id: people.bob.id,
					sender: expect.objectContaining({ username: 'bob' }),
				}),
			]);
			expectPaired(items, [0]);
		});
	});
});

describe('bad input', () => {
	const CASES: BadInputCase[] = [
		['get event ID empty', () => getEvent(bad('')), 'Event ID'],
		['get event ID letters', () => getEvent(bad('latest')), 'Event ID'],
		['get event ID 20 digits', () => getEvent(bad('12345678901234567890')), 'Event ID'],
		['get event ID decimal', () => getEvent(bad('1.0')), 'Event ID'],
		['get event ID unsafe number', () => getEvent(UNSAFE_NUMBER), 'Event ID'],
		['get event field unknown', () => getEvent('1', { dmEventFields: '={{ ["x"] }}' }), 'Event Fields'],
	];
	badInputTests(x, CASES, 6);
});

describe('failures', () => {
	describe.each(AUTH_KINDS)('with %s', (kind) => {
		test('get of an unknown event fails naming the event', async () => {
			const { error } = await runAction({ setup: x.auth(kind), parameters: getEvent('1234567890123456789') });
			expect(error?.message).toBe('X could not find the DM event "1234567890123456789"');
		});
	});

	test('the description of a malformed event ID reads "An event ID is ..."', async () => {
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: getEvent(bad('latest')) });
		expect(error?.description).toBe('An event ID is a string of 1 to 19 digits, e.g. "1582103724607971328".');
	});

	test('a GET whose connection is reset is repeated once', async () => {
		const { people, emu } = x;
		const sent = emu.sendAs(people.bob.id, { to: people.alice.id, text: 'hi' });
		emu.addFault({ method: 'GET', path: `/2/dm_events/${sent.id}`, reset: 'before' });
		const { error, json } = await runAction({ setup: x.auth('oAuth2'), parameters: getEvent(sent.id) });
		expect(error).toBeUndefined();
		expect(json[0].id).toBe(sent.id);
		expect(apiRequests(emu)).toHaveLength(2);
	});
});
