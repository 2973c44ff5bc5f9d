// X's clock and the reset X announces, read once from the headers of an answer: the waits of both nodes and the
// trigger's pauses are measured on X's clock, and a reset no real window can have is reported, not trusted.
// Through n8n-core against the emulator, the action node's wait is counted from the server's Date header too; how
// the node behaves around rate limits otherwise is in test/suites/rate-limits.test.ts.
import { announcedReset, readRateLimit, serverNowMs } from '../../../../nodes/shared/transport';
import { apiRequests, runAction, sendToUser, useEmulator } from '../../../fixtures/x-node';

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const date = (ms: number) => new Date(ms).toUTCString();

describe('serverNowMs', () => {
	test('is the Date header when the host clock runs ahead of or behind it', () => {
		expect(serverNowMs({ date: date(NOW) }, NOW + 3 * 3600_000)).toBe(NOW);
		expect(serverNowMs({ date: date(NOW) }, NOW - 3 * 3600_000)).toBe(NOW);
	});

	test("is the host's reading when it agrees with the Date header's whole second, or when there is none", () => {
		expect(serverNowMs({ date: date(NOW) }, NOW + 999)).toBe(NOW + 999);
		expect(serverNowMs({ date: date(NOW) }, NOW + 1000)).toBe(NOW);
		expect(serverNowMs({}, NOW + 123)).toBe(NOW + 123);
		expect(serverNowMs({ date: 'not a date' }, NOW + 123)).toBe(NOW + 123);
	});
});

describe('announcedReset', () => {
	const limited = (reset: string, extra: Record<string, string> = {}) => ({
		date: date(NOW),
		'x-rate-limit-remaining': '0',
		'x-rate-limit-reset': reset,
		...extra,
	});

	test('the wait is measured on X\'s clock, whatever the host clock says', () => {
		const headers = limited(String(NOW / 1000 + 900));
		expect(announcedReset(headers, NOW - 3 * 3600_000)).toEqual({ resetAtMs: NOW + 900_000, waitMs: 900_000 });
		expect(announcedReset(headers, NOW + 3 * 3600_000)).toEqual({ resetAtMs: NOW + 900_000, waitMs: 900_000 });
		// A reset already past: no wait.
		expect(announcedReset(limited(String(NOW / 1000 - 5)), NOW)).toEqual({ resetAtMs: NOW - 5000, waitMs: 0 });
	});

	test('the latest exhausted window wins; a window with requests left does not count', () => {
		const headers = limited(String(NOW / 1000 + 900), {
			'x-rate-limit-remaining': '3',
			'x-user-limit-24hour-remaining': '0',
			'x-user-limit-24hour-reset': String(NOW / 1000 + 6 * 3600),
		});
		expect(announcedReset(headers, NOW)).toEqual({ resetAtMs: NOW + 6 * 3600_000, waitMs: 6 * 3600_000 });
	});

	test('a reset further ahead than X\'s longest window (24 hours) is reported as implausible', () => {
		expect(announcedReset(limited('100000000000000'), NOW)).toEqual({
			implausible: { header: 'x-rate-limit-reset', value: '100000000000000' },
		});
		expect(announcedReset(limited(String(NOW / 1000 + 25 * 3600)), NOW).implausible).toBeDefined();
		expect(announcedReset(limited(String(NOW / 1000 + 24 * 3600)), NOW)).toEqual({ resetAtMs: NOW + 24 * 3600_000, waitMs: 24 * 3600_000 });
		expect(readRateLimit(limited('1e300'))).toEqual({ exhausted: true, implausible: { header: 'x-rate-limit-reset', value: '1e300' } });
	});

	test('no reset header, or a window with requests left: nothing announced', () => {
		expect(announcedReset({ date: date(NOW) }, NOW)).toEqual({});
		expect(readRateLimit({ 'x-rate-limit-remaining': '5', 'x-rate-limit-reset': String(NOW / 1000 + 900) })).toEqual({ exhausted: false });
	});
});

describe('through n8n-core against the emulator', () => {
	// A frozen emulator clock far from wall time: only the server's Date header can give the right wait.
	const SERVER_NOW = Date.UTC(2021, 5, 1, 12, 0, 0);

	const x = useEmulator({ now: SERVER_NOW });

	test('the wait is reset minus the Date header, and the reset travels on the error as data', async () => {
		const { emu, people } = x;
		emu.setRateLimitProfile({ base: 'launch', dmPost: { user15: 1, user24: 1000, app24: 15000, dayHeaders: true } });
		const setup = x.auth('oAuth2');
		expect((await runAction({ setup, parameters: sendToUser(people.bob.id, { text: 'one' }) })).error).toBeUndefined();
		const { error } = await runAction({ setup, parameters: sendToUser(people.bob.id, { text: 'two' }) });
		const resetMs = SERVER_NOW + 15 * 60 * 1000;
		expect(error?.message).toBe(`X rate limit reached: the limit resets at ${new Date(resetMs).toISOString()} (in 900 s; Max Rate-Limit Wait is 60 s)`);
		expect(error).toMatchObject({ httpCode: '429' });
		expect(error?.context.rateLimitResetMs).toBe(resetMs);
		// No waiting and no repeat: the second send was refused once.
		expect(apiRequests(emu).map((request) => request.status)).toEqual([201, 429]);
	});
});
