import type { IBinaryData, IBinaryKeyData, IDataObject } from 'n8n-workflow';

import type { DmEvent, XIncludes, XMedia } from './models';
import { isRecord } from './models/json';
import type { XApi } from './transport';

/**
 * DM attachments into n8n binary data, one helper for the action node and the trigger.
 *
 * `GET /2/dm_conversations/media/{dm_id}/{media_id}/{resource_id}` names three ids that X does not map to a dm_event.
 * Read here (README "Downloading attachments"): they are the three last segments of the media's legacy TON URL
 * (`https://ton.twitter.com/1.1/ton/data/dm/<dm_id>/<media_id>/<file>`), which X returns as the `url` of a photo and in
 * `variants[].url` of a video or GIF. Without such a URL: dm_id = the event's id, media_id = the digits after the `_`
 * of its `attachments.media_keys` entry, resource_id = `<media_id>.<extension of the media type>`.
 */

/** What a request must ask for so that the download ids are in the answer. */
export const DOWNLOAD_QUERY: Readonly<Record<string, string[]>> = {
	'dm_event.fields': ['id', 'event_type', 'attachments'],
	expansions: ['attachments.media_keys'],
	'media.fields': ['media_key', 'type', 'url', 'variants'],
};

/** The query with the download fields added to whatever it asks for already. */
export function withDownloadQuery(qs: IDataObject): IDataObject {
	const merged: IDataObject = { ...qs };
	for (const [name, values] of Object.entries(DOWNLOAD_QUERY)) {
		const current = merged[name];
		const list = Array.isArray(current) ? current.map(String) : typeof current === 'string' && current ? current.split(',') : [];
		merged[name] = [...new Set([...list, ...values])];
	}
	return merged;
}

export interface AttachmentRef {
	mediaKey: string;
	dmId: string;
	mediaId: string;
	resourceId: string;
	/** The media's `type` (photo, video, animated_gif) when X said. */
	mediaType?: string;
}

const TON_PATH = /\/dm\/(\d{1,19})\/(\d{1,19})\/([A-Za-z0-9_.-]{1,50})$/;

/** The download ids a DM's TON URL names; undefined for any other URL. */
export function tonIds(url: unknown): Pick<AttachmentRef, 'dmId' | 'mediaId' | 'resourceId'> | undefined {
	if (typeof url !== 'string') return undefined;
	const match = TON_PATH.exec(url.split(/[?#]/)[0]);
	return match ? { dmId: match[1], mediaId: match[2], resourceId: match[3] } : undefined;
}

/** The URL of the file itself: a photo's `url`, else the best-quality variant's. */
function fileUrl(media: XMedia | undefined): unknown {
	if (!media) return undefined;
	if (typeof media.url === 'string') return media.url;
	const variants = Array.isArray(media.variants) ? media.variants.filter(isRecord) : [];
	const rate = (variant: IDataObject) => (typeof variant.bit_rate === 'number' ? variant.bit_rate : 0);
	return [...variants].sort((a, b) => rate(b) - rate(a))[0]?.url;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	gif: 'image/gif',
	webp: 'image/webp',
	bmp: 'image/bmp',
	tiff: 'image/tiff',
	mp4: 'video/mp4',
	mov: 'video/quicktime',
};

/** The attachments of an event, with the ids of their download path. */
export function attachmentRefs(event: DmEvent, includes: XIncludes): AttachmentRef[] {
	const keys = event.attachments?.media_keys ?? [];
	return keys.map((mediaKey) => {
		const media = includes.media?.find((item) => item.media_key === mediaKey);
		const mediaId = mediaKey.split('_').pop() ?? mediaKey;
		const ids = tonIds(fileUrl(media)) ?? {
			dmId: event.id,
			mediaId,
			resourceId: `${mediaId}.${media?.type === 'photo' || media === undefined ? 'jpg' : 'mp4'}`,
		};
		return { mediaKey, mediaType: media?.type, ...ids };
	});
}

export function downloadPath(ref: AttachmentRef): string {
	return `/2/dm_conversations/media/${ref.dmId}/${ref.mediaId}/${encodeURIComponent(ref.resourceId)}`;
}

/** The MIME type: X's Content-Type unless it is the generic one, else the file extension's. */
function mimeTypeOf(headers: IDataObject, resourceId: string): string {
	const header = String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (header && header !== 'application/octet-stream') return header;
	const extension = resourceId.split('.').pop()?.toLowerCase() ?? '';
	return EXTENSIONS[extension] ?? 'application/octet-stream';
}

export type PrepareBinaryData = (bytes: Buffer, fileName?: string, mimeType?: string) => Promise<IBinaryData>;

/** Property names for an event's files: `data`, then `data_1`, `data_2` (X allows one attachment today). */
export function binaryPropertyName(base: string, index: number): string {
	return index === 0 ? base : `${base}_${index}`;
}

/** Downloads every attachment of the event; undefined when it has none. */
export async function downloadEventAttachments(
	api: XApi,
	prepare: PrepareBinaryData,
	event: DmEvent,
	includes: XIncludes,
	property: string,
): Promise<IBinaryKeyData | undefined> {
	const refs = attachmentRefs(event, includes);
	if (!refs.length) return undefined;
	const binary: IBinaryKeyData = {};
	for (const [index, ref] of refs.entries()) {
		const { bytes, headers } = await api.download(downloadPath(ref));
		binary[binaryPropertyName(property, index)] = await prepare(bytes ?? Buffer.alloc(0), ref.resourceId, mimeTypeOf(headers, ref.resourceId));
	}
	return binary;
}
