'use strict';

// Shortcuts for running the X Direct Messages action node against the emulator through the n8n-core harness.
const { ACTION_NODE_TYPE, credentialSetup, runWorkflow } = require('./n8n-harness');

const NODE_NAME = 'X DM';

/** A resource locator value as the editor stores it. */
function rl(mode, value) {
	return { __rl: true, mode, value };
}

function actionNode(parameters, setup, { name = NODE_NAME, continueOnFail = false } = {}) {
	return {
		id: 'x-dm-node',
		name,
		type: ACTION_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { authentication: setup.authentication, ...parameters },
		credentials: setup.nodeCredentials,
		...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
	};
}

/**
 * Runs the action node once. `setup` comes from credentialSetup(); returns the harness result plus `items`
 * (INodeExecutionData with pairedItem) and `json` of the node's output.
 */
async function runAction({ setup, parameters, input, continueOnFail = false, staticData, mode }) {
	const node = actionNode(parameters, setup, { continueOnFail });
	const result = await runWorkflow({ nodes: [node], credentials: setup.credentials, input, staticData, mode });
	return { ...result, items: result.itemsOf(NODE_NAME), json: result.outputOf(NODE_NAME) };
}

/** Users most tests need: alice (the authenticated user), bob, carol and dave. */
function addPeople(emu) {
	return {
		alice: emu.addUser({ username: 'alice', name: 'Alice' }),
		bob: emu.addUser({ username: 'bob', name: 'Bob' }),
		carol: emu.addUser({ username: 'carol', name: 'Carol' }),
		dave: emu.addUser({ username: 'dave', name: 'Dave' }),
	};
}

/** Only the requests the node made to the X API (the emulator also logs OAuth token calls). */
function apiRequests(emu) {
	return emu.requests().filter((request) => request.path.startsWith('/2/') && !request.path.startsWith('/2/oauth2/'));
}

module.exports = { NODE_NAME, rl, actionNode, runAction, addPeople, apiRequests, credentialSetup };
