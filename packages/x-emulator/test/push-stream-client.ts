// A streaming client for GET /2/activity/stream over node:http: it keeps the raw bytes as they arrive, splits them
// into \r\n-terminated lines (heartbeats are empty lines), and knows when the server ended or dropped the response.
import * as http from 'node:http';
import type { Emulator } from '../src';
import { call, type UserWithToken } from './helpers';
import { waitFor, type PushWorld } from './push-helpers';

export interface StreamClient {
	status: number;
	headers: http.IncomingHttpHeaders;
	/** Everything received so far. */
	raw: string;
	/** Complete lines so far, without their \r\n ('' for a heartbeat). */
	lines(): string[];
	/** The parsed non-empty lines. */
	messages(): any[];
	/** How the response finished: 'end' (clean end), 'aborted' (connection dropped), undefined while open. */
	finished: 'end' | 'aborted' | undefined;
	/** Resolves once the response finished. */
	done: Promise<void>;
	/** The parsed body of a non-200 answer. */
	body: any;
	close(): void;
}

export function openStream(emu: Emulator, token: string, query = ''): Promise<StreamClient> {
	return new Promise((resolve, reject) => {
		const request = http.get(`${emu.url}/2/activity/stream${query}`, { agent: false, headers: { authorization: `Bearer ${token}` } });
		request.on('error', reject);
		request.on('response', (response) => {
			let finish: () => void = () => undefined;
			const client: StreamClient = {
				status: response.statusCode ?? 0,
				headers: response.headers,
				raw: '',
				lines: () => client.raw.split('\r\n').slice(0, -1),
				messages: () => client.lines().filter((line) => line !== '').map((line) => JSON.parse(line)),
				finished: undefined,
				done: new Promise<void>((done) => (finish = done)),
				body: undefined,
				close: () => request.destroy(),
			};
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => (client.raw += chunk));
			response.on('end', () => {
				client.finished ??= 'end';
				if (client.status !== 200 && client.raw) client.body = JSON.parse(client.raw);
				finish();
			});
			response.on('aborted', () => (client.finished ??= 'aborted'));
			response.on('error', () => undefined);
			response.on('close', () => {
				client.finished ??= 'aborted';
				finish();
			});
			if (client.status === 200) resolve(client);
			else void client.done.then(() => resolve(client));
		});
	});
}

/** Waits until the client has at least `count` non-empty lines. */
export function waitForMessages(client: StreamClient, count: number, what = `${count} stream messages`): Promise<unknown> {
	return waitFor(() => client.messages().length >= count, 3000, what);
}

/** A DM through the API; returns its id. */
export async function sendDm(world: PushWorld, from: UserWithToken, to: UserWithToken, text: string): Promise<string> {
	const answer = await call(world.emu, 'POST', `/2/dm_conversations/with/${to.user.id}/messages`, { token: from.token, json: { text } });
	expect(answer.status).toBe(201);
	return answer.body.data.dm_event_id;
}

/** A subscription without a webhook (stream only). */
export async function subscribeStreamOnly(world: PushWorld, who: UserWithToken, eventType: string, tag?: string): Promise<string> {
	const json: Record<string, unknown> = { event_type: eventType, filter: { user_id: who.user.id } };
	if (tag !== undefined) json.tag = tag;
	const answer = await call(world.emu, 'POST', '/2/activity/subscriptions', { token: who.token, json });
	expect(answer.status).toBe(200);
	return answer.body.data.subscription.subscription_id;
}

/** ISO time without milliseconds, as X documents start_time/end_time. */
export const xTime = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
