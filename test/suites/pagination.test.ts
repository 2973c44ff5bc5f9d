// Get Many pages through /2/dm_events with pagination_token and max_results <= 100. The number of list requests is
// ceil(N / 100) (at least 1). When the server also puts a next_token on the last page, one more request is needed
// to see the empty page that ends the list: the node never stops on a short page, because X may return short pages
// in the middle of a list.
import type { INodeParameters } from 'n8n-workflow';

import { apiRequests, expectPaired, runAction, useEmulator, type ActionRun, type LoggedRequest } from '../fixtures/x-node';

const x = useEmulator();

/** `count` messages between alice and bob, taking turns, bob first: "message 0", "message 1", … */
function seed(count: number): void {
	const { emu, people } = x;
	for (let index = 0; index < count; index++) {
		const [from, to] = index % 2 ? [people.alice, people.bob] : [people.bob, people.alice];
		emu.sendAs(from.id, { to: to.id, text: `message ${index}` });
	}
}

const listRequests = (): LoggedRequest[] => apiRequests(x.emu).filter((request) => request.path === '/2/dm_events');

async function getMany(parameters: INodeParameters): Promise<ActionRun> {
	return await runAction({ setup: x.auth('oAuth2'), parameters: { resource: 'event', operation: 'getMany', scope: 'all', ...parameters } });
}

const SIZES = [0, 1, 99, 100, 101, 250, 1000];

describe.each([false, true])('nextTokenOnLastPage = %s', (nextTokenOnLastPage) => {
	beforeAll(() => x.emu.setOption('nextTokenOnLastPage', nextTokenOnLastPage));
	afterAll(() => x.emu.setOption('nextTokenOnLastPage', false));

	test.each(SIZES)('Return All over %i events', async (count) => {
		seed(count);
		const { error, json, items } = await getMany({ returnAll: true });
		expect(error).toBeUndefined();
		expect(json).toHaveLength(count);
		// Newest first, every event exactly once.
		expect(new Set(json.map((event) => event.id)).size).toBe(count);
		expect(json.map((event) => event.text)).toEqual(Array.from({ length: count }, (_value, index) => `message ${count - 1 - index}`));
		expectPaired(items, Array<number>(count).fill(0));

		const pages = Math.max(1, Math.ceil(count / 100));
		const expected = nextTokenOnLastPage && count > 0 ? pages + 1 : pages;
		const requests = listRequests();
		expect(requests).toHaveLength(expected);
		expect(requests.every((request) => request.query.max_results === '100')).toBe(true);
		expect(requests[0].query.pagination_token).toBeUndefined();
		expect(requests.slice(1).every((request) => typeof request.query.pagination_token === 'string')).toBe(true);
	});

	test.each([
		[250, 1, 1, ['1']],
		[250, 50, 1, ['50']],
		[250, 100, 1, ['100']],
		[250, 101, 2, ['100', '1']],
		[250, 150, 2, ['100', '50']],
		[1000, 999, 10, [...Array<string>(9).fill('100'), '99']],
		[99, 100, 1, ['100']],
		[100, 100, 1, ['100']],
		[101, 250, 2, ['100', '100']],
	])('%i events, limit %i: %i requests, the last page sized to the rest of the limit', async (count, limit, requestCount, sizes) => {
		seed(count);
		const { error, json } = await getMany({ returnAll: false, limit });
		expect(error).toBeUndefined();
		expect(json).toHaveLength(Math.min(count, limit));
		const requests = listRequests();
		// A limit above the number of events hits the end of the list, where the server's last-page token matters.
		const extra = nextTokenOnLastPage && limit > count ? 1 : 0;
		expect(requests).toHaveLength(requestCount + extra);
		expect(requests.slice(0, requestCount).map((request) => request.query.max_results)).toEqual(sizes);
	});
});

test('a GET that fails with 503 is retried once and paging continues', async () => {
	seed(150);
	x.emu.addFault({ method: 'GET', path: '/2/dm_events', status: 503, times: 1 });
	const { error, json } = await getMany({ returnAll: true });
	expect(error).toBeUndefined();
	expect(json).toHaveLength(150);
	expect(listRequests().map((request) => request.status)).toEqual([503, 200, 200]);
});
