// Request bodies are read into memory before a handler runs, so their size is bounded: a body over the limit is
// refused as soon as its Content-Length announces it (with `Expect: 100-continue`, before the client sends it) or,
// for a chunked body, as soon as the bytes received pass the limit. Nothing beyond the limit is kept.
import type * as http from 'node:http';

/**
 * The largest request body the emulator reads: 8 MiB. The largest legitimate X request is a 5 MiB media chunk
 * (media.ts MEDIA_CHUNK_LIMIT) sent base64-encoded in JSON, about 6.7 MiB.
 */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export type BodyRead = { body: Buffer; tooLarge?: undefined } | { body?: undefined; tooLarge: number };

/** The announced size when Content-Length is over the limit, else undefined. */
export function declaredTooLarge(req: http.IncomingMessage): number | undefined {
	const declared = Number(req.headers['content-length']);
	return Number.isFinite(declared) && declared > MAX_BODY_BYTES ? declared : undefined;
}

/** The whole body, or `tooLarge` (the bytes announced or received) once it passes MAX_BODY_BYTES. */
export function readBody(req: http.IncomingMessage): Promise<BodyRead> {
	const declared = declaredTooLarge(req);
	if (declared !== undefined) return Promise.resolve({ tooLarge: declared });
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const onData = (chunk: Buffer): void => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) {
				chunks.push(chunk);
				return;
			}
			req.off('data', onData);
			req.pause();
			chunks.length = 0;
			resolve({ tooLarge: size });
		};
		req.on('data', onData);
		req.on('end', () => resolve({ body: Buffer.concat(chunks) }));
		req.on('error', reject);
	});
}
