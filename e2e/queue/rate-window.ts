// X's DM rate limits use 15-minute windows (the emulator's too). To see many 429s within seconds, the suite
// shortens every window of the DM-send group: as soon as the emulator answers a send and announces a reset further
// away than `leadMs`, its clock is moved forward so that the reset is `leadMs` away. A node that then gets a 429
// waits about that long (within its "Max Rate-Limit Wait") and repeats the send, exactly as it would after a real
// 15-minute wait. The hook looks at the emulator's responses in this process (it runs in the test process) at the
// moment they are written, so no other request is checked against the long window first.
import http from 'node:http';
import type { Emulator } from '../lib/emulator';

const DM_SEND = /^\/2\/dm_conversations(\/with\/[^/]+\/messages|\/[^/]+\/messages)?\/?$/;

export interface RateWindowStats {
	/** Windows shortened. */
	windows: number;
	/** 429s the emulator answered to sends. */
	tooMany: number;
	/** 429s whose reset was further than `leadMs` (a node would not wait for them): should stay 0. */
	farResets: number;
}

type WriteHead = typeof http.ServerResponse.prototype.writeHead;

export function shortenSendWindows(emu: Emulator, leadMs = 2000): { stats: RateWindowStats; restore(): void } {
	const port = Number(new URL(emu.url).port);
	const stats: RateWindowStats = { windows: 0, tooMany: 0, farResets: 0 };
	const original: WriteHead = http.ServerResponse.prototype.writeHead;
	function writeHead(this: http.ServerResponse, ...args: Parameters<WriteHead>): http.ServerResponse {
		const [status] = args;
		const headers = args.find((arg, index) => index > 0 && arg && typeof arg === 'object' && !Array.isArray(arg)) as http.OutgoingHttpHeaders | undefined;
		const request = this.req;
		if (this.socket?.localPort === port && request?.method === 'POST' && DM_SEND.test((request.url ?? '').split('?')[0]) && headers) {
			const reset = Number(headers['x-rate-limit-reset']) * 1000;
			const ahead = reset - emu.clock.now();
			if (status === 429) {
				stats.tooMany++;
				if (ahead > leadMs + 1000) stats.farResets++;
			}
			if (Number.isFinite(reset) && ahead > leadMs + 1000) {
				emu.clock.advance(ahead - leadMs);
				stats.windows++;
			}
		}
		return original.apply(this, args);
	}
	http.ServerResponse.prototype.writeHead = writeHead as WriteHead;
	return { stats, restore: () => { http.ServerResponse.prototype.writeHead = original; } };
}
