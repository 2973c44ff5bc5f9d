'use strict';

// X API v2 DM emulator: `const emu = await startEmulator({ seed: 'demo' })`, then point a client at emu.url.
const { createClock } = require('./clock');
const store = require('./store');
const { createFaults } = require('./faults');
const { createRequestLog } = require('./request-log');
const { createRouter } = require('./router');
const { createServer } = require('./server');
const { loadApi } = require('./validation');
const { DEFAULT_OPTIONS, START_ONLY_OPTIONS } = require('./options');
const { snapshotOf } = require('./attachments');
const { seedDemo } = require('./demo-data');
const auth = require('./auth');
const { createRateLimiter } = require('./rate-limits');
const oauthRoutes = require('./oauth-routes');
const media = require('./media');
const dmRoutes = require('./routes/dm');
const userRoutes = require('./routes/users');
const specRoutes = require('./routes/spec');

// Ground-truth view of a stored event (what happened, regardless of who may see it).
function publicEvent(event) {
	const copy = { ...event, created_at: new Date(event.created_at).toISOString(), deletedFor: [...event.deletedFor] };
	// Internal bookkeeping, not part of the event.
	delete copy.linkedPosts;
	delete copy.media;
	return copy;
}

class Emulator {
	constructor({ port = 0, host = '127.0.0.1', now, ...options } = {}) {
		this.host = host;
		this.requestedPort = port;
		this.port = undefined;
		const unknown = Object.keys(options).filter((name) => !(name in DEFAULT_OPTIONS));
		if (unknown.length) throw new store.EmulatorError(`unknown option ${unknown.join(', ')}`);
		const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
		this.options = { ...DEFAULT_OPTIONS, ...given };
		this.clock = createClock({ now });
		this.faults = createFaults();
		this.requestLogStore = createRequestLog();
		this.router = createRouter([...dmRoutes, ...userRoutes, ...specRoutes, ...oauthRoutes, ...media.routes]);
		this.rateLimiter = createRateLimiter({ clock: this.clock, profile: this.options.rateLimitProfile });
		this.resetState();
	}

	resetState() {
		this.state = store.createState(this.clock);
		this.responseViolations = [];
		this.internalErrors = [];
		this.demo = this.options.seed === 'demo' ? seedDemo(this) : undefined;
	}

	get url() {
		return `http://${this.host}:${this.port}`;
	}

	get requestLog() {
		return this.requestLogStore.entries();
	}

	async start() {
		this.api = await loadApi();
		this.server = createServer(this);
		await new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.requestedPort, this.host, resolve);
		});
		this.port = this.server.address().port;
		return this;
	}

	async close() {
		if (!this.server) return;
		const server = this.server;
		this.server = undefined;
		await new Promise((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}

	// ---- users and blocks ----

	addUser(input) {
		return store.addUser(this.state, this.clock, input);
	}

	getUser(userId) {
		return store.getUser(this.state, userId);
	}

	block(userId, blockedId) {
		store.block(this.state, String(userId), String(blockedId));
	}

	unblock(userId, blockedId) {
		store.unblock(this.state, String(userId), String(blockedId));
	}

	// ---- acting as a user (no policy checks, no rate limits: this is ground-truth injection) ----

	attachmentSnapshots(attachments = []) {
		return attachments.map((attachment) => {
			if (attachment.media_key) return { type: 'photo', ...attachment };
			const stored = this.state.media.get(String(attachment.media_id));
			if (!stored) throw new store.EmulatorError(`unknown media ${attachment.media_id}`);
			return snapshotOf(stored);
		});
	}

	sendAs(userId, { to, conversationId, text, attachments } = {}) {
		const senderId = String(userId);
		store.requireUser(this.state, senderId);
		let targetConversation = conversationId;
		if (to !== undefined) {
			store.requireUser(this.state, String(to));
			targetConversation = store.ensureOneToOne(this.state, senderId, String(to), this.clock.now()).id;
		}
		if (targetConversation === undefined) throw new store.EmulatorError('sendAs needs `to` or `conversationId`');
		const event = store.sendToConversation(this.state, {
			senderId,
			conversationId: String(targetConversation),
			text,
			media: this.attachmentSnapshots(attachments),
			atMs: this.clock.now(),
			wrapUrls: this.options.wrapUrls,
		});
		return publicEvent(event);
	}

	createGroupAs(userId, participantIds, text) {
		const creatorId = String(userId);
		store.requireUser(this.state, creatorId);
		participantIds.forEach((id) => store.requireUser(this.state, String(id)));
		const { conversationId, event } = store.createGroup(this.state, {
			creatorId,
			participantIds: participantIds.map(String),
			text,
			atMs: this.clock.now(),
			wrapUrls: this.options.wrapUrls,
		});
		return { conversationId, event: publicEvent(event) };
	}

	joinAs(conversationId, userIds, inviterId) {
		const ids = (Array.isArray(userIds) ? userIds : [userIds]).map(String);
		return publicEvent(store.joinGroup(this.state, { conversationId: String(conversationId), userIds: ids, inviterId, atMs: this.clock.now() }));
	}

	leaveAs(conversationId, userId) {
		return publicEvent(store.leaveGroup(this.state, { conversationId: String(conversationId), userId: String(userId), atMs: this.clock.now() }));
	}

	deleteEventFor(userId, eventId) {
		const event = store.findEvent(this.state, eventId);
		if (!event) throw new store.EmulatorError(`unknown event ${eventId}`);
		event.deletedFor.add(String(userId));
		return true;
	}

	events({ conversationId, includeDeleted = false } = {}) {
		return this.state.events
			.filter((event) => conversationId === undefined || event.dm_conversation_id === String(conversationId))
			.filter((event) => includeDeleted || event.deletedFor.size === 0)
			.map(publicEvent);
	}

	// ---- observation and failure injection ----

	requests() {
		return this.requestLog;
	}

	clearRequests() {
		this.requestLogStore.clear();
	}

	addFault(spec) {
		this.faults.add(spec);
	}

	clearFaults() {
		this.faults.clear();
	}

	setRateLimitProfile(nameOrObject) {
		this.rateLimiter.setProfile(nameOrObject);
		this.options.rateLimitProfile = nameOrObject;
	}

	setUsageCap(cap) {
		if (cap) this.rateLimiter.usageCap.set(cap);
		else this.rateLimiter.usageCap.clear();
	}

	setOption(name, value) {
		if (START_ONLY_OPTIONS.includes(name)) throw new store.EmulatorError(`${name} can only be set when the emulator starts`);
		if (!(name in DEFAULT_OPTIONS)) throw new store.EmulatorError(`unknown option ${name}`);
		// undefined restores the default.
		const effective = value === undefined ? DEFAULT_OPTIONS[name] : value;
		if (name === 'rateLimitProfile') this.setRateLimitProfile(effective);
		else this.options[name] = effective;
	}

	// Fresh state (re-seeded when seed is 'demo'), no faults, empty logs, new rate-limit windows. Options and clock stay.
	reset() {
		this.faults.clear();
		this.requestLogStore.clear();
		this.rateLimiter.reset();
		this.rateLimiter.usageCap.clear();
		this.resetState();
	}

	// ---- credentials (delegated to auth.js) ----

	registerOAuth2Client(options) {
		return auth.registerOAuth2Client(this.state, options);
	}

	issueOAuth2Token(options) {
		return auth.issueOAuth2Token(this.state, this.clock, options);
	}

	issueAppToken(options) {
		return auth.issueAppToken(this.state, options);
	}

	registerOAuth1App(options) {
		return auth.registerOAuth1App(this.state, options);
	}

	issueOAuth1Token(options) {
		return auth.issueOAuth1Token(this.state, options);
	}
}

async function startEmulator(options = {}) {
	return new Emulator(options).start();
}

module.exports = { startEmulator, Emulator, DEFAULT_OPTIONS };
