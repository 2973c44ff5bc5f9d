import type { DmEventRecord, Emulator } from '../src';
import { call, closeAndExpectCleanRun, createUserWithToken, startTestEmulator, type UserWithToken } from './helpers';

const notFoundError = (eventId: string) => ({
	value: eventId,
	detail: `Could not find dm event with event_id: [${eventId}].`,
	title: 'Not Found Error',
	resource_type: 'tweet',
	parameter: 'event_id',
	resource_id: eventId,
	type: 'https://api.x.com/2/problems/resource-not-found',
});

describe('GET and DELETE /2/dm_events/:event_id', () => {
	let emu: Emulator;
	let alice: UserWithToken;
	let bob: UserWithToken;
	let carol: UserWithToken;
	let event: DmEventRecord;

	beforeEach(async () => {
		emu = await startTestEmulator();
		alice = createUserWithToken(emu, { username: 'alice', name: 'Alice' });
		bob = createUserWithToken(emu, { username: 'bob', name: 'Bob' });
		carol = createUserWithToken(emu, { username: 'carol', name: 'Carol' });
		event = emu.sendAs(alice.user.id, { to: bob.user.id, text: 'hello #tag https://x.com/a/status/1578900353814519810' });
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	const getEvent = (token: string, id: string, query = '') => call(emu, 'GET', `/2/dm_events/${id}${query}`, { token });
	const deleteEvent = (token: string, id: string) => call(emu, 'DELETE', `/2/dm_events/${id}`, { token });

	test('returns the event with default fields', async () => {
		const response = await getEvent(bob.token, event.id);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({ data: { id: event.id, event_type: 'MessageCreate', text: event.text } });
	});

	test('honours fields and expansions', async () => {
		const response = await getEvent(bob.token, event.id, '?dm_event.fields=sender_id,created_at,entities&expansions=sender_id,referenced_tweets.id&user.fields=description');
		expect(response.body).toEqual({
			data: {
				id: event.id,
				event_type: 'MessageCreate',
				text: event.text,
				sender_id: alice.user.id,
				created_at: event.created_at,
				entities: expect.objectContaining({ hashtags: [{ start: 6, end: 10, tag: 'tag' }] }),
			},
			includes: {
				users: [{ id: alice.user.id, name: 'Alice', username: 'alice' }],
				tweets: [{ id: '1578900353814519810', text: expect.any(String), edit_history_tweet_ids: ['1578900353814519810'] }],
			},
		});
	});

	test('answers 200 with a resource-not-found error for events the caller cannot see (documented guess)', async () => {
		expect(await getEvent(carol.token, event.id)).toMatchObject({ status: 200, body: { errors: [notFoundError(event.id)] } });
		expect((await getEvent(carol.token, event.id)).body.data).toBeUndefined();
		expect(await getEvent(bob.token, '1234567890')).toMatchObject({ status: 200, body: { errors: [notFoundError('1234567890')] } });
		const malformed = await getEvent(bob.token, 'abc');
		expect(malformed.status).toBe(400);
	});

	test('DELETE hides the event for the caller only', async () => {
		const deleted = await deleteEvent(bob.token, event.id);
		expect(deleted).toMatchObject({ status: 200, body: { data: { deleted: true } } });
		expect((await getEvent(bob.token, event.id)).body).toEqual({ errors: [notFoundError(event.id)] });
		expect((await getEvent(alice.token, event.id)).body.data.id).toBe(event.id);
		expect(emu.events()).toEqual([]);
		expect(emu.events({ includeDeleted: true })).toEqual([expect.objectContaining({ id: event.id, deletedFor: [bob.user.id] })]);
	});

	test('DELETE of an event the caller cannot see (or already deleted) is a 404 problem (documented guess)', async () => {
		const invisible = await deleteEvent(carol.token, event.id);
		expect(invisible.status).toBe(404);
		expect(invisible.headers['content-type']).toBe('application/problem+json');
		expect(invisible.body).toEqual({ ...notFoundError(event.id), status: 404 });
		await deleteEvent(alice.token, event.id);
		expect((await deleteEvent(alice.token, event.id)).status).toBe(404);
	});

	test('deleteOwnOnly restricts DELETE to the sender', async () => {
		emu.setOption('deleteOwnOnly', true);
		const response = await deleteEvent(bob.token, event.id);
		expect(response).toMatchObject({ status: 403, body: { title: 'Forbidden', type: 'about:blank', status: 403 } });
		expect((await deleteEvent(alice.token, event.id)).status).toBe(200);
	});

	test('DELETE needs dm.write, GET needs dm.read', async () => {
		const readOnly = createUserWithToken(emu, { username: 'reader', scopes: ['tweet.read', 'users.read', 'dm.read'] });
		const conversationEvent = emu.sendAs(alice.user.id, { to: readOnly.user.id, text: 'x' });
		expect((await getEvent(readOnly.token, conversationEvent.id)).status).toBe(200);
		expect(await deleteEvent(readOnly.token, conversationEvent.id)).toMatchObject({
			status: 403,
			body: { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' },
		});
	});
});
