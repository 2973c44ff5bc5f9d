'use strict';

// Bridges DM sends to the media store: permission checks live in media.js, the event keeps a snapshot.
const media = require('./media');

const MEDIA_TYPE_BY_CATEGORY = {
	dm_image: 'photo',
	tweet_image: 'photo',
	dm_gif: 'animated_gif',
	tweet_gif: 'animated_gif',
	dm_video: 'video',
	tweet_video: 'video',
	amplify_video: 'video',
};

function mediaTypeOf(stored) {
	if (MEDIA_TYPE_BY_CATEGORY[stored.category]) return MEDIA_TYPE_BY_CATEGORY[stored.category];
	const mime = String(stored.mime || '');
	if (mime === 'image/gif') return 'animated_gif';
	return mime.startsWith('video/') ? 'video' : 'photo';
}

function snapshotOf(stored) {
	const snapshot = { media_key: stored.media_key, type: mediaTypeOf(stored) };
	for (const field of ['width', 'height', 'duration_ms', 'alt_text']) if (stored[field] !== undefined) snapshot[field] = stored[field];
	return snapshot;
}

// -> [{ mediaId, media, snapshot }]; throws the 403 from media.js for media that cannot go into a DM.
function resolveAttachments(ctx, attachments = []) {
	if (!attachments.length) return [];
	const { state, clock } = ctx.emulator;
	return attachments.map(({ media_id: mediaId }) => {
		const stored = media.checkAttachable(state, clock, { mediaId, userId: ctx.auth.userId });
		return { mediaId, snapshot: snapshotOf(stored) };
	});
}

function markAttachmentsUsed(ctx, resolved) {
	const { state, clock } = ctx.emulator;
	for (const { mediaId } of resolved) media.markUsed(state, clock, { mediaId, userId: ctx.auth.userId });
}

module.exports = { resolveAttachments, markAttachmentsUsed, snapshotOf, mediaTypeOf };
