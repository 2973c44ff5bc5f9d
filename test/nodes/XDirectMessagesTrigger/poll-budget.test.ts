// A host that bounds how long a poll may take (n8n's poll budget): a backlog larger than one poll may fetch is
// emitted over several polls, each within its budget, in order and once.
import { eventIds, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();

test('a backlog larger than one poll may fetch is emitted over several polls, in order', async () => {
	const { emu, me, users } = env;
	// Pages of 100 (Cost-Aware Page Sizes off): the request counts below are those of full pages.
	const trigger = env.createTrigger({ options: { costAwarePages: false } });
	expect(await trigger.poll()).toBeNull();
	const fresh = env.sendMany(users.bob, me, 450, 'backlog');
	emu.clearRequests();
	const emitted: string[] = [];
	let polls = 0;
	while (emitted.length < fresh.length && polls < 30) {
		// A host that allows no time beyond the first page of each poll.
		emitted.push(...eventIds(await trigger.poll({ budgetMs: 0 })));
		polls++;
		expect(env.listRequests().length).toBeLessThanOrEqual(polls);
	}
	expect(emitted).toEqual(eventIds(fresh));
	expect(polls).toBeLessThanOrEqual(10);
});
