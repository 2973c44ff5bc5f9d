'use strict';

// Shared setup of the trigger tests: an emulator with a frozen clock, the authenticated account ("me") and a few
// other users, and poll() through the real n8n-core PollContext. The node's notion of "now" (Date.now) follows the
// emulator's clock, so rate-limit resets and the first-run hour window are decided on emulator time.
const { Container } = require('@n8n/di');
const { Logger } = require('@n8n/backend-common');
const { startEmulator } = require('../emulator');
const { isVisibleTo } = require('../emulator/store');
const { loadPackage, poll, credentialSetup, TRIGGER_NODE_TYPE } = require('../helpers/n8n-harness');

const NODE_NAME = 'DM Trigger';
const START_MS = Date.UTC(2026, 2, 1, 12, 0, 0);

// Every fakeable API except Date: timers, sockets and promises keep running in real time.
const REAL_APIS = [
	'hrtime',
	'nextTick',
	'performance',
	'queueMicrotask',
	'requestAnimationFrame',
	'cancelAnimationFrame',
	'requestIdleCallback',
	'cancelIdleCallback',
	'setImmediate',
	'clearImmediate',
	'setInterval',
	'clearInterval',
	'setTimeout',
	'clearTimeout',
];

/**
 * Makes Date (Date.now and new Date, as used by the node and by OAuth 1.0a signing) follow the emulator's frozen
 * clock: the clock's advance/set also move the faked system time.
 */
function useEmulatorTime(emu) {
	jest.useFakeTimers({ doNotFake: REAL_APIS, now: emu.clock.now() });
	const { advance, set } = emu.clock;
	emu.clock.advance = (ms) => {
		const now = advance.call(emu.clock, ms);
		jest.setSystemTime(now);
		return now;
	};
	emu.clock.set = (ms) => {
		const now = set.call(emu.clock, ms);
		jest.setSystemTime(now);
		return now;
	};
	return { mockRestore: () => jest.useRealTimers() };
}

/** Collects the node's logger.warn calls instead of printing them. */
function captureWarnings() {
	const warnings = [];
	const logger = Container.get(Logger);
	const spy = jest.spyOn(logger, 'warn').mockImplementation((message) => warnings.push(String(message)));
	return { warnings, restore: () => spy.mockRestore() };
}

async function createTriggerEnv({ emulatorOptions = {}, others = ['alice', 'bob', 'carol', 'dave'], auth = 'oAuth2' } = {}) {
	// Loaded first: if dist/ is missing, no emulator is left listening (which would keep jest from exiting).
	const loader = await loadPackage();
	const emu = await startEmulator({ now: START_MS, ...emulatorOptions });
	const dateSpy = useEmulatorTime(emu);
	const me = emu.addUser({ username: 'me_account', name: 'Me' });
	const users = Object.fromEntries(others.map((username) => [username, emu.addUser({ username, name: username })]));
	// A long-lived token keeps request counts free of refresh round trips when the clock jumps by days.
	const credentials = credentialSetup(emu, me, auth, auth === 'oAuth2' ? { expiresIn: 400 * 24 * 3600 } : {});

	const node = (parameters = {}) => ({
		id: 'trigger-1',
		name: NODE_NAME,
		type: TRIGGER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { authentication: credentials.authentication, ...parameters },
		credentials: credentials.nodeCredentials,
	});

	/**
	 * A trigger instance: polls with one workflow object (static data kept in memory, like an active workflow), and
	 * keeps a deep copy of the static data after each poll that did not throw (what n8n would have saved).
	 */
	function createTrigger(parameters = {}, { staticData = {}, credentialData = credentials.credentials } = {}) {
		const triggerNode = node(parameters);
		let workflow;
		let saved = JSON.parse(JSON.stringify(staticData));
		// What was saved before the last poll, while that poll emitted nothing (see restart()).
		let savedBeforeIdlePoll;
		const trigger = {
			node: triggerNode,
			get staticData() {
				return workflow ? workflow.staticData[`node:${NODE_NAME}`] : saved[`node:${NODE_NAME}`];
			},
			get savedStaticData() {
				return saved;
			},
			/** One poll; returns the emitted events' json, or null when poll() returned null. */
			async poll({ mode = 'trigger' } = {}) {
				savedBeforeIdlePoll = undefined;
				const outcome = await poll({
					loader,
					node: triggerNode,
					workflow,
					staticData: JSON.parse(JSON.stringify(saved)),
					credentials: credentialData,
					mode,
				});
				workflow = outcome.workflow;
				// Like n8n, keep a refreshed OAuth2 token for the next poll.
				credentialData = outcome.credentialsHelper.credentialsByType;
				// n8n persists static data as JSON after the execution; a copy taken now is what a restart reloads.
				if (mode !== 'manual') {
					savedBeforeIdlePoll = outcome.result === null ? saved : undefined;
					saved = JSON.parse(JSON.stringify(outcome.workflow.staticData));
				}
				return outcome.result === null ? null : outcome.result[0].map((item) => item.json);
			},
			/**
			 * Forgets the in-memory workflow: the next poll starts from the last saved static data. With
			 * `loseLastSave`, the process is taken to have died before saving the last poll's static data, which
			 * is only allowed when that poll emitted nothing (n8n saves after an execution, so a poll whose items
			 * were delivered has its static data saved with them). Returns whether a save was lost.
			 */
			restart({ loseLastSave = false } = {}) {
				workflow = undefined;
				if (!loseLastSave || savedBeforeIdlePoll === undefined) return false;
				saved = savedBeforeIdlePoll;
				savedBeforeIdlePoll = undefined;
				return true;
			},
		};
		return trigger;
	}

	/** Ground truth: events the authenticated account can see now, oldest first, optionally filtered. */
	function visibleEvents(filter = () => true) {
		return emu.state.events
			.filter((event) => isVisibleTo(emu.state, event, me.id, emu.clock.now()))
			.filter(filter)
			.map((event) => event.id);
	}

	/** Requests of the DM event lists made since the last clearRequests(). */
	function listRequests() {
		return emu.requests().filter((entry) => /\/dm_events$/.test(entry.path));
	}

	async function close() {
		dateSpy.mockRestore();
		await emu.close();
	}

	return { emu, me, users, credentials, node, createTrigger, visibleEvents, listRequests, close };
}

module.exports = { createTriggerEnv, captureWarnings, NODE_NAME, START_MS };
