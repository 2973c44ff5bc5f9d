// "Continue on fail" (onError: continueRegularOutput): a failing item becomes an error item paired to its input and
// the other items still run; without it the first failing item stops the node.
import { messages, runAction, sendToUser, useEmulator } from '../fixtures/x-node';

const x = useEmulator();

test('API errors become error items paired to their input; the other items are sent', async () => {
	const { people, emu } = x;
	emu.block(people.carol.id, people.alice.id);
	const input = [people.bob, people.carol, people.dave].map((user) => ({ json: { to: user.id } }));
	const { error, items } = await runAction({ setup: x.auth('oAuth2'), input, continueOnFail: true, parameters: sendToUser('={{ $json.to }}') });
	expect(error).toBeUndefined();
	expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(items[1].json).toEqual({
		error: 'The recipient does not accept Direct Messages from you',
		description: expect.stringContaining('You cannot send messages to this user.'),
		httpCode: '403',
	});
	expect(items[0].json.recipient_id).toBe(people.bob.id);
	expect(items[2].json.recipient_id).toBe(people.dave.id);
	expect(messages(emu)).toHaveLength(2);
});

test('without it the first failing item stops the node and the error names the item', async () => {
	const { people, emu } = x;
	emu.block(people.carol.id, people.alice.id);
	const input = [people.bob, people.carol, people.dave].map((user) => ({ json: { to: user.id } }));
	const { error } = await runAction({ setup: x.auth('oAuth2'), input, parameters: sendToUser('={{ $json.to }}') });
	expect(error?.message).toBe('The recipient does not accept Direct Messages from you');
	expect(error?.context.itemIndex).toBe(1);
	expect(messages(emu)).toHaveLength(1);
});

test('with "continue on fail" each bad item becomes an error item paired to its input, good items still run', async () => {
	const { people, emu } = x;
	const input = [{ json: { to: people.bob.id } }, { json: { to: 'nobody!' } }, { json: { to: people.bob.id } }];
	const { error, items } = await runAction({
		setup: x.auth('oAuth2'),
		input,
		continueOnFail: true,
		parameters: sendToUser('={{ $json.to }}', { text: '={{ "for " + $json.to }}' }),
	});
	expect(error).toBeUndefined();
	expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(items[0].json.dm_event_id).toEqual(expect.any(String));
	expect(items[1].json.error).toContain('Recipient');
	expect(items[2].json.dm_event_id).toEqual(expect.any(String));
	expect(emu.requests().filter((request: { method: string }) => request.method === 'POST')).toHaveLength(2);
});
