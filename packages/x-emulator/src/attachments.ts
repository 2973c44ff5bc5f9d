// Bridges DM sends to the media store: permission checks live in media.ts, the event keeps a snapshot.
import { callerId, type ApiContext } from './context';
import { mediaFileName } from './dm-media-files';
import * as media from './media';
import type { MediaRecord, MediaSnapshot } from './state';
import type { XMediaType } from './x-types';

const MEDIA_TYPE_BY_CATEGORY: Readonly<Record<string, XMediaType>> = {
	dm_image: 'photo',
	tweet_image: 'photo',
	dm_gif: 'animated_gif',
	tweet_gif: 'animated_gif',
	dm_video: 'video',
	tweet_video: 'video',
	amplify_video: 'video',
};

export function mediaTypeOf(stored: Pick<MediaRecord, 'category' | 'mime'>): XMediaType {
	if (Object.hasOwn(MEDIA_TYPE_BY_CATEGORY, stored.category)) return MEDIA_TYPE_BY_CATEGORY[stored.category];
	const mime = String(stored.mime || '');
	if (mime === 'image/gif') return 'animated_gif';
	return mime.startsWith('video/') ? 'video' : 'photo';
}

const SNAPSHOT_FIELDS = ['width', 'height', 'duration_ms', 'alt_text'] as const;

export function snapshotOf(stored: MediaRecord, resourceStyle: 'fileName' | 'mediaId' = 'fileName'): MediaSnapshot {
	const snapshot: MediaSnapshot = { media_key: stored.media_key, type: mediaTypeOf(stored) };
	for (const field of SNAPSHOT_FIELDS) if (stored[field] !== undefined) Object.assign(snapshot, { [field]: stored[field] });
	if (stored.mime) snapshot.mime = stored.mime;
	snapshot.resource_id = mediaFileName(stored.id, snapshot, resourceStyle);
	return snapshot;
}

export interface ResolvedAttachment {
	mediaId: string;
	snapshot: MediaSnapshot;
}

/** Throws the 403 from media.ts for media that cannot go into a DM. */
export function resolveAttachments(ctx: ApiContext, attachments: ReadonlyArray<{ media_id: string }> = []): ResolvedAttachment[] {
	if (!attachments.length) return [];
	const { state, clock } = ctx.emulator;
	return attachments.map(({ media_id: mediaId }) => {
		const stored = media.checkAttachable(state, clock, { mediaId, userId: callerId(ctx) });
		return { mediaId, snapshot: snapshotOf(stored, ctx.emulator.options.dmMediaResourceId) };
	});
}

export function markAttachmentsUsed(ctx: ApiContext, resolved: readonly ResolvedAttachment[]): void {
	const { state, clock } = ctx.emulator;
	for (const { mediaId } of resolved) media.markUsed(state, clock, { mediaId, userId: ctx.auth.userId });
}
