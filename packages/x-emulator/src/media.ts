// POST /2/media/upload (one-shot), initialize/append/finalize, STATUS, and the DM attachment rules (x-dm-api.md §6).
import type { Clock } from './clock';
import { callerId, type ApiContext, type ApiRoute } from './context';
import * as responses from './responses';
import type { MediaRecord, State } from './state';
import type { XProcessingInfo } from './x-types';

const DAY_MS = 24 * 60 * 60 * 1000;
const MB = 1024 * 1024;
const PENDING_MS = 1000;
/** The most one append may carry: X documents 5 MB per APPEND chunk (v1.1 media/upload APPEND reference). */
export const MEDIA_CHUNK_LIMIT = 5 * MB;
const ONE_SHOT_CATEGORIES: readonly string[] = ['tweet_image', 'dm_image', 'subtitles'];
const CATEGORIES: readonly string[] = ['amplify_video', 'tweet_gif', 'tweet_image', 'tweet_video', 'dm_gif', 'dm_image', 'dm_video', 'subtitles'];

type Kind = 'image' | 'gif' | 'video' | 'subtitles';
// Media key prefixes: 3_ photo, 7_ video, 16_ animated GIF (x-dm-api.md §2.11, unverified mapping).
export const KIND: Readonly<Record<Kind, { limit: number; keyPrefix: string; processed: boolean }>> = {
	image: { limit: 5 * MB, keyPrefix: '3', processed: false },
	gif: { limit: 15 * MB, keyPrefix: '16', processed: true },
	video: { limit: 512 * MB, keyPrefix: '7', processed: true },
	subtitles: { limit: 5 * MB, keyPrefix: '3', processed: false },
};

function kindOf(category: string): Kind {
	if (/_gif$/.test(category)) return 'gif';
	if (/_video$/.test(category)) return 'video';
	return category === 'subtitles' ? 'subtitles' : 'image';
}

// initialize may omit media_category: derive it from media_type the way X defaults to tweet_* categories.
function defaultCategory(mediaType = ''): string {
	if (mediaType === 'image/gif') return 'tweet_gif';
	if (mediaType.startsWith('video/')) return 'tweet_video';
	if (mediaType.startsWith('text/')) return 'subtitles';
	return 'tweet_image';
}

// The error bodies below are synthetic: the real wording for these media failures is not captured.
function invalid(message: string, parameter?: string, value?: unknown): responses.Reply {
	return responses.invalidRequest([{ parameters: parameter ? { [parameter]: [String(value)] } : {}, message }]);
}

function tooLarge(size: number, limit: number): responses.Reply {
	return invalid(`File size exceeds ${limit} bytes (got ${size}).`, 'media', size);
}

function mediaUnavailable(mediaId: unknown): responses.Reply {
	return invalid(`The media_id [${mediaId}] is not a valid, unexpired upload.`, 'media_id', mediaId);
}

function toBoolean(value: unknown): boolean {
	return value === true || value === 'true';
}

function toOwnerList(value: unknown): string[] {
	if (value === undefined || value === '') return [];
	return (Array.isArray(value) ? value : String(value).split(','))
		.map((id) => String(id).trim())
		.filter(Boolean);
}

// ---- request bodies: JSON (base64 media) or multipart/form-data ----

/** The upload fields of a request; `media` holds the decoded bytes. Other fields are as sent. */
interface UploadFields {
	media?: Buffer;
	additional_owners?: unknown;
	[field: string]: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

async function readFields(ctx: ApiContext): Promise<UploadFields> {
	if (ctx.json && typeof ctx.json === 'object') {
		const { media, ...rest } = ctx.json as Record<string, unknown>;
		return { ...rest, media: typeof media === 'string' ? Buffer.from(media, 'base64') : undefined };
	}
	const contentType = String(ctx.headers['content-type'] || '');
	if (!contentType.toLowerCase().startsWith('multipart/form-data')) return {};
	let form: FormData;
	try {
		form = await new Request('http://x', { method: 'POST', headers: { 'content-type': contentType }, body: ctx.rawBody }).formData();
	} catch {
		throw invalid('The multipart body could not be parsed.');
	}
	const fields: UploadFields = {};
	for (const [name, value] of form) {
		// Binary parts arrive as File; a plain text part named media carries base64 (the JSON encoding).
		if (name === 'media') fields.media = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.from(await value.arrayBuffer());
		else if (name === 'additional_owners') fields.additional_owners = [...toOwnerList(fields.additional_owners), ...toOwnerList(value)];
		else fields[name] = value;
	}
	return fields;
}

// ---- state ----

interface NewMedia {
	category: string;
	mediaType?: string;
	shared: boolean;
	additionalOwners: string[];
	totalBytes?: number;
}

function createMedia(ctx: ApiContext, { category, mediaType, shared, additionalOwners, totalBytes }: NewMedia): MediaRecord {
	const { state, clock } = ctx.emulator;
	const now = clock.now();
	const id = state.ids.next(now);
	const media: MediaRecord = {
		id,
		media_key: `${KIND[kindOf(category)].keyPrefix}_${id}`,
		ownerId: callerId(ctx),
		additionalOwners,
		category,
		shared: Boolean(shared),
		size: 0,
		totalBytes,
		mime: mediaType,
		state: 'initialized',
		createdAt: now,
		expiresAt: now + DAY_MS,
		usedCount: 0,
		chunks: [],
	};
	state.media.set(id, media);
	return media;
}

/** Moves processing along by clock time: pending -> in_progress -> succeeded|failed. */
export function refreshProcessing(media: MediaRecord, now: number): MediaRecord {
	if (media.processingStartedAt === undefined || media.state === 'succeeded' || media.state === 'failed') return media;
	const elapsed = now - media.processingStartedAt;
	if (elapsed >= (media.processingMs ?? 0)) media.state = media.outcome ?? 'succeeded';
	else media.state = elapsed < PENDING_MS ? 'pending' : 'in_progress';
	return media;
}

function processingInfo(media: MediaRecord, now: number): XProcessingInfo {
	refreshProcessing(media, now);
	if (media.state === 'succeeded' || media.state === 'failed') {
		return { state: media.state, progress_percent: 100 };
	}
	const startedAt = media.processingStartedAt ?? now;
	const processingMs = media.processingMs ?? 0;
	const elapsed = now - startedAt;
	const progress = media.state === 'pending' ? 0 : Math.min(99, Math.floor((100 * elapsed) / processingMs));
	const remainingSeconds = Math.max(1, Math.ceil((startedAt + processingMs - now) / 1000));
	return { state: media.state === 'pending' ? 'pending' : 'in_progress', check_after_secs: Math.min(remainingSeconds, 5), progress_percent: progress };
}

function expiresAfterSecs(media: MediaRecord, now: number): number {
	return Math.max(0, Math.ceil((media.expiresAt - now) / 1000));
}

function receivedBytes(media: MediaRecord): number {
	return media.chunks.reduce((sum, chunk) => sum + (chunk ? chunk.length : 0), 0);
}

function completeUpload(ctx: ApiContext, media: MediaRecord): void {
	const now = ctx.emulator.clock.now();
	media.size = receivedBytes(media);
	if (KIND[kindOf(media.category)].processed) {
		const options = ctx.emulator.options;
		media.processingStartedAt = now;
		media.processingMs = options.mediaProcessingMs;
		media.outcome = options.mediaProcessingOutcome === 'failed' ? 'failed' : 'succeeded';
		media.state = 'pending';
	} else {
		media.state = 'succeeded';
	}
}

function uploadResponse(media: MediaRecord, now: number): responses.Reply {
	const data: Record<string, unknown> = { id: media.id, media_key: media.media_key, size: media.size, expires_after_secs: expiresAfterSecs(media, now) };
	if (media.processingStartedAt !== undefined) data.processing_info = processingInfo(media, now);
	return responses.json(200, { data });
}

/** The caller's live upload; throws 400 when unknown/expired, 403 when someone else's. */
function ownUpload(ctx: ApiContext, mediaId: unknown): MediaRecord {
	const { state, clock } = ctx.emulator;
	const media = state.media.get(String(mediaId));
	if (!media || media.expiresAt <= clock.now()) throw mediaUnavailable(mediaId);
	if (media.ownerId !== ctx.auth.userId) throw responses.forbidden('You are not permitted to access this media.');
	return media;
}

// ---- handlers ----

async function oneShotUpload(ctx: ApiContext): Promise<responses.Reply> {
	const fields = await readFields(ctx);
	if (fields.command) throw invalid('The command parameter is not supported on this endpoint; use the dedicated upload endpoints.', 'command', fields.command);
	if (!fields.media || !fields.media.length) throw invalid('The media field is required.', 'media', '');
	const category = fields.media_category;
	if (typeof category !== 'string' || !ONE_SHOT_CATEGORIES.includes(category)) {
		throw invalid(`The media_category [${category}] is not one of [${ONE_SHOT_CATEGORIES.join(', ')}].`, 'media_category', category);
	}
	const limit = KIND[kindOf(category)].limit;
	if (fields.media.length > limit) throw tooLarge(fields.media.length, limit);
	const media = createMedia(ctx, {
		category,
		mediaType: typeof fields.media_type === 'string' ? fields.media_type : undefined,
		shared: toBoolean(fields.shared),
		additionalOwners: toOwnerList(fields.additional_owners),
		totalBytes: fields.media.length,
	});
	media.chunks.push(fields.media);
	completeUpload(ctx, media);
	return uploadResponse(media, ctx.emulator.clock.now());
}

function initializeUpload(ctx: ApiContext): responses.Reply {
	const body = isRecord(ctx.json) ? ctx.json : {};
	const mediaType = typeof body.media_type === 'string' ? body.media_type : undefined;
	const category = body.media_category ?? defaultCategory(mediaType);
	if (typeof category !== 'string' || !CATEGORIES.includes(category)) throw invalid(`The media_category [${category}] is not valid.`, 'media_category', category);
	const limit = KIND[kindOf(category)].limit;
	const totalBytes = typeof body.total_bytes === 'number' ? body.total_bytes : undefined;
	if (totalBytes !== undefined && totalBytes > limit) throw tooLarge(totalBytes, limit);
	const media = createMedia(ctx, {
		category,
		mediaType,
		shared: toBoolean(body.shared),
		additionalOwners: toOwnerList(body.additional_owners),
		totalBytes,
	});
	const now = ctx.emulator.clock.now();
	return responses.json(200, { data: { id: media.id, media_key: media.media_key, expires_after_secs: expiresAfterSecs(media, now) } });
}

async function appendUpload(ctx: ApiContext): Promise<responses.Reply> {
	const media = ownUpload(ctx, ctx.params.id);
	if (media.state !== 'initialized') throw invalid('This upload was already finalized.', 'id', media.id);
	const fields = await readFields(ctx);
	const segmentIndex = Number(fields.segment_index);
	if (!Number.isInteger(segmentIndex) || segmentIndex < 0 || segmentIndex > 999) {
		throw invalid('The segment_index must be an integer between 0 and 999.', 'segment_index', fields.segment_index);
	}
	if (!fields.media || !fields.media.length) throw invalid('The media field is required.', 'media', '');
	// Documented guess: X's answer to an oversized chunk is not captured; 413 like its edge answers large bodies.
	if (fields.media.length > MEDIA_CHUNK_LIMIT) throw responses.payloadTooLarge(`A media chunk may be at most ${MEDIA_CHUNK_LIMIT} bytes.`);
	media.chunks[segmentIndex] = fields.media;
	const size = receivedBytes(media);
	const limit = media.totalBytes ?? KIND[kindOf(media.category)].limit;
	if (size > limit) {
		media.chunks[segmentIndex] = undefined;
		throw tooLarge(size, limit);
	}
	return responses.json(200, { data: { expires_at: Math.floor(media.expiresAt / 1000) } });
}

function finalizeUpload(ctx: ApiContext): responses.Reply {
	const media = ownUpload(ctx, ctx.params.id);
	if (media.state !== 'initialized') throw invalid('This upload was already finalized.', 'id', media.id);
	if (media.chunks.some((chunk) => chunk === undefined) || !media.chunks.length) {
		throw invalid('Segments are missing: append every segment_index from 0 before finalizing.', 'id', media.id);
	}
	const size = receivedBytes(media);
	if (media.totalBytes !== undefined && size !== media.totalBytes) {
		throw invalid(`File size mismatch: total_bytes was ${media.totalBytes}, received ${size}.`, 'total_bytes', media.totalBytes);
	}
	completeUpload(ctx, media);
	return uploadResponse(media, ctx.emulator.clock.now());
}

function uploadStatus(ctx: ApiContext): responses.Reply {
	if (ctx.query.command !== undefined && ctx.query.command !== 'STATUS') {
		throw invalid(`The command [${ctx.query.command}] is not supported.`, 'command', ctx.query.command);
	}
	const media = ownUpload(ctx, ctx.query.media_id);
	const now = ctx.emulator.clock.now();
	const info: XProcessingInfo =
		media.processingStartedAt !== undefined
			? processingInfo(media, now)
			: { state: media.state === 'succeeded' ? 'succeeded' : 'pending', progress_percent: media.state === 'succeeded' ? 100 : 0 };
	return responses.json(200, { data: { id: media.id, media_key: media.media_key, processing_info: info } });
}

// ---- used by the DM send handlers ----

/**
 * The media if `userId` may attach it to a DM now: uploaded by (or shared with) them with a dm_* category,
 * processed, within 24 h, and not already used unless `shared`. Otherwise throws the captured 403.
 */
export function checkAttachable(state: State, clock: Clock, { mediaId, userId }: { mediaId: string; userId: string }): MediaRecord {
	const media = state.media.get(String(mediaId));
	const now = clock.now();
	if (!media) throw responses.mediaNotAttachable();
	const owns = media.ownerId === String(userId) || media.additionalOwners.includes(String(userId));
	const usable = owns && media.expiresAt > now && media.category.startsWith('dm_') && (media.shared || media.usedCount === 0);
	if (!usable || refreshProcessing(media, now).state !== 'succeeded') throw responses.mediaNotAttachable();
	return media;
}

/** Counts one DM attachment; non-shared media cannot be attached again afterwards. */
export function markUsed(state: State, _clock: Clock, { mediaId }: { mediaId: string; userId?: string }): MediaRecord | undefined {
	const media = state.media.get(String(mediaId));
	if (media) media.usedCount += 1;
	return media;
}

export const routes: ApiRoute[] = [
	{ method: 'POST', path: '/2/media/upload', operationId: 'mediaUpload', handler: oneShotUpload },
	{ method: 'GET', path: '/2/media/upload', operationId: 'getMediaUploadStatus', handler: uploadStatus },
	{ method: 'POST', path: '/2/media/upload/initialize', operationId: 'initializeMediaUpload', handler: initializeUpload },
	{ method: 'POST', path: '/2/media/upload/:id/append', operationId: 'appendMediaUpload', handler: appendUpload },
	{ method: 'POST', path: '/2/media/upload/:id/finalize', operationId: 'finalizeMediaUpload', handler: finalizeUpload },
];
