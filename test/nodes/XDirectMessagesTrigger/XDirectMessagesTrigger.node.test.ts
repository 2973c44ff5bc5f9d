// The trigger node with each of its authentication kinds.
import { eventIds, useTriggerEnv } from '../../fixtures/trigger';

const env = useTriggerEnv();

test('OAuth 1.0a works the same way', async () => {
	const { me, users } = env;
	const trigger = env.createTrigger({}, { credentials: env.auth('oAuth1') });
	expect(await trigger.poll()).toBeNull();
	const fresh = env.send(users.alice, me, 'signed');
	expect(eventIds(await trigger.poll())).toEqual([fresh.id]);
	expect(env.requests().every((entry) => entry.headers.authorization === 'OAuth')).toBe(true);
});
