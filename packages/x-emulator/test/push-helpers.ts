// Helpers for the push tests: a tiny webhook receiver on 127.0.0.1 that answers X's CRC (rightly or wrongly) and
// records the signed POSTs, and an emulator with one X app whose OAuth 2.0 client and API key share an appId.
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Emulator, EmulatorOptions } from '../src';
import { call, createUserWithToken, startTestEmulator, type UserWithToken } from './helpers';

export const APP_ID = 'push-app';
export const API_KEY = 'push-api-key';
export const API_SECRET = 'push-api-secret';
export const PUSH_CLIENT_ID = 'push-client';

export type CrcMode = 'ok' | 'wrong' | 'redirect' | 'error' | 'hang';

export interface ReceivedPost {
	raw: string;
	body: any;
	signature: string | undefined;
	headers: http.IncomingHttpHeaders;
}

export interface Receiver {
	url: string;
	crcMode: CrcMode;
	crcRequests: URL[];
	posts: ReceivedPost[];
	/** Statuses for the next POSTs, in order (then 200). */
	postStatuses: number[];
	close(): Promise<void>;
}

export function sign(secret: string, message: string): string {
	return `sha256=${crypto.createHmac('sha256', secret).update(message).digest('base64')}`;
}

export async function startReceiver(secret = API_SECRET, path = '/hook'): Promise<Receiver> {
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			if (req.method === 'GET') {
				receiver.crcRequests.push(url);
				const token = url.searchParams.get('crc_token') ?? '';
				const mode = receiver.crcMode;
				if (mode === 'redirect') res.writeHead(302, { location: 'https://example.com/' }).end();
				else if (mode === 'error') res.writeHead(503).end('down');
				else if (mode !== 'hang') {
					const responseToken = mode === 'ok' ? sign(secret, token) : sign('another secret', token);
					res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ response_token: responseToken }));
				}
				return;
			}
			const raw = Buffer.concat(chunks).toString('utf8');
			const signature = req.headers['x-twitter-webhooks-signature'];
			receiver.posts.push({ raw, body: JSON.parse(raw), signature: typeof signature === 'string' ? signature : undefined, headers: req.headers });
			res.writeHead(receiver.postStatuses.shift() ?? 200).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const receiver: Receiver = {
		url: `http://127.0.0.1:${port}${path}`,
		crcMode: 'ok',
		crcRequests: [],
		posts: [],
		postStatuses: [],
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
	return receiver;
}

/** Polls until check() is truthy (fails after timeoutMs). */
export async function waitFor<T>(check: () => T, timeoutMs = 3000, what = 'condition'): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface PushWorld {
	emu: Emulator;
	receiver: Receiver;
	bearer: string;
	alice: UserWithToken;
	bob: UserWithToken;
	close(): Promise<void>;
}

/** The app's bearer token from POST /oauth2/token (client_credentials). */
export async function appBearer(emu: Emulator, key = API_KEY, secret = API_SECRET): Promise<string> {
	const basic = Buffer.from(`${encodeURIComponent(key)}:${encodeURIComponent(secret)}`).toString('base64');
	const answer = await call(emu, 'POST', '/oauth2/token', {
		headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
		body: 'grant_type=client_credentials',
	});
	expect(answer.status).toBe(200);
	return answer.body.access_token;
}

/** Sandbox URLs, no periodic CRC, a short retry schedule; alice and bob hold tokens of the push app. */
export async function startPushWorld(options: EmulatorOptions = {}): Promise<PushWorld> {
	const emu = await startTestEmulator({ webhookUrlPolicy: 'sandbox', crcIntervalMs: 0, deliveryRetryScheduleMs: [30, 30], ...options });
	emu.registerOAuth2Client({ clientId: PUSH_CLIENT_ID, clientSecret: 'push-client-secret', redirectUris: ['http://localhost/cb'], appId: APP_ID });
	emu.registerOAuth1App({ consumerKey: API_KEY, consumerSecret: API_SECRET, appId: APP_ID });
	const receiver = await startReceiver();
	const withPushToken = (username: string): UserWithToken => {
		const { user } = createUserWithToken(emu, { username });
		const token = emu.issueOAuth2Token({ userId: user.id, clientId: PUSH_CLIENT_ID, scopes: ['dm.read', 'dm.write', 'tweet.read', 'users.read'], expiresIn: 90 * 86400 }).access_token;
		return { user, token };
	};
	const alice = withPushToken('alice');
	const bob = withPushToken('bob');
	const bearer = await appBearer(emu);
	return {
		emu,
		receiver,
		bearer,
		alice,
		bob,
		close: async () => {
			await receiver.close();
			await emu.close();
		},
	};
}

export async function createWebhook(world: Pick<PushWorld, 'emu' | 'bearer'>, url: string): Promise<string> {
	const answer = await call(world.emu, 'POST', '/2/webhooks', { token: world.bearer, json: { url } });
	expect(answer.status).toBe(200);
	return answer.body.data.id;
}

export async function subscribe(world: PushWorld, who: UserWithToken, eventType: string, webhookId: string, tag?: string): Promise<string> {
	const json: Record<string, unknown> = { event_type: eventType, filter: { user_id: who.user.id }, webhook_id: webhookId };
	if (tag !== undefined) json.tag = tag;
	const answer = await call(world.emu, 'POST', '/2/activity/subscriptions', { token: who.token, json });
	expect(answer.status).toBe(200);
	return answer.body.data.subscription.subscription_id;
}
