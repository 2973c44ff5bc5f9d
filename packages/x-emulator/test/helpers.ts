// Helpers for tests that talk to the emulator over real HTTP (undici).
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'undici';
import { startEmulator, type Emulator, type EmulatorOptions, type EmulatorUser, type UserInput } from '../src';
import { DEMO_SCOPES } from '../src/demo-data';
import { isResponse, type Reply } from '../src/responses';

export const START_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
export const ALL_SCOPES = [...DEMO_SCOPES];
export const TEST_CLIENT_ID = 'test-client';
export const TEST_CONSUMER_KEY = 'test-consumer-key';

// Frozen clock and response validation on, so every test run also checks the emulator against the spec.
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const emu = await startEmulator({ now: START_MS, validateResponses: true, ...options });
	emu.registerOAuth2Client({ clientId: TEST_CLIENT_ID, clientSecret: 'test-secret', redirectUris: ['http://localhost/callback'], confidential: true });
	emu.registerOAuth1App({ consumerKey: TEST_CONSUMER_KEY, consumerSecret: 'test-consumer-secret', permission: 'read-write-dm' });
	return emu;
}

// Long enough that tests moving the clock by weeks keep a valid token (expiry itself is tested in auth.test.ts).
const TOKEN_LIFETIME_S = 90 * 24 * 3600;

export function tokenFor(emu: Emulator, userId: string, scopes: string[] = ALL_SCOPES): string {
	return emu.issueOAuth2Token({ userId, clientId: TEST_CLIENT_ID, scopes, expiresIn: TOKEN_LIFETIME_S }).access_token;
}

export interface UserWithToken {
	user: EmulatorUser;
	token: string;
}

// Adds a user and issues an OAuth 2.0 user token for it.
export function createUserWithToken(emu: Emulator, { scopes = ALL_SCOPES, ...userInput }: UserInput & { scopes?: string[] }): UserWithToken {
	const user = emu.addUser(userInput);
	return { user, token: tokenFor(emu, user.id, scopes) };
}

/** A test emulator with two users, alice and bob, who hold tokens with every scope (the setup of most HTTP tests). */
export async function startWithAliceAndBob(options: EmulatorOptions = {}): Promise<{ emu: Emulator; alice: UserWithToken; bob: UserWithToken }> {
	const emu = await startTestEmulator(options);
	return { emu, alice: createUserWithToken(emu, { username: 'alice' }), bob: createUserWithToken(emu, { username: 'bob' }) };
}

export interface CallOptions {
	token?: string;
	json?: unknown;
	body?: string | Buffer;
	headers?: Record<string, string>;
}

export interface CallResult {
	status: number;
	headers: IncomingHttpHeaders;
	// Whatever JSON the emulator answered (or the text of a non-JSON answer): tests walk into it freely and let
	// expect() judge its shape, so it stays untyped.
	body: any;
}

// -> { status, headers, body } where body is parsed JSON when the response is JSON.
export async function call(emu: Emulator, method: string, path: string, { token, json, body, headers = {} }: CallOptions = {}): Promise<CallResult> {
	const requestHeaders: Record<string, string> = { ...headers };
	if (token) requestHeaders.authorization = `Bearer ${token}`;
	let payload = body;
	if (json !== undefined) {
		payload = JSON.stringify(json);
		requestHeaders['content-type'] = requestHeaders['content-type'] || 'application/json';
	}
	const response = await request(`${emu.url}${path}`, { method, headers: requestHeaders, body: payload });
	const text = await response.body.text();
	const contentType = String(response.headers['content-type'] || '');
	const parsed: unknown = contentType.includes('json') && text ? JSON.parse(text) : text;
	return { status: response.statusCode, headers: response.headers, body: parsed };
}

// Closes the emulator, then checks that every response it sent conformed to the spec and no handler crashed.
export async function closeAndExpectCleanRun(emu: Emulator): Promise<void> {
	await emu.close();
	expect(emu.responseViolations).toEqual([]);
	expect(emu.internalErrors).toEqual([]);
}

/** A handler's answer, its body as freely walkable as call()'s. */
export type Answer = Omit<Reply, 'body'> & { body?: CallResult['body'] };

/** The Reply that fn throws (how handlers and pipeline steps refuse); fails when fn returns or throws anything else. */
export function thrownReply(fn: () => unknown): Answer {
	try {
		fn();
	} catch (response) {
		if (isResponse(response)) return response;
		throw response;
	}
	throw new Error('expected a thrown Reply');
}
