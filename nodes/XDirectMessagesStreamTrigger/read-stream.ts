import { sleep } from 'n8n-workflow';

import { isRecord } from '../shared/models/json';
import type { StreamBody } from '../shared/transport';
import type { Incoming } from '../XDirectMessagesInstantTrigger/payload';
import { decodeIncoming } from '../XDirectMessagesInstantTrigger/payload';

/**
 * Reads an open Activity stream line by line (one JSON object per `\r\n`-terminated line; an empty line is X's
 * keep-alive, x-activity-api.md §7) and watches for silence: when nothing at all arrives for `silenceMs`, the
 * connection counts as stalled and is ended. The watch is a loop of short n8n sleeps, no timer of its own.
 */

export type StreamEnd =
	/** The node is closing. */
	| { reason: 'closed' }
	/** X ended the response. */
	| { reason: 'ended' }
	/** Nothing arrived for the silence limit. */
	| { reason: 'stalled' }
	/** X announced the end in the stream (operational disconnect). */
	| { reason: 'disconnected' }
	/** The connection broke. */
	| { reason: 'broken'; error: unknown };

export type LineOutcome = 'continue' | 'disconnect';

export interface ReadOptions {
	silenceMs: number;
	isClosed(): boolean;
	/** Called for every chunk that arrives, heartbeats included. */
	onBytes(): void;
	/** One non-empty line; the next line is read once it is handled. */
	onLine(line: string): Promise<LineOutcome>;
}

/** The longest line kept: far above any event X sends; a longer one is dropped, not buffered without end. */
const MAX_LINE_CHARS = 4 * 1024 * 1024;

export async function readStream(body: StreamBody, options: ReadOptions): Promise<StreamEnd> {
	let lastActivity = Date.now();
	let finished = false;
	let stalled = false;
	const tick = Math.max(20, Math.min(1000, Math.floor(options.silenceMs / 4)));
	const watch = async (): Promise<void> => {
		while (!finished) {
			await sleep(tick);
			if (finished) return;
			if (options.isClosed() || Date.now() - lastActivity > options.silenceMs) {
				stalled = !options.isClosed();
				body.destroy();
				return;
			}
		}
	};
	void watch();
	let pending = '';
	const end = (result: StreamEnd): StreamEnd => (options.isClosed() ? { reason: 'closed' } : stalled ? { reason: 'stalled' } : result);
	try {
		for await (const chunk of body) {
			lastActivity = Date.now();
			options.onBytes();
			pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
			let newline = pending.indexOf('\n');
			while (newline >= 0) {
				const line = pending.slice(0, newline).trim();
				pending = pending.slice(newline + 1);
				if (line !== '') {
					const outcome = await options.onLine(line);
					// Handling a line (an execution, a download) is not silence of the stream.
					lastActivity = Date.now();
					if (outcome === 'disconnect') {
						body.destroy();
						return end({ reason: 'disconnected' });
					}
				}
				if (options.isClosed()) return end({ reason: 'closed' });
				newline = pending.indexOf('\n');
			}
			if (pending.length > MAX_LINE_CHARS) pending = '';
		}
		return end({ reason: 'ended' });
	} catch (error) {
		return end({ reason: 'broken', error });
	} finally {
		finished = true;
	}
}

/** A line of the stream: an event envelope (the webhook's), or a problem X reports in the stream, or not JSON. */
export type StreamLine = Incoming | { kind: 'problem'; title: string; detail: string; disconnect: boolean } | { kind: 'invalid' };

export function decodeLine(line: string): StreamLine {
	let message: unknown;
	try {
		message = JSON.parse(line);
	} catch {
		return { kind: 'invalid' };
	}
	if (isRecord(message) && Array.isArray(message.errors) && message.data === undefined) {
		const problem = isRecord(message.errors[0]) ? message.errors[0] : {};
		const title = typeof problem.title === 'string' ? problem.title : 'error';
		const detail = typeof problem.detail === 'string' ? problem.detail : '';
		// X ends the connection after an operational disconnect (x-activity-api.md §7).
		return { kind: 'problem', title, detail, disconnect: problem.disconnect_type !== undefined || title === 'operational-disconnect' };
	}
	return decodeIncoming(message);
}
