// Rate limits judged on the server's clock, through n8n-core against the emulator: the wait for a reset is counted
// from the server's Date header, not from the local clock. How headers become a wait on their own is tested in
// classify.test.ts; how the node behaves around rate limits in test/suites/rate-limits.test.ts.
import { apiRequests, runAction, sendToUser, useEmulator } from '../../../fixtures/x-node';

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
