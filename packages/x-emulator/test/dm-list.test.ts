import type { DmEventRecord, Emulator } from '../src';
import { call, closeAndExpectCleanRun, createUserWithToken, startTestEmulator, START_MS, type UserWithToken } from './helpers';

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;

describe('DM event lists', () => {
	let emu: Emulator;
	let alice: UserWithToken;
	let bob: UserWithToken;
	let carol: UserWithToken;
	let erin: UserWithToken;

	beforeEach(async () => {
		emu = await startTestEmulator();
		alice = createUserWithToken(emu, { id: '944480690', username: 'alice', name: 'Alice' });
		bob = createUserWithToken(emu, { id: '906948460078698496', username: 'bob', name: 'Bob' });
		carol = createUserWithToken(emu, { id: '1466796521412771840', username: 'carol', name: 'Carol' });
		erin = createUserWithToken(emu, { id: '2244994945', username: 'erin', name: 'Erin' });
	});

	afterEach(() => closeAndExpectCleanRun(emu));

	const list = (token: string, path: string) => call(emu, 'GET', path, { token });

	function sendAs(user: UserWithToken, to: UserWithToken, text: string): DmEventRecord {
		emu.clock.advance(MINUTE_MS);
		return emu.sendAs(user.user.id, { to: to.user.id, text });
	}

	describe('GET /2/dm_events', () => {
		test('returns visible events newest first with the default fields per event type', async () => {
			const first = sendAs(alice, bob, 'one');
			const { conversationId, event: groupMessage } = emu.createGroupAs(alice.user.id, [bob.user.id, carol.user.id], 'group');
			const second = sendAs(bob, alice, 'two');
			sendAs(carol, erin, 'not for alice');

			const response = await list(alice.token, '/2/dm_events');
			expect(response.status).toBe(200);
			const join = emu.events({ conversationId })[0];
			expect(response.body).toEqual({
				data: [
					{ id: second.id, event_type: 'MessageCreate', text: 'two' },
					{ id: groupMessage.id, event_type: 'MessageCreate', text: 'group' },
					{ id: join.id, event_type: 'ParticipantsJoin', participant_ids: [bob.user.id, carol.user.id] },
					{ id: first.id, event_type: 'MessageCreate', text: 'one' },
				],
				meta: { result_count: 4 },
			});
		});

		test('returns exactly the requested dm_event.fields that apply to each event type', async () => {
			const { conversationId } = emu.createGroupAs(alice.user.id, [bob.user.id, carol.user.id], 'hello');
			emu.clock.advance(MINUTE_MS);
			emu.leaveAs(conversationId, carol.user.id);
			const fields = 'dm_event.fields=id,event_type,text,sender_id,participant_ids,dm_conversation_id,created_at,attachments,referenced_tweets,entities';
			const response = await list(alice.token, `/2/dm_events?${fields}`);
			const [leave, message, join] = response.body.data;
			const createdAt = new Date(START_MS).toISOString();
			expect(leave).toEqual({
				id: expect.any(String),
				event_type: 'ParticipantsLeave',
				participant_ids: [carol.user.id],
				dm_conversation_id: conversationId,
				created_at: new Date(START_MS + MINUTE_MS).toISOString(),
			});
			expect(message).toEqual({
				id: expect.any(String),
				event_type: 'MessageCreate',
				text: 'hello',
				sender_id: alice.user.id,
				dm_conversation_id: conversationId,
				created_at: createdAt,
			});
			expect(join).toEqual({
				id: expect.any(String),
				event_type: 'ParticipantsJoin',
				sender_id: alice.user.id,
				participant_ids: [bob.user.id, carol.user.id],
				dm_conversation_id: conversationId,
				created_at: createdAt,
			});
		});

		test('computes entities (nested) and referenced_tweets from the text', async () => {
			const text = 'Hi @bob 🎉 #launch $TWTR see https://x.com/XDevelopers/status/1578900353814519810 and https://example.com/a';
			sendAs(alice, bob, text);
			const response = await list(bob.token, '/2/dm_events?dm_event.fields=entities,referenced_tweets');
			expect(response.body.data[0]).toEqual({
				id: expect.any(String),
				event_type: 'MessageCreate',
				text,
				referenced_tweets: [{ id: '1578900353814519810' }],
				entities: {
					mentions: [{ start: 3, end: 7, username: 'bob', id: bob.user.id }],
					hashtags: [{ start: 10, end: 17, tag: 'launch' }],
					cashtags: [{ start: 18, end: 23, tag: 'TWTR' }],
					urls: [
						{ start: 28, end: 80, url: 'https://x.com/XDevelopers/status/1578900353814519810', expanded_url: 'https://x.com/XDevelopers/status/1578900353814519810', display_url: 'x.com/XDevelopers/status/…' },
						{ start: 85, end: 106, url: 'https://example.com/a', expanded_url: 'https://example.com/a', display_url: 'example.com/a' },
					],
				},
			});
		});

		test('wraps URLs in t.co links when wrapUrls is on', async () => {
			emu.setOption('wrapUrls', true);
			sendAs(alice, bob, 'see https://example.com/page');
			const response = await list(bob.token, '/2/dm_events?dm_event.fields=entities');
			const [event] = response.body.data;
			expect(event.text).toMatch(/^see https:\/\/t\.co\/[A-Za-z0-9]{10}$/);
			expect(event.entities.urls).toEqual([{ start: 4, end: 27, url: event.text.slice(4), expanded_url: 'https://example.com/page', display_url: 'example.com/page' }]);
		});

		test('expands users, posts and their fields into includes', async () => {
			sendAs(alice, bob, 'read https://twitter.com/erin/status/1578900353814519810');
			const { conversationId } = emu.createGroupAs(bob.user.id, [alice.user.id, carol.user.id], 'group');
			const query = 'expansions=sender_id,participant_ids,referenced_tweets.id&user.fields=created_at,receives_your_dm&tweet.fields=author_id,created_at';
			const response = await list(alice.token, `/2/dm_events?${query}`);
			expect(response.body.includes.users).toEqual([
				{ id: bob.user.id, name: 'Bob', username: 'bob', created_at: expect.any(String), receives_your_dm: true },
				{ id: alice.user.id, name: 'Alice', username: 'alice', created_at: expect.any(String), receives_your_dm: true },
				{ id: carol.user.id, name: 'Carol', username: 'carol', created_at: expect.any(String), receives_your_dm: true },
			]);
			expect(response.body.includes.tweets).toEqual([
				{
					id: '1578900353814519810',
					text: expect.any(String),
					edit_history_tweet_ids: ['1578900353814519810'],
					author_id: erin.user.id,
					created_at: '2022-10-09T00:09:13.000Z',
				},
			]);
			expect(emu.events({ conversationId })).toHaveLength(2);
		});

		test('mirrors the post vocabulary when the request uses post.fields', async () => {
			sendAs(alice, bob, 'https://x.com/someone/status/1578900353814519810');
			const posts = await list(bob.token, '/2/dm_events?dm_event.fields=referenced_posts&expansions=referenced_posts&post.fields=created_at');
			expect(posts.status).toBe(200);
			expect(posts.body.data[0].referenced_posts).toEqual([{ id: '1578900353814519810' }]);
			expect(posts.body.data[0].referenced_tweets).toBeUndefined();
			expect(posts.body.includes).toEqual({
				posts: [{ id: '1578900353814519810', text: expect.any(String), edit_history_post_ids: ['1578900353814519810'], created_at: '2022-10-09T00:09:13.000Z' }],
			});

			// expansions=referenced_posts alone is accepted, the response stays in tweet vocabulary.
			const tweets = await list(bob.token, '/2/dm_events?dm_event.fields=referenced_tweets&expansions=referenced_posts');
			expect(tweets.body.data[0].referenced_tweets).toEqual([{ id: '1578900353814519810' }]);
			expect(Object.keys(tweets.body.includes)).toEqual(['tweets']);
		});

		test('filters by event_types', async () => {
			const { conversationId } = emu.createGroupAs(alice.user.id, [bob.user.id, carol.user.id], 'hello');
			emu.joinAs(conversationId, [erin.user.id], bob.user.id);
			const joins = await list(alice.token, '/2/dm_events?event_types=ParticipantsJoin');
			expect(joins.body.data.map((event: { event_type: string }) => event.event_type)).toEqual(['ParticipantsJoin', 'ParticipantsJoin']);
			const bad = await list(alice.token, '/2/dm_events?event_types=Typing');
			expect(bad.status).toBe(400);
		});

		test('omits data on an empty result and hides events older than 30 days', async () => {
			sendAs(alice, bob, 'old news');
			emu.clock.advance(30 * DAY_MS - MINUTE_MS);
			expect((await list(alice.token, '/2/dm_events')).body.meta).toEqual({ result_count: 1 });
			emu.clock.advance(2 * MINUTE_MS);
			expect((await list(alice.token, '/2/dm_events')).body).toEqual({ meta: { result_count: 0 } });
			expect(emu.events()).toHaveLength(1);
		});

		test('hides events the caller deleted, but only for the caller', async () => {
			const event = sendAs(alice, bob, 'oops');
			emu.deleteEventFor(alice.user.id, event.id);
			expect((await list(alice.token, '/2/dm_events')).body).toEqual({ meta: { result_count: 0 } });
			expect((await list(bob.token, '/2/dm_events')).body.meta.result_count).toBe(1);
		});

		test('validates max_results (1..100)', async () => {
			for (const value of ['0', '101']) {
				const response = await list(alice.token, `/2/dm_events?max_results=${value}`);
				expect(response.status).toBe(400);
				expect(response.body.errors).toEqual([
					{ parameters: { max_results: [value] }, message: `The \`max_results\` query parameter value [${value}] is not between 1 and 100` },
				]);
			}
		});
	});

	test('a late arrival is listed and found only once the clock has passed its delay, below newer events', async () => {
		const late = emu.sendAs(bob.user.id, { to: alice.user.id, text: 'late', visibleAfterMs: 5000 });
		emu.clock.advance(10);
		const newer = emu.sendAs(carol.user.id, { to: alice.user.id, text: 'newer' });
		const ids = async () => ((await list(alice.token, '/2/dm_events')).body.data ?? []).map((event: { id: string }) => event.id);
		expect(await ids()).toEqual([newer.id]);
		expect((await list(alice.token, `/2/dm_events/${late.id}`)).body.data).toBeUndefined();
		expect(emu.visibleEvents(alice.user.id).map((event) => event.id)).toEqual([newer.id]);
		emu.clock.advance(4990);
		expect(await ids()).toEqual([newer.id, late.id]);
		expect((await list(alice.token, `/2/dm_events/${late.id}`)).body.data).toMatchObject({ id: late.id, text: 'late' });
		expect(Object.keys(late)).not.toContain('visibleFromMs');
		expect(() => emu.sendAs(bob.user.id, { to: alice.user.id, text: 'x', visibleAfterMs: -1 })).toThrow(/visibleAfterMs/);
		expect(emu.events().map((event) => event.text)).toEqual(['late', 'newer']);
	});

	describe('pagination', () => {
		let sent: DmEventRecord[];

		beforeEach(() => {
			sent = [];
			for (let index = 0; index < 7; index += 1) sent.push(sendAs(index % 2 ? bob : alice, index % 2 ? alice : bob, `message ${index}`));
		});

		test('walks all pages with next_token and stops at a page without one', async () => {
			const seen: string[] = [];
			let token: string | undefined;
			let pages = 0;
			do {
				const query = token ? `max_results=3&pagination_token=${token}` : 'max_results=3';
				const response = await list(alice.token, `/2/dm_events?${query}`);
				seen.push(...response.body.data.map((event: { id: string }) => event.id));
				token = response.body.meta.next_token;
				if (token) expect(token.length).toBeGreaterThanOrEqual(16);
				pages += 1;
			} while (token);
			expect(pages).toBe(3);
			expect(seen).toEqual(sent.map((event) => event.id).reverse());
		});

		test('previous_token leads back to the newer page', async () => {
			const first = await list(alice.token, '/2/dm_events?max_results=3');
			expect(first.body.meta.previous_token).toBeUndefined();
			const second = await list(alice.token, `/2/dm_events?max_results=3&pagination_token=${first.body.meta.next_token}`);
			expect(second.body.meta).toEqual({ result_count: 3, next_token: expect.any(String), previous_token: expect.any(String) });
			const back = await list(alice.token, `/2/dm_events?max_results=3&pagination_token=${second.body.meta.previous_token}`);
			expect(back.body.data).toEqual(first.body.data);
		});

		test('nextTokenOnLastPage emits a next_token on the last page that leads to an empty page', async () => {
			emu.setOption('nextTokenOnLastPage', true);
			const last = await list(alice.token, `/2/dm_events?max_results=7`);
			expect(last.body.meta.next_token).toEqual(expect.any(String));
			const empty = await list(alice.token, `/2/dm_events?max_results=7&pagination_token=${last.body.meta.next_token}`);
			expect(empty.body).toEqual({ meta: { result_count: 0 } });
		});

		test('defaults to 100 per page (pageSizeDefault changes it)', async () => {
			for (let index = 0; index < 100; index += 1) emu.sendAs(alice.user.id, { to: bob.user.id, text: `bulk ${index}` });
			const full = await list(alice.token, '/2/dm_events');
			expect(full.body.meta.result_count).toBe(100);
			emu.setOption('pageSizeDefault', 5);
			expect((await list(alice.token, '/2/dm_events')).body.meta.result_count).toBe(5);
		});

		test('rejects garbled, foreign and too-short tokens with 400 invalid-request', async () => {
			const { body } = await list(alice.token, '/2/dm_events?max_results=3');
			const token = body.meta.next_token;
			const garbled = `${token[0] === '1' ? '2' : '1'}${token.slice(1)}`;
			for (const value of [garbled, '18LAA5FFPEKJA52G0G00ZZZZ']) {
				const response = await list(alice.token, `/2/dm_events?pagination_token=${value}`);
				expect(response.status).toBe(400);
				expect(response.body).toEqual({
					errors: [{ parameters: { pagination_token: [value] }, message: `The \`pagination_token\` query parameter value [${value}] is not valid` }],
					title: 'Invalid Request',
					detail: 'One or more parameters to your request was invalid.',
					type: 'https://api.x.com/2/problems/invalid-request',
				});
			}
			expect((await list(alice.token, '/2/dm_events?pagination_token=short')).status).toBe(400);
		});
	});

	describe('GET /2/dm_conversations/with/:participant_id/dm_events', () => {
		test('lists only the 1:1 conversation with that user', async () => {
			const withBob = sendAs(alice, bob, 'bob');
			sendAs(alice, carol, 'carol');
			emu.createGroupAs(alice.user.id, [bob.user.id, carol.user.id], 'group');
			const response = await list(alice.token, `/2/dm_conversations/with/${bob.user.id}/dm_events?dm_event.fields=dm_conversation_id`);
			expect(response.body).toEqual({
				data: [{ id: withBob.id, event_type: 'MessageCreate', text: 'bob', dm_conversation_id: `${alice.user.id}-${bob.user.id}` }],
				meta: { result_count: 1 },
			});
			expect((await list(alice.token, `/2/dm_conversations/with/${erin.user.id}/dm_events`)).body).toEqual({ meta: { result_count: 0 } });
		});
	});

	describe('GET /2/dm_conversations/:id/dm_events', () => {
		test('lists a group for its participants; newcomers see events from their join on', async () => {
			const { conversationId } = emu.createGroupAs(alice.user.id, [bob.user.id, carol.user.id], 'before erin');
			emu.clock.advance(MINUTE_MS);
			const join = emu.joinAs(conversationId, [erin.user.id], bob.user.id);
			const after = emu.sendAs(alice.user.id, { conversationId, text: 'welcome' });

			const forAlice = await list(alice.token, `/2/dm_conversations/${conversationId}/dm_events`);
			expect(forAlice.body.meta.result_count).toBe(4);
			const forErin = await list(erin.token, `/2/dm_conversations/${conversationId}/dm_events?dm_event.fields=sender_id`);
			expect(forErin.body.data).toEqual([
				{ id: after.id, event_type: 'MessageCreate', text: 'welcome', sender_id: alice.user.id },
				{ id: join.id, event_type: 'ParticipantsJoin', participant_ids: [erin.user.id], sender_id: bob.user.id },
			]);
		});

		test('answers 403 to non-participants and to participants who left', async () => {
			const { conversationId } = emu.createGroupAs(alice.user.id, [bob.user.id, carol.user.id], 'hi');
			const forbidden = { title: 'Forbidden', detail: 'Forbidden', type: 'about:blank', status: 403 };
			expect(await list(erin.token, `/2/dm_conversations/${conversationId}/dm_events`)).toMatchObject({ status: 403, body: forbidden });
			emu.leaveAs(conversationId, carol.user.id);
			expect(await list(carol.token, `/2/dm_conversations/${conversationId}/dm_events`)).toMatchObject({ status: 403, body: forbidden });
			expect((await list(carol.token, '/2/dm_events')).body).toEqual({ meta: { result_count: 0 } });
			expect(await list(erin.token, '/2/dm_conversations/1234567890123456789/dm_events')).toMatchObject({ status: 403 });
		});

		test('lists 1:1 conversations by id, including one without messages yet', async () => {
			const event = sendAs(alice, bob, 'hey');
			const id = `${alice.user.id}-${bob.user.id}`;
			expect((await list(bob.token, `/2/dm_conversations/${id}/dm_events`)).body.data).toEqual([{ id: event.id, event_type: 'MessageCreate', text: 'hey' }]);
			expect((await list(erin.token, `/2/dm_conversations/${id}/dm_events`)).status).toBe(403);
			const unused = `${alice.user.id}-${erin.user.id}`;
			expect((await list(alice.token, `/2/dm_conversations/${unused}/dm_events`)).body).toEqual({ meta: { result_count: 0 } });
			const malformed = await list(alice.token, '/2/dm_conversations/abc/dm_events');
			expect(malformed.status).toBe(400);
			expect(malformed.body.errors[0].message).toBe('The `id` query parameter value [abc] does not match ^([0-9]{1,19}-[0-9]{1,19}|[0-9]{15,19})$');
		});
	});
});
