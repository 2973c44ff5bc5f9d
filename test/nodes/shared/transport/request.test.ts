// The transport's request loop (xApiRequest) through n8n-core against the emulator: failures without a usable answer
// (connection resets, refused connections) and which of them are repeated. The classification of network errors on
// its own is tested in network.test.ts, the wait for a rate limit on the server's clock in rate-limits.test.ts.
import net, { type AddressInfo } from 'net';

import { apiRequests, messages, runAction, sendToUser, useEmulator } from '../../../fixtures/x-node';

const x = useEmulator();

/** A port on 127.0.0.1 where nothing listens (a server bound it, then closed). */
async function closedPort(): Promise<number> {
	return await new Promise((resolve) => {
		const server = net.createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

test('a GET whose response is cut short is repeated once', async () => {
	const { emu, people } = x;
	const sent = emu.sendAs(people.bob.id, { to: people.alice.id, text: 'hi' });
	emu.addFault({ method: 'GET', path: `/2/dm_events/${sent.id}`, reset: 'during' });
	const { error, json } = await runAction({ setup: x.auth('oAuth2'), parameters: { resource: 'event', operation: 'get', eventId: sent.id } });
	expect(error).toBeUndefined();
	expect(json[0].id).toBe(sent.id);
	expect(apiRequests(emu)).toHaveLength(2);
});

test('a GET cut short twice names the reset', async () => {
	const { emu, people } = x;
	const sent = emu.sendAs(people.bob.id, { to: people.alice.id, text: 'hi' });
	emu.addFault({ method: 'GET', path: `/2/dm_events/${sent.id}`, reset: 'during', times: 2 });
	const { error } = await runAction({ setup: x.auth('oAuth1'), parameters: { resource: 'event', operation: 'get', eventId: sent.id } });
	expect(error?.message).toBe(`Could not reach X: the connection was reset (GET /2/dm_events/${sent.id})`);
	expect(error?.description).toContain('tried twice');
	expect(apiRequests(emu)).toHaveLength(2);
});

test('a send whose response is cut short is not repeated and says it may have been sent', async () => {
	const { emu, people } = x;
	emu.addFault({ method: 'POST', path: '/2/dm_conversations/with/', reset: 'during' });
	const { error } = await runAction({ setup: x.auth('oAuth2'), parameters: sendToUser(people.bob.id) });
	expect(error?.message).toBe('The Direct Message may or may not have been sent: the connection was reset');
	expect(apiRequests(emu).filter((request) => request.method === 'POST')).toHaveLength(1);
	expect(messages(emu)).toHaveLength(1);
});

test('a refused connection never reached X: even a send is tried a second time', async () => {
	const { emu, people } = x;
	const setup = x.auth('oAuth1');
	setup.data.baseUrl = `http://127.0.0.1:${await closedPort()}`;
	const { error } = await runAction({ setup, parameters: sendToUser(people.bob.id) });
	expect(error?.message).toMatch(/^Could not reach X: the connection was refused \(POST \/2\/dm_conversations\/with\/\d+\/messages\)$/);
	expect(error?.description).toContain('tried twice');
	expect(messages(emu)).toHaveLength(0);
});
