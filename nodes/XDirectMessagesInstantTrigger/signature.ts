import { createHmac, timingSafeEqual } from 'crypto';

/**
 * X's webhook security (x-activity-api.md §8.3, §8.4): both the CRC answer and the signature of every POST are
 * base64 HMAC-SHA256 with the app's API Key Secret, prefixed "sha256=".
 */
export function sign(secret: string, message: string | Buffer): string {
	return `sha256=${createHmac('sha256', secret).update(message).digest('base64')}`;
}

/** The answer to X's CRC check: `{"response_token": "sha256=..."}`. */
export function crcResponse(secret: string, crcToken: string): { response_token: string } {
	return { response_token: sign(secret, crcToken) };
}

/** Whether the x-twitter-webhooks-signature header matches the exact body bytes (constant-time comparison). */
export function isSignedBy(secret: string, rawBody: Buffer, header: string): boolean {
	const expected = Buffer.from(sign(secret, rawBody));
	const given = Buffer.from(header.trim());
	return given.length === expected.length && timingSafeEqual(given, expected);
}
