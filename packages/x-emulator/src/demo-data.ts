// Demo world for `npm run emulator` and `seed: 'demo'`: five users, two 1:1 conversations and a group with about
// two weeks of history (plus one event older than the 30-day window, which the API must not return).
import * as auth from './auth';
import type { Clock } from './clock';
import type { MediaSnapshot, State, StoredUser } from './state';
import * as store from './store';
import type { DmPolicy, OAuth1AppInput, OAuth2ClientInput, UserInput } from './types';
import type { XOAuth1TokenResponse, XOAuth2TokenResponse } from './x-types';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

type DemoUserKey = 'alice' | 'bob' | 'carol' | 'dave' | 'erin';

export const DEMO_USERS: Readonly<Record<DemoUserKey, UserInput & { id: string }>> = {
	alice: { id: '944480690', username: 'alice_dm', name: 'Alice Example', description: 'Runs the n8n automations.', following: ['906948460078698496', '1466796521412771840'] },
	bob: { id: '906948460078698496', username: 'bob_builder', name: 'Bob Builder', following: ['944480690'] },
	carol: { id: '1466796521412771840', username: 'carol_c', name: 'Carol Chen', dmPolicy: 'following', following: ['944480690'] },
	dave: { id: '1584100721111111111', username: 'dave_nodm', name: 'Dave Closed', dmPolicy: 'none' },
	erin: { id: '2244994945', username: 'erin_support', name: 'Erin Support', verified: true, following: ['944480690'] },
};

/** The demo X app: its OAuth 2.0 client and its API Key (OAuth 1.0a consumer) belong to it. */
export const DEMO_APP_ID = 'demo-app';
export const DEMO_OAUTH2_CLIENT: Readonly<Required<Pick<OAuth2ClientInput, 'clientId' | 'clientSecret' | 'redirectUris' | 'confidential' | 'appId'>>> = {
	appId: DEMO_APP_ID,
	clientId: 'demo-client-id',
	clientSecret: 'demo-client-secret',
	redirectUris: ['http://localhost:5678/rest/oauth2-credential/callback'],
	confidential: true,
};
export const DEMO_OAUTH1_APP: Readonly<Required<Pick<OAuth1AppInput, 'consumerKey' | 'consumerSecret' | 'permission' | 'appId'>>> = {
	appId: DEMO_APP_ID,
	consumerKey: 'demo-consumer-key',
	consumerSecret: 'demo-consumer-secret',
	permission: 'read-write-dm',
};
export const DEMO_SCOPES: readonly string[] = ['tweet.read', 'users.read', 'dm.read', 'dm.write', 'media.write', 'offline.access'];

/** What a client needs to talk to the demo world (emu.demo, GET /_emulator/demo). */
export interface DemoInfo {
	users: Record<DemoUserKey, { id: string; username: string; name: string; dmPolicy: DmPolicy }>;
	groupConversationId: string;
	oauth2Client: typeof DEMO_OAUTH2_CLIENT;
	oauth1App: typeof DEMO_OAUTH1_APP;
	scopes: readonly string[];
	/** Tokens of alice and bob. */
	tokens: Record<'alice' | 'bob', { oauth2: XOAuth2TokenResponse; oauth1: XOAuth1TokenResponse }>;
}

type Step =
	| { daysAgo: number; send: [StoredUser, StoredUser, string, MediaSnapshot?] }
	| { daysAgo: number; group: [StoredUser, StoredUser[], string] }
	| { daysAgo: number; groupSend: [StoredUser, string] }
	| { daysAgo: number; join: [StoredUser, StoredUser[]] }
	| { daysAgo: number; leave: [StoredUser] };

// Ordered history; `daysAgo` can be fractional. Applied oldest first so event ids follow time.
function timeline({ alice, bob, carol, erin }: Record<DemoUserKey, StoredUser>): Step[] {
	return [
		{ daysAgo: 40, send: [erin, alice, 'This one is older than 30 days and must not be listed.'] },
		{ daysAgo: 14, send: [alice, bob, 'Hi Bob! Trying out DMs from n8n #automation'] },
		{ daysAgo: 13.9, send: [bob, alice, 'Nice. Ping @carol_c too, she wanted to see it.'] },
		{ daysAgo: 12, send: [alice, carol, 'Hey Carol, Bob said you wanted the workflow link: https://n8n.io/workflows'] },
		{ daysAgo: 11.5, send: [carol, alice, 'Thanks! Watching $TWTR while it runs :)'] },
		{ daysAgo: 10, group: [alice, [bob, carol], 'Project room: let us keep the rollout here.'] },
		{ daysAgo: 9, groupSend: [bob, 'Posting the launch thread: https://x.com/XDevelopers/status/1578900353814519810'] },
		{ daysAgo: 7, send: [bob, alice, 'Photo of the whiteboard', { media_key: '3_1580000000000000001', type: 'photo', width: 1200, height: 800 }] },
		{ daysAgo: 5, join: [bob, [erin]] },
		{ daysAgo: 4.9, groupSend: [erin, 'Hi all, Erin from support here.'] },
		{ daysAgo: 2, leave: [carol] },
		{ daysAgo: 1, send: [alice, bob, 'Shipping tomorrow 🚀'] },
		{ daysAgo: 0.05, send: [bob, alice, 'Ready when you are.'] },
	];
}

function applyStep(state: State, step: Step, atMs: number, group: { id: string }): void {
	if ('send' in step) {
		const [sender, recipient, text, media] = step.send;
		const conversation = store.ensureOneToOne(state, sender.id, recipient.id, atMs);
		store.messageEvent(state, { senderId: sender.id, conversationId: conversation.id, text, media: media ? [media] : [], atMs });
	} else if ('group' in step) {
		const [creator, others, text] = step.group;
		group.id = store.createGroup(state, { creatorId: creator.id, participantIds: others.map((user) => user.id), text, atMs }).conversationId;
	} else if ('groupSend' in step) {
		const [sender, text] = step.groupSend;
		store.sendToConversation(state, { senderId: sender.id, conversationId: group.id, text, atMs });
	} else if ('join' in step) {
		const [inviter, joining] = step.join;
		store.joinGroup(state, { conversationId: group.id, userIds: joining.map((user) => user.id), inviterId: inviter.id, atMs });
	} else {
		store.leaveGroup(state, { conversationId: group.id, userId: step.leave[0].id, atMs });
	}
}

function demoTokens(state: State, clock: Clock, user: StoredUser, key: 'alice' | 'bob') {
	return {
		oauth2: auth.issueOAuth2Token(state, clock, { userId: user.id, clientId: DEMO_OAUTH2_CLIENT.clientId, scopes: [...DEMO_SCOPES], expiresIn: 30 * 24 * 3600 }),
		oauth1: auth.issueOAuth1Token(state, {
			consumerKey: DEMO_OAUTH1_APP.consumerKey,
			userId: user.id,
			oauthToken: `${user.id}-demoAccessToken${key}`,
			oauthTokenSecret: `demoAccessTokenSecret${key}`,
		}),
	};
}

/** Seeds the state; returns what a client needs to talk to it (ids, credentials, tokens). */
export function seedDemo(state: State, clock: Clock): DemoInfo {
	const now = clock.now();
	const add = (key: DemoUserKey) => store.addUser(state, clock, DEMO_USERS[key]);
	const users: Record<DemoUserKey, StoredUser> = { alice: add('alice'), bob: add('bob'), carol: add('carol'), dave: add('dave'), erin: add('erin') };
	const group = { id: '' };
	for (const step of timeline(users)) applyStep(state, step, now - step.daysAgo * DAY_MS, group);

	auth.registerOAuth2Client(state, DEMO_OAUTH2_CLIENT);
	auth.registerOAuth1App(state, DEMO_OAUTH1_APP);
	const summary = (user: StoredUser) => ({ id: user.id, username: user.username, name: user.name, dmPolicy: user.dmPolicy });
	return {
		users: { alice: summary(users.alice), bob: summary(users.bob), carol: summary(users.carol), dave: summary(users.dave), erin: summary(users.erin) },
		groupConversationId: group.id,
		oauth2Client: DEMO_OAUTH2_CLIENT,
		oauth1App: DEMO_OAUTH1_APP,
		scopes: DEMO_SCOPES,
		tokens: { alice: demoTokens(state, clock, users.alice, 'alice'), bob: demoTokens(state, clock, users.bob, 'bob') },
	};
}
