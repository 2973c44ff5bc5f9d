'use strict';
// Programmatic entry point: n8n itself loads the compiled files listed in package.json "n8n", not this file.
module.exports = {
	XDirectMessages: require('./dist/nodes/XDirectMessages/XDirectMessages.node.js').XDirectMessages,
	XDirectMessagesTrigger: require('./dist/nodes/XDirectMessagesTrigger/XDirectMessagesTrigger.node.js')
		.XDirectMessagesTrigger,
	XDmOAuth2Api: require('./dist/credentials/XDmOAuth2Api.credentials.js').XDmOAuth2Api,
	XDmOAuth1Api: require('./dist/credentials/XDmOAuth1Api.credentials.js').XDmOAuth1Api,
};
