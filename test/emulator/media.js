'use strict';
// POST /2/media/upload (one-shot), initialize/append/finalize, STATUS, and the DM attachment rules (x-dm-api.md §6).

const responses = require('./responses');
const { DEFAULT_OPTIONS } = require('./options');

const DAY_MS = 24 * 60 * 60 * 1000;
const MB = 1024 * 1024;
const PENDING_MS = 1000;
const ONE_SHOT_CATEGORIES = ['tweet_image', 'dm_image', 'subtitles'];
const CATEGORIES = ['amplify_video', 'tweet_gif', 'tweet_image', 'tweet_video', 'dm_gif', 'dm_image', 'dm_video', 'subtitles'];
// Media key prefixes: 3_ photo, 7_ video, 16_ animated GIF (x-dm-api.md §2.11, unverified mapping).
const KIND = {
	image: { limit: 5 * MB, keyPrefix: '3', processed: false },
	gif: { limit: 15 * MB, keyPrefix: '16', processed: true },
	video: { limit: 512 * MB, keyPrefix: '7', processed: true },
	subtitles: { limit: 5 * MB, keyPrefix: '3', processed: false },
};

function kindOf(category) {
	if (/_gif$/.test(category)) return 'gif';
	if (/_video$/.test(category)) return 'video';
	return category === 'subtitles' ? 'subtitles' : 'image';
}

// initialize may omit media_category: derive it from media_type the way X defaults to tweet_* categories.
function defaultCategory(mediaType = '') {
	if (mediaType === 'image/gif') return 'tweet_gif';
	if (mediaType.startsWith('video/')) return 'tweet_video';
	if (mediaType.startsWith('text/')) return 'subtitles';
	return 'tweet_image';
}

// The error bodies below are synthetic: the real wording for these media failures is not captured.
function invalid(message, parameter, value) {
	return responses.invalidRequest([{ parameters: parameter ? { [parameter]: [String(value)] } : {}, message }]);
}

function tooLarge(size, limit) {
	return invalid(`File size exceeds ${limit} bytes (got ${size}).`, 'media', size);
}

function mediaUnavailable(mediaId) {
	return invalid(`The media_id [${mediaId}] is not a valid, unexpired upload.`, 'media_id', mediaId);
}

function toBoolean(value) {
	return value === true || value === 'true';
}

function toOwnerList(value) {
	if (value === undefined || value === '') return [];
	return (Array.isArray(value) ? value : String(value).split(',')).map((id) => String(id).trim()).filter(Boolean);
}

// ---- request bodies: JSON (base64 media) or multipart/form-data ----

async function readFields(ctx) {
	if (ctx.json && typeof ctx.json === 'object') {
		const { media, ...rest } = ctx.json;
		return { ...rest, media: typeof media === 'string' ? Buffer.from(media, 'base64') : undefined };
	}
	const contentType = String(ctx.headers['content-type'] || '');
	if (!contentType.toLowerCase().startsWith('multipart/form-data')) return {};
	let form;
	try {
		form = await new Request('http://x', { method: 'POST', headers: { 'content-type': contentType }, body: ctx.rawBody }).formData();
	} catch {
		throw invalid('The multipart body could not be parsed.');
	}
	const fields = {};
	for (const [name, value] of form) {
		// Binary parts arrive as File; a plain text part named media carries base64 (the JSON encoding).
		if (name === 'media') fields.media = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.from(await value.arrayBuffer());
		else if (name === 'additional_owners') fields.additional_owners = [...toOwnerList(fields.additional_owners), ...toOwnerList(value)];
		else fields[name] = value;
	}
	return fields;
}

// ---- state ----

function createMedia(ctx, { category, mediaType, shared, additionalOwners, totalBytes }) {
	const { state, clock } = ctx.emulator;
	const now = clock.now();
	const id = state.ids.next(now);
	const media = {
		id,
		media_key: `${KIND[kindOf(category)].keyPrefix}_${id}`,
		ownerId: ctx.auth.userId,
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
function refreshProcessing(media, now) {
	if (!media.processingStartedAt || media.state === 'succeeded' || media.state === 'failed') return media;
	const elapsed = now - media.processingStartedAt;
	if (elapsed >= media.processingMs) media.state = media.outcome;
	else media.state = elapsed < PENDING_MS ? 'pending' : 'in_progress';
	return media;
}

function processingInfo(media, now) {
	refreshProcessing(media, now);
	if (media.state === 'succeeded' || media.state === 'failed') {
		return { state: media.state, progress_percent: 100 };
	}
	const elapsed = now - media.processingStartedAt;
	const progress = media.state === 'pending' ? 0 : Math.min(99, Math.floor((100 * elapsed) / media.processingMs));
	const remainingSeconds = Math.max(1, Math.ceil((media.processingStartedAt + media.processingMs - now) / 1000));
	return { state: media.state, check_after_secs: Math.min(remainingSeconds, 5), progress_percent: progress };
}

function expiresAfterSecs(media, now) {
	return Math.max(0, Math.ceil((media.expiresAt - now) / 1000));
}

function completeUpload(ctx, media) {
	const now = ctx.emulator.clock.now();
	media.size = media.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
	if (KIND[kindOf(media.category)].processed) {
		const options = ctx.emulator.options || {};
		media.processingStartedAt = now;
		media.processingMs = options.mediaProcessingMs ?? DEFAULT_OPTIONS.mediaProcessingMs;
		media.outcome = options.mediaProcessingOutcome === 'failed' ? 'failed' : 'succeeded';
		media.state = 'pending';
	} else {
		media.state = 'succeeded';
	}
}

function uploadResponse(media, now) {
	const data = { id: media.id, media_key: media.media_key, size: media.size, expires_after_secs: expiresAfterSecs(media, now) };
	if (media.processingStartedAt) data.processing_info = processingInfo(media, now);
	return responses.json(200, { data });
}

/** The caller's live upload; throws 400 when unknown/expired, 403 when someone else's. */
function ownUpload(ctx, mediaId) {
	const { state, clock } = ctx.emulator;
	const media = state.media.get(String(mediaId));
	if (!media || media.expiresAt <= clock.now()) throw mediaUnavailable(mediaId);
	if (media.ownerId !== ctx.auth.userId) throw responses.forbidden('You are not permitted to access this media.');
	return media;
}

// ---- handlers ----

async function oneShotUpload(ctx) {
	const fields = await readFields(ctx);
	if (fields.command) throw invalid('The command parameter is not supported on this endpoint; use the dedicated upload endpoints.', 'command', fields.command);
	if (!fields.media || !fields.media.length) throw invalid('The media field is required.', 'media', '');
	if (!ONE_SHOT_CATEGORIES.includes(fields.media_category)) {
		throw invalid(`The media_category [${fields.media_category}] is not one of [${ONE_SHOT_CATEGORIES.join(', ')}].`, 'media_category', fields.media_category);
	}
	const limit = KIND[kindOf(fields.media_category)].limit;
	if (fields.media.length > limit) throw tooLarge(fields.media.length, limit);
	const media = createMedia(ctx, {
		category: fields.media_category,
		mediaType: fields.media_type,
		shared: toBoolean(fields.shared),
		additionalOwners: toOwnerList(fields.additional_owners),
		totalBytes: fields.media.length,
	});
	media.chunks.push(fields.media);
	completeUpload(ctx, media);
	return uploadResponse(media, ctx.emulator.clock.now());
}

function initializeUpload(ctx) {
	const body = ctx.json || {};
	const category = body.media_category ?? defaultCategory(body.media_type);
	if (!CATEGORIES.includes(category)) throw invalid(`The media_category [${category}] is not valid.`, 'media_category', category);
	const limit = KIND[kindOf(category)].limit;
	if (body.total_bytes > limit) throw tooLarge(body.total_bytes, limit);
	const media = createMedia(ctx, {
		category,
		mediaType: body.media_type,
		shared: toBoolean(body.shared),
		additionalOwners: toOwnerList(body.additional_owners),
		totalBytes: body.total_bytes,
	});
	const now = ctx.emulator.clock.now();
	return responses.json(200, { data: { id: media.id, media_key: media.media_key, expires_after_secs: expiresAfterSecs(media, now) } });
}

async function appendUpload(ctx) {
	const media = ownUpload(ctx, ctx.params.id);
	if (media.state !== 'initialized') throw invalid('This upload was already finalized.', 'id', media.id);
	const fields = await readFields(ctx);
	const segmentIndex = Number(fields.segment_index);
	if (!Number.isInteger(segmentIndex) || segmentIndex < 0 || segmentIndex > 999) {
		throw invalid('The segment_index must be an integer between 0 and 999.', 'segment_index', fields.segment_index);
	}
	if (!fields.media || !fields.media.length) throw invalid('The media field is required.', 'media', '');
	media.chunks[segmentIndex] = fields.media;
	const size = media.chunks.reduce((sum, chunk) => sum + (chunk ? chunk.length : 0), 0);
	const limit = media.totalBytes ?? KIND[kindOf(media.category)].limit;
	if (size > limit) {
		media.chunks[segmentIndex] = undefined;
		throw tooLarge(size, limit);
	}
	return responses.json(200, { data: { expires_at: Math.floor(media.expiresAt / 1000) } });
}

function finalizeUpload(ctx) {
	const media = ownUpload(ctx, ctx.params.id);
	if (media.state !== 'initialized') throw invalid('This upload was already finalized.', 'id', media.id);
	if (media.chunks.some((chunk) => chunk === undefined) || !media.chunks.length) {
		throw invalid('Segments are missing: append every segment_index from 0 before finalizing.', 'id', media.id);
	}
	const size = media.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
	if (media.totalBytes !== undefined && size !== media.totalBytes) {
		throw invalid(`File size mismatch: total_bytes was ${media.totalBytes}, received ${size}.`, 'total_bytes', media.totalBytes);
	}
	completeUpload(ctx, media);
	return uploadResponse(media, ctx.emulator.clock.now());
}

function uploadStatus(ctx) {
	if (ctx.query.command !== undefined && ctx.query.command !== 'STATUS') {
		throw invalid(`The command [${ctx.query.command}] is not supported.`, 'command', ctx.query.command);
	}
	const media = ownUpload(ctx, ctx.query.media_id);
	const now = ctx.emulator.clock.now();
	const info = media.processingStartedAt
		? processingInfo(media, now)
		: { state: media.state === 'succeeded' ? 'succeeded' : 'pending', progress_percent: media.state === 'succeeded' ? 100 : 0 };
	return responses.json(200, { data: { id: media.id, media_key: media.media_key, processing_info: info } });
}

// ---- used by the DM send handlers ----

/**
 * The media if `userId` may attach it to a DM now: uploaded by (or shared with) them with a dm_* category,
 * processed, within 24 h, and not already used unless `shared`. Otherwise throws the captured 403.
 */
function checkAttachable(state, clock, { mediaId, userId }) {
	const media = state.media.get(String(mediaId));
	const now = clock.now();
	const owns = media && (media.ownerId === String(userId) || media.additionalOwners.includes(String(userId)));
	const usable = owns && media.expiresAt > now && media.category.startsWith('dm_') && (media.shared || media.usedCount === 0);
	if (!usable || refreshProcessing(media, now).state !== 'succeeded') throw responses.mediaNotAttachable();
	return media;
}

/** Counts one DM attachment; non-shared media cannot be attached again afterwards. */
function markUsed(state, clock, { mediaId }) {
	const media = state.media.get(String(mediaId));
	if (media) media.usedCount += 1;
	return media;
}

const routes = [
	{ method: 'POST', path: '/2/media/upload', operationId: 'mediaUpload', handler: oneShotUpload },
	{ method: 'GET', path: '/2/media/upload', operationId: 'getMediaUploadStatus', handler: uploadStatus },
	{ method: 'POST', path: '/2/media/upload/initialize', operationId: 'initializeMediaUpload', handler: initializeUpload },
	{ method: 'POST', path: '/2/media/upload/:id/append', operationId: 'appendMediaUpload', handler: appendUpload },
	{ method: 'POST', path: '/2/media/upload/:id/finalize', operationId: 'finalizeMediaUpload', handler: finalizeUpload },
];

module.exports = { routes, checkAttachable, markUsed, refreshProcessing, KIND };
