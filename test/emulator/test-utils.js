'use strict';

// Helpers for tests that talk to the emulator over real HTTP (undici).
const { request } = require('undici');
const { startEmulator } = require('./index');

const START_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const ALL_SCOPES = ['tweet.read', 'users.read', 'dm.read', 'dm.write', 'media.write', 'offline.access'];
const TEST_CLIENT_ID = 'test-client';
const TEST_CONSUMER_KEY = 'test-consumer-key';

// Frozen clock and response validation on, so every test run also checks the emulator against the spec.
async function startTestEmulator(options = {}) {
	const emu = await startEmulator({ now: START_MS, validateResponses: true, ...options });
	emu.registerOAuth2Client({ clientId: TEST_CLIENT_ID, clientSecret: 'test-secret', redirectUris: ['http://localhost/callback'], confidential: true });
	emu.registerOAuth1App({ consumerKey: TEST_CONSUMER_KEY, consumerSecret: 'test-consumer-secret', permission: 'read-write-dm' });
	return emu;
}

// Long enough that tests moving the clock by weeks keep a valid token (expiry itself is tested in auth.test.js).
const TOKEN_LIFETIME_S = 90 * 24 * 3600;

function tokenFor(emu, userId, scopes = ALL_SCOPES) {
	return emu.issueOAuth2Token({ userId, clientId: TEST_CLIENT_ID, scopes, expiresIn: TOKEN_LIFETIME_S }).access_token;
}

// Adds a user and issues an OAuth 2.0 user token for it.
function createUserWithToken(emu, { scopes = ALL_SCOPES, ...userInput }) {
	const user = emu.addUser(userInput);
	return { user, token: tokenFor(emu, user.id, scopes) };
}

// -> { status, headers, body } where body is parsed JSON when the response is JSON.
async function call(emu, method, path, { token, json, body, headers = {} } = {}) {
	const requestHeaders = { ...headers };
	if (token) requestHeaders.authorization = `Bearer ${token}`;
	let payload = body;
	if (json !== undefined) {
		payload = JSON.stringify(json);
		requestHeaders['content-type'] = requestHeaders['content-type'] || 'application/json';
	}
	const response = await request(`${emu.url}${path}`, { method, headers: requestHeaders, body: payload });
	const text = await response.body.text();
	const contentType = String(response.headers['content-type'] || '');
	const parsed = contentType.includes('json') && text ? JSON.parse(text) : text;
	return { status: response.statusCode, headers: response.headers, body: parsed };
}

// Closes the emulator, then checks that every response it sent conformed to the spec and no handler crashed.
async function closeAndExpectCleanRun(emu) {
	await emu.close();
	expect(emu.responseViolations).toEqual([]);
	expect(emu.internalErrors).toEqual([]);
}

module.exports = { START_MS, ALL_SCOPES, TEST_CLIENT_ID, TEST_CONSUMER_KEY, startTestEmulator, createUserWithToken, tokenFor, call, closeAndExpectCleanRun };
