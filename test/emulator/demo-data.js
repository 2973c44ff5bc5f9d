'use strict';

// Demo world for `npm run emulator` and `seed: 'demo'`: five users, two 1:1 conversations and a group with about
// two weeks of history (plus one event older than the 30-day window, which the API must not return).
const store = require('./store');
const auth = require('./auth');

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

const DEMO_USERS = {
	alice: { id: '944480690', username: 'alice_dm', name: 'Alice Example', description: 'Runs the n8n automations.', following: ['906948460078698496', '1466796521412771840'] },
	bob: { id: '906948460078698496', username: 'bob_builder', name: 'Bob Builder', following: ['944480690'] },
	carol: { id: '1466796521412771840', username: 'carol_c', name: 'Carol Chen', dmPolicy: 'following', following: ['944480690'] },
	dave: { id: '1584100721111111111', username: 'dave_nodm', name: 'Dave Closed', dmPolicy: 'none' },
	erin: { id: '2244994945', username: 'erin_support', name: 'Erin Support', verified: true, following: ['944480690'] },
};

const DEMO_OAUTH2_CLIENT = {
	clientId: 'demo-client-id',
	clientSecret: 'demo-client-secret',
	redirectUris: ['http://localhost:5678/rest/oauth2-credential/callback'],
	confidential: true,
};
const DEMO_OAUTH1_APP = { consumerKey: 'demo-consumer-key', consumerSecret: 'demo-consumer-secret', permission: 'read-write-dm' };
const DEMO_SCOPES = ['tweet.read', 'users.read', 'dm.read', 'dm.write', 'media.write', 'offline.access'];

// Ordered history; `daysAgo` can be fractional. Applied oldest first so event ids follow time.
function timeline({ alice, bob, carol, erin }) {
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

function applyStep(state, step, atMs, group) {
	if (step.send) {
		const [sender, recipient, text, media] = step.send;
		const conversation = store.ensureOneToOne(state, sender.id, recipient.id, atMs);
		store.messageEvent(state, { senderId: sender.id, conversationId: conversation.id, text, media: media ? [media] : [], atMs });
	} else if (step.group) {
		const [creator, others, text] = step.group;
		group.id = store.createGroup(state, { creatorId: creator.id, participantIds: others.map((user) => user.id), text, atMs }).conversationId;
	} else if (step.groupSend) {
		const [sender, text] = step.groupSend;
		store.sendToConversation(state, { senderId: sender.id, conversationId: group.id, text, atMs });
	} else if (step.join) {
		const [inviter, joining] = step.join;
		store.joinGroup(state, { conversationId: group.id, userIds: joining.map((user) => user.id), inviterId: inviter.id, atMs });
	} else if (step.leave) {
		store.leaveGroup(state, { conversationId: group.id, userId: step.leave[0].id, atMs });
	}
}

// Seeds emulator.state; returns what a client needs to talk to it (ids, credentials, tokens).
function seedDemo(emulator) {
	const { state, clock } = emulator;
	const now = clock.now();
	const users = {};
	for (const [key, input] of Object.entries(DEMO_USERS)) users[key] = store.addUser(state, clock, input);
	const group = {};
	for (const step of timeline(users)) applyStep(state, step, now - step.daysAgo * DAY_MS, group);

	auth.registerOAuth2Client(state, DEMO_OAUTH2_CLIENT);
	auth.registerOAuth1App(state, DEMO_OAUTH1_APP);
	const tokens = {};
	for (const key of ['alice', 'bob']) {
		tokens[key] = {
			oauth2: auth.issueOAuth2Token(state, clock, { userId: users[key].id, clientId: DEMO_OAUTH2_CLIENT.clientId, scopes: DEMO_SCOPES, expiresIn: 30 * 24 * 3600 }),
			oauth1: auth.issueOAuth1Token(state, {
				consumerKey: DEMO_OAUTH1_APP.consumerKey,
				userId: users[key].id,
				oauthToken: `${users[key].id}-demoAccessToken${key}`,
				oauthTokenSecret: `demoAccessTokenSecret${key}`,
			}),
		};
	}
	return {
		users: Object.fromEntries(Object.entries(users).map(([key, user]) => [key, { id: user.id, username: user.username, name: user.name, dmPolicy: user.dmPolicy }])),
		groupConversationId: group.id,
		oauth2Client: DEMO_OAUTH2_CLIENT,
		oauth1App: DEMO_OAUTH1_APP,
		scopes: DEMO_SCOPES,
		tokens,
	};
}

module.exports = { seedDemo, DEMO_USERS, DEMO_OAUTH2_CLIENT, DEMO_OAUTH1_APP, DEMO_SCOPES };
