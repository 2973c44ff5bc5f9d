// How the emulator names a DM attachment for GET /2/dm_conversations/media/{dm_id}/{media_id}/{resource_id}.
// X documents the three path ids only as "DM event id", "media id" and "the resource identifier of the media file,
// including file extension (e.g. 'hVJQTwig.jpg')". The emulator's reading (documented guess, see the README):
// dm_id = the DM event's id, media_id = the digits after the `_` of its attachments.media_keys entry, and
// resource_id = the last segment of the media's TON URL (`url` of a photo, `variants[].url` of a video or GIF),
// the legacy layout https://ton.twitter.com/1.1/ton/data/dm/<dm_id>/<media_id>/<file>. Option dmMediaResourceId
// switches the file name between an opaque one ('fileName') and `<media id>.<extension>` ('mediaId').
import { createHash } from 'node:crypto';
import type { MediaSnapshot } from './state';

const EXTENSION_BY_MIME: Readonly<Record<string, string>> = {
	'image/jpeg': 'jpg',
	'image/pjpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/bmp': 'bmp',
	'image/tiff': 'tiff',
	'image/gif': 'gif',
	'video/mp4': 'mp4',
	'video/quicktime': 'mov',
};

/** The media's MIME type: as uploaded, else the usual one for its type. */
export function contentTypeOf(snapshot: Pick<MediaSnapshot, 'mime' | 'type'>): string {
	if (snapshot.mime && Object.hasOwn(EXTENSION_BY_MIME, snapshot.mime)) return snapshot.mime;
	return snapshot.type === 'photo' ? 'image/jpeg' : 'video/mp4';
}

export function extensionOf(snapshot: Pick<MediaSnapshot, 'mime' | 'type'>): string {
	return EXTENSION_BY_MIME[contentTypeOf(snapshot)];
}

/** The resource_id of an upload: stable for one media id, so a re-rendered event names the same file. */
export function mediaFileName(mediaId: string, snapshot: Pick<MediaSnapshot, 'mime' | 'type'>, style: 'fileName' | 'mediaId'): string {
	if (style === 'mediaId') return `${mediaId}.${extensionOf(snapshot)}`;
	const stem = createHash('sha256').update(`dm-media:${mediaId}`).digest('base64url').replace(/[-_]/g, '').slice(0, 12);
	return `${stem}.${extensionOf(snapshot)}`;
}
