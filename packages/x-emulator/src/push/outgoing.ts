// The emulator calling out, as X does: CRC GETs and signed event POSTs to webhook URLs. Plain node:http(s), no
// keep-alive (nothing lingers after close()), an overall timeout, an abort signal, and at most 64 KiB of answer read.
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';

export const USER_AGENT = 'x-dm-emulator-webhooks/1.0';
const MAX_ANSWER_BYTES = 64 * 1024;

export interface OutgoingRequest {
	method: 'GET' | 'POST';
	headers?: Record<string, string>;
	body?: string;
	timeoutMs: number;
	signal: AbortSignal;
}

export interface OutgoingAnswer {
	status: number;
	body: string;
}

/** Resolves with the answer, rejects on a connection error, a timeout or an abort. */
export function callOut(url: URL, { method, headers = {}, body, timeoutMs, signal }: OutgoingRequest): Promise<OutgoingAnswer> {
	return new Promise((resolve, reject) => {
		const transport = url.protocol === 'https:' ? https : http;
		const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
		const allHeaders: Record<string, string> = { 'user-agent': USER_AGENT, ...headers };
		if (payload) allHeaders['content-length'] = String(payload.length);
		const request = transport.request(url, { method, headers: allHeaders, agent: false, signal });
		const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
		timer.unref();
		request.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			let size = 0;
			response.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
			});
			response.on('end', () => {
				clearTimeout(timer);
				resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
			});
			response.on('error', (error) => {
				clearTimeout(timer);
				reject(error);
			});
		});
		request.end(payload);
	});
}

/** base64 HMAC-SHA256 with the app's API Key Secret, prefixed `sha256=` (signatures and CRC response tokens). */
export function hmacToken(secret: string, message: string | Buffer): string {
	return `sha256=${crypto.createHmac('sha256', secret).update(message).digest('base64')}`;
}

export type CrcOutcome = 'ok' | 'invalid' | 'transient';

/** How a CRC answer counts (x-activity-api.md §8.5): wrong token with 2XX or any 3XX invalidate, the rest is transient. */
export function judgeCrc(answer: OutgoingAnswer | undefined, expected: string): CrcOutcome {
	if (!answer) return 'transient';
	if (answer.status >= 300 && answer.status < 400) return 'invalid';
	if (answer.status < 200 || answer.status >= 300) return 'transient';
	try {
		const parsed = JSON.parse(answer.body) as { response_token?: unknown };
		return parsed && parsed.response_token === expected ? 'ok' : 'invalid';
	} catch {
		return 'invalid';
	}
}

/** GET <url>?crc_token=<fresh token>; the outcome of X's challenge-response check. */
export async function runCrc(webhookUrl: string, secret: string, timeoutMs: number, signal: AbortSignal): Promise<CrcOutcome> {
	const token = crypto.randomBytes(24).toString('base64url');
	const url = new URL(webhookUrl);
	url.searchParams.set('crc_token', token);
	let answer: OutgoingAnswer | undefined;
	try {
		answer = await callOut(url, { method: 'GET', timeoutMs, signal });
	} catch {
		answer = undefined;
	}
	return judgeCrc(answer, hmacToken(secret, token));
}

/** POSTs one signed body; true for a 2XX answer within the timeout. */
export async function postSigned(webhookUrl: string, secret: string, body: string, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
	const headers = { 'content-type': 'application/json', 'x-twitter-webhooks-signature': hmacToken(secret, body) };
	try {
		const answer = await callOut(new URL(webhookUrl), { method: 'POST', headers, body, timeoutMs, signal });
		return answer.status >= 200 && answer.status < 300;
	} catch {
		return false;
	}
}
