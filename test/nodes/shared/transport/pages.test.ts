// The one page iterator of DM event listings, against the emulator over real HTTP: one request per page, fetched
// only when asked for, sized to a limit, continued from a token, the list end proven by X, and the
// rate-limit state of each page read from its headers.
import type { Emulator, RequestLogEntry } from '../../../fixtures/emulator';
import { startEmulator } from '../../../fixtures/emulator';
import { emulatorHost } from '../../../fixtures/x-api-host';
import type { DmEventPage, XApi } from '../../../../nodes/shared/transport';
import { createXApi, DEFAULT_LIMITS, dmEventPages } from '../../../../nodes/shared/transport';

let emu: Emulator;
let api: XApi;
let alice: { id: string };
let bob: { id: string };

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(async () => {
	await emu.close();
});

function seed(count: number): void {
	emu.reset();
	alice = emu.addUser({ username: 'alice' });
	bob = emu.addUser({ username: 'bob' });
	for (let index = 0; index < count; index++) emu.sendAs(bob.id, { to: alice.id, text: `message ${index}` });
	api = createXApi({ context: emulatorHost(emu, alice.id), credentialType: 'xDmOAuth2Api' }, { ...DEFAULT_LIMITS, maxRateLimitWaitMs: 0 });
	emu.clearRequests();
}

const listRequests = (): RequestLogEntry[] => emu.requests().filter((request) => request.path === '/2/dm_events');

async function collect(pages: AsyncGenerator<DmEventPage>): Promise<DmEventPage[]> {
	const all: DmEventPage[] = [];
	for await (const page of pages) all.push(page);
	return all;
}

describe.each([false, true])('nextTokenOnLastPage = %s', (nextTokenOnLastPage) => {
	beforeAll(() => emu.setOption('nextTokenOnLastPage', nextTokenOnLastPage));
	afterAll(() => emu.setOption('nextTokenOnLastPage', false));

	test('all pages, newest first; a trailing next_token costs one empty page that proves the end', async () => {
		seed(250);
		const pages = await collect(dmEventPages(api, { path: '/2/dm_events' }));
		expect(pages.map((page) => page.events.length)).toEqual(nextTokenOnLastPage ? [100, 100, 50, 0] : [100, 100, 50]);
		const texts = pages.flatMap((page) => page.newEvents.map((event) => event.text));
		expect(texts).toEqual(Array.from({ length: 250 }, (_value, index) => `message ${249 - index}`));
		expect(pages[pages.length - 1].nextToken).toBeUndefined();
		expect(pages.slice(0, -1).every((page) => typeof page.nextToken === 'string')).toBe(true);
		const requests = listRequests();
		expect(requests).toHaveLength(pages.length);
		expect(requests.every((request) => request.query.max_results === '100')).toBe(true);
		expect(requests[0].query.pagination_token).toBeUndefined();
		expect(requests.slice(1).map((request) => request.query.pagination_token)).toEqual(pages.slice(0, -1).map((page) => page.nextToken));
	});

	test('a limit sizes the last request to what is missing and stops there', async () => {
		seed(250);
		const pages = await collect(dmEventPages(api, { path: '/2/dm_events', limit: 150 }));
		expect(pages.flatMap((page) => page.newEvents)).toHaveLength(150);
		expect(listRequests().map((request) => request.query.max_results)).toEqual(['100', '50']);
	});
});

test('pages are fetched only when asked for: stopping the loop stops the requests', async () => {
	seed(250);
	for await (const page of dmEventPages(api, { path: '/2/dm_events' })) {
		expect(page.events).toHaveLength(100);
		break;
	}
	expect(listRequests()).toHaveLength(1);
});

test('a start token continues below where an earlier page ended, even after new events arrived', async () => {
	seed(150);
	const first = (await dmEventPages(api, { path: '/2/dm_events' }).next()).value;
	if (!first) throw new Error('no first page');
	emu.sendAs(bob.id, { to: alice.id, text: 'newer' });
	const pages = await collect(dmEventPages(api, { path: '/2/dm_events', startToken: first.nextToken }));
	expect(pages.flatMap((page) => page.events.map((event) => event.text))).toEqual(
		Array.from({ length: 50 }, (_value, index) => `message ${49 - index}`),
	);
	expect(listRequests().map((request) => request.query.pagination_token)).toEqual([undefined, first.nextToken]);
});

test('an empty listing is one request and one empty page', async () => {
	seed(0);
	const pages = await collect(dmEventPages(api, { path: '/2/dm_events' }));
	expect(pages).toHaveLength(1);
	expect(pages[0].events).toEqual([]);
	expect(pages[0].nextToken).toBeUndefined();
	expect(listRequests()).toHaveLength(1);
});

test('each page carries the rate-limit state of its answer', async () => {
	seed(250);
	emu.setRateLimitProfile({ base: 'launch', dmList: { user15: 2 } });
	try {
		const pages = dmEventPages(api, { path: '/2/dm_events' });
		const first = (await pages.next()).value;
		const second = (await pages.next()).value;
		expect(first?.rateLimit).toEqual({ exhausted: false });
		expect(second?.rateLimit.exhausted).toBe(true);
		expect(second?.rateLimit.resetAtMs).toBeGreaterThan(emu.clock.now());
		// The window is used up: the next page is a rate-limit failure, never waited for with a limit of 0.
		await expect(pages.next()).rejects.toMatchObject({ name: 'XApiFailure', failure: { kind: 'rate-limited' } });
	} finally {
		emu.setRateLimitProfile('launch');
	}
});

test('includes and events are typed models of the answer', async () => {
	seed(3);
	const qs = { expansions: ['sender_id'], 'dm_event.fields': ['id', 'event_type', 'text', 'sender_id', 'created_at'], 'user.fields': ['id', 'name', 'username'] };
	const pages = await collect(dmEventPages(api, { path: '/2/dm_events', qs }));
	const [event] = pages[0].events;
	expect(event).toMatchObject({ event_type: 'MessageCreate', sender_id: bob.id, text: 'message 2' });
	expect(pages[0].includes.users).toEqual([expect.objectContaining({ id: bob.id, username: 'bob' })]);
});
