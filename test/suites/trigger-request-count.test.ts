// How many requests a trigger poll costs. With "Cost-Aware Page Sizes" off (pages of 100): an idle poll is exactly one
// request; k new events cost at most ceil((k + 1) / 100) requests (newest first, down to the event at the cursor).
// With it on (the default): a quiet poll is one request for two events (after busy polls, twice the recent activity
// more, halving on idle polls), and k new events cost at most ceil((k + 1) / 100) + 1 requests (a first page, then
// pages of 100).
import type { DmEvent } from '../fixtures/trigger';
import { eventIds, useTriggerEnv } from '../fixtures/trigger';

describe.each([
	['the last page has no next_token', false],
	['the last page still carries a next_token', true],
])('request count (%s)', (_label, nextTokenOnLastPage) => {
	const env = useTriggerEnv({ emulatorOptions: { nextTokenOnLastPage } });

	test('idle polls cost one request and k new events at most ceil((k + 1) / 100)', async () => {
		const { emu, me, users } = env;
		const senders = Object.values(users);
		const { conversationId } = emu.createGroupAs(users.alice.id, [me.id, users.bob.id], 'group');
		let sent = 0;
		const inbound = (count: number): DmEvent[] => {
			const events: DmEvent[] = [];
			for (let index = 0; index < count; index++) {
				emu.clock.advance(5);
				const sender = senders[sent++ % senders.length];
				events.push(
					sent % 7 === 0
						? emu.sendAs(users.bob.id, { conversationId, text: `group ${sent}` })
						: emu.sendAs(sender.id, { to: me.id, text: `dm ${sent}` }),
				);
			}
			return events;
		};
		// History below the cursor, so that pages past the cursor exist.
		inbound(150);

		const trigger = env.createTrigger({ options: { costAwarePages: false } });
		expect(await trigger.poll()).toBeNull();

		const table: Array<{ k: number; requests: number }> = [];
		for (const k of [0, 1, 0, 99, 100, 101, 199, 250, 0]) {
			const fresh = inbound(k);
			emu.clearRequests();
			const emitted = (await trigger.poll()) ?? [];
			const requests = env.requests();
			table.push({ k, requests: requests.length });
			expect(eventIds(emitted)).toEqual(eventIds(fresh));
			expect(requests.every((entry) => entry.method === 'GET' && entry.path === '/2/dm_events')).toBe(true);
			expect(requests.every((entry) => entry.status === 200 && entry.query.max_results === '100')).toBe(true);
			if (k === 0) expect(requests).toHaveLength(1);
			expect(requests.length).toBeLessThanOrEqual(Math.ceil((k + 1) / 100));
		}
		expect(table).toEqual([
			{ k: 0, requests: 1 },
			{ k: 1, requests: 1 },
			{ k: 0, requests: 1 },
			{ k: 99, requests: 1 },
			{ k: 100, requests: 2 },
			{ k: 101, requests: 2 },
			{ k: 199, requests: 2 },
			{ k: 250, requests: 3 },
			{ k: 0, requests: 1 },
		]);
		expect(env.warnings).toEqual([]);
	});
});

describe.each([
	['the last page has no next_token', false],
	['the last page still carries a next_token', true],
])('cost-aware request count (%s)', (_label, nextTokenOnLastPage) => {
	const env = useTriggerEnv({ emulatorOptions: { nextTokenOnLastPage } });

	test('quiet polls read two events, busy ones grow the first page; k new events cost at most ceil((k + 1) / 100) + 1 requests', async () => {
		const { emu, me, users } = env;
		const senders = Object.values(users);
		let sent = 0;
		const inbound = (count: number): DmEvent[] => {
			const events: DmEvent[] = [];
			for (let index = 0; index < count; index++) {
				emu.clock.advance(5);
				events.push(emu.sendAs(senders[sent++ % senders.length].id, { to: me.id, text: `dm ${sent}` }));
			}
			return events;
		};
		inbound(150);
		const trigger = env.createTrigger();
		expect(await trigger.poll()).toBeNull();

		const table: Array<{ k: number; sizes: string[] }> = [];
		for (const k of [0, 1, 0, 2, 99, 100, 101, 199, 250, 0, 0]) {
			const fresh = inbound(k);
			emu.clearRequests();
			const emitted = (await trigger.poll()) ?? [];
			const requests = env.requests();
			table.push({ k, sizes: requests.map((entry) => String(entry.query.max_results)) });
			expect(eventIds(emitted)).toEqual(eventIds(fresh));
			expect(requests.every((entry) => entry.status === 200 && entry.path === '/2/dm_events')).toBe(true);
			expect(requests.length).toBeLessThanOrEqual(Math.ceil((k + 1) / 100) + 1);
		}
		// Quiet polls read two events (one new event fits); after busy polls the first page grows by twice the recent
		// activity (at most 100), halving on each idle poll, so that a steady flow costs one request a poll.
		expect(table.filter(({ k }) => k === 0).map(({ sizes }) => sizes)).toEqual([['2'], ['4'], ['100'], ['100']]);
		expect(table.find(({ k }) => k === 1)?.sizes).toEqual(['2']);
		expect(table.map(({ sizes }) => sizes.length)).toEqual([1, 1, 1, 2, 2, 2, 2, 2, 3, 1, 1]);
		expect(table.map(({ sizes }) => sizes[0])).toEqual(['2', '2', '4', '2', '6', '100', '100', '100', '100', '100', '100']);

		// A minute later the poll pages back over the late window once (as many pages as the remembered window fills), then
		// idles down to two events.
		const remembered = (trigger.staticData?.cursor as { seen: string[] } | undefined)?.seen.length ?? 0;
		const late: string[][] = [];
		for (let poll = 0; poll < 8; poll++) {
			emu.clock.advance(60_000);
			emu.clearRequests();
			expect(await trigger.poll()).toBeNull();
			late.push(env.requests().map((entry) => String(entry.query.max_results)));
		}
		expect(late[0].length).toBeLessThanOrEqual(Math.ceil((remembered + 2) / 100));
		// Idle polls bring the first page back to two events.
		expect(late.slice(1)).toEqual([['26'], ['14'], ['8'], ['4'], ['2'], ['2'], ['2']]);
		expect(env.warnings).toEqual([]);
	});
});
