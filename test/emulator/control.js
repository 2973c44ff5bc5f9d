'use strict';

// HTTP control API under /_emulator/: the Emulator's control methods as JSON endpoints with the same names
// (POST with a JSON body; read-only ones also answer GET with query parameters).
const responses = require('./responses');

const COMMANDS = {
	addUser: (emu, args) => emu.addUser(args),
	getUser: (emu, args) => emu.getUser(args.id ?? args.userId) ?? null,
	block: (emu, args) => (emu.block(args.userId, args.blockedId), { blocked: true }),
	unblock: (emu, args) => (emu.unblock(args.userId, args.blockedId), { blocked: false }),
	sendAs: (emu, { userId, ...message }) => emu.sendAs(userId, message),
	createGroupAs: (emu, args) => emu.createGroupAs(args.userId, args.participantIds, args.text),
	joinAs: (emu, args) => emu.joinAs(args.conversationId, args.userIds, args.inviterId),
	leaveAs: (emu, args) => emu.leaveAs(args.conversationId, args.userId),
	deleteEventFor: (emu, args) => ({ deleted: emu.deleteEventFor(args.userId, args.eventId) }),
	events: (emu, args) => emu.events({ conversationId: args.conversationId, includeDeleted: args.includeDeleted === true || args.includeDeleted === 'true' }),
	requests: (emu) => emu.requests(),
	clearRequests: (emu) => (emu.clearRequests(), { cleared: true }),
	// Over HTTP a fault `path` starting with "^" (or a `pathRegex`) is a regular expression.
	addFault: (emu, args) => (emu.addFault(args), { faults: emu.faults.list() }),
	clearFaults: (emu) => (emu.clearFaults(), { faults: [] }),
	faults: (emu) => emu.faults.list(),
	clock: (emu, args) => {
		if (args.set !== undefined) emu.clock.set(Number(args.set));
		if (args.advance !== undefined) emu.clock.advance(Number(args.advance));
		return { now: emu.clock.now(), iso: new Date(emu.clock.now()).toISOString(), ticking: emu.clock.ticking };
	},
	setRateLimitProfile: (emu, args) => (emu.setRateLimitProfile(args.profile ?? args), { profile: emu.options.rateLimitProfile }),
	setUsageCap: (emu, args) => (emu.setUsageCap(args && args.period !== undefined ? args : null), { usageCap: args && args.period !== undefined ? args : null }),
	setOption: (emu, args) => (emu.setOption(args.name, args.value), { options: emu.options }),
	options: (emu) => emu.options,
	reset: (emu) => (emu.reset(), { reset: true }),
	violations: (emu) => emu.responseViolations,
	demo: (emu) => emu.demo ?? null,
	registerOAuth2Client: (emu, args) => emu.registerOAuth2Client(args),
	issueOAuth2Token: (emu, args) => emu.issueOAuth2Token(args),
	issueAppToken: (emu, args) => ({ access_token: emu.issueAppToken(args), token_type: 'bearer' }),
	registerOAuth1App: (emu, args) => emu.registerOAuth1App(args),
	issueOAuth1Token: (emu, args) => emu.issueOAuth1Token(args),
};

const READ_ONLY = new Set(['getUser', 'events', 'requests', 'faults', 'clock', 'options', 'violations', 'demo']);

// Sets and Maps become arrays/objects so users and other records serialize.
function toJson(value) {
	return JSON.parse(JSON.stringify(value ?? null, (key, item) => (item instanceof Set ? [...item] : item instanceof Map ? Object.fromEntries(item) : item)));
}

async function handleControl(emulator, ctx) {
	const name = ctx.path.replace(/^\/_emulator\/?/, '').replace(/\/$/, '');
	if (name === '') return responses.json(200, { commands: Object.keys(COMMANDS), readOnly: [...READ_ONLY] });
	const command = COMMANDS[name];
	if (!command) return responses.json(404, { error: `unknown control command ${name}` });
	if (ctx.method === 'GET' && !READ_ONLY.has(name)) return responses.json(405, { error: `${name} needs POST` });
	if (ctx.method !== 'GET' && ctx.method !== 'POST') return responses.json(405, { error: 'use GET or POST' });
	if (ctx.method === 'POST' && ctx.rawBody.length && ctx.json === undefined) {
		return responses.json(400, { error: 'control requests take a JSON body (content-type: application/json)' });
	}
	const args = ctx.method === 'GET' ? ctx.query : (ctx.json ?? {});
	try {
		return responses.json(200, toJson(await command(emulator, args)));
	} catch (error) {
		return responses.json(400, { error: error.message });
	}
}

module.exports = { handleControl, COMMANDS };
