// Event → Delete, through the real n8n engine against the emulator, with OAuth2 and OAuth1.
import type { INodeParameters } from 'n8n-workflow';

import { bad, badInputTests, UNSAFE_NUMBER, type BadInputCase } from '../../../../fixtures/bad-input';
import { AUTH_KINDS, runAction, useEmulator, type DmEvent } from '../../../../fixtures/x-node';

const x = useEmulator();

const deleteEvent = (eventId: string): INodeParameters => ({ resource: 'event', operation: 'delete', eventId });

describe('success', () => {
	describe.each(AUTH_KINDS)('with %s', (kind) => {
		test('delete removes the event for the authenticated user only', async () => {
			const { people, emu } = x;
			const sent = emu.sendAs(people.alice.id, { to: people.bob.id, text: 'oops' });
			const { error, json } = await runAction({ setup: x.auth(kind), parameters: deleteEvent(sent.id) });
			expect(error).toBeUndefined();
			expect(json).toEqual([{ dm_event_id: sent.id, deleted: true }]);
			const truth = (emu.events({ includeDeleted: true }) as DmEvent[]).find((event) => event.id === sent.id);
			expect(truth?.deletedFor).toEqual([people.alice.id]);
		});
	});
});

describe('bad input', () => {
	const CASES: BadInputCase[] = [
		['delete event ID empty', () => deleteEvent(bad('')), 'Event ID'],
		['delete event ID letters', () => deleteEvent(bad('all')), 'Event ID'],
		['delete event ID conversation ID', () => deleteEvent(bad('1-2')), 'Event ID'],
		['delete event ID unsafe number', () => deleteEvent(UNSAFE_NUMBER), 'Event ID'],
	];
	badInputTests(x, CASES, 4);
});

describe('failures', () => {
	test('deleting an event that does not exist', async () => {
		const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: deleteEvent('1234567890123456789') });
		expect(error?.message).toBe('X could not find the DM event "1234567890123456789"');
	});
});
