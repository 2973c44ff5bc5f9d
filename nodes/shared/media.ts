import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { xApiRequest } from './transport';
import { invalidParameter } from './validation';

export type DmMediaCategory = 'dm_image' | 'dm_gif' | 'dm_video';

export interface PreparedMedia {
	buffer: Buffer;
	mimeType: string;
	category: DmMediaCategory;
	size: number;
	fileName?: string;
	binaryPropertyName: string;
}

export interface UploadedMedia extends IDataObject {
	media_id: string;
	media_key?: string;
	media_category: DmMediaCategory;
}

const MB = 1024 * 1024;
// X's limits for DM media: images 5 MB (one request), GIFs 15 MB, videos 512 MB.
export const ONE_SHOT_MAX_BYTES = 5 * MB;
const MAX_BYTES: Record<DmMediaCategory, number> = {
	dm_image: 5 * MB,
	dm_gif: 15 * MB,
	dm_video: 512 * MB,
};
// Segments of 2 MB keep each JSON (base64) request well below X's per-request size limit.
export const CHUNK_SIZE_BYTES = 2 * MB;
const MAX_SEGMENTS = 1000;
const DEFAULT_MAX_PROCESSING_WAIT_SECONDS = 300;

const CATEGORY_BY_MIME: Record<string, DmMediaCategory> = {
	'image/jpeg': 'dm_image',
	'image/pjpeg': 'dm_image',
	'image/png': 'dm_image',
	'image/webp': 'dm_image',
	'image/bmp': 'dm_image',
	'image/tiff': 'dm_image',
	'image/gif': 'dm_gif',
	'video/mp4': 'dm_video',
	'video/quicktime': 'dm_video',
	'video/webm': 'dm_video',
	'video/mp2t': 'dm_video',
};

export function dmCategoryForMime(mimeType: string): DmMediaCategory | undefined {
	return CATEGORY_BY_MIME[mimeType.split(';')[0].trim().toLowerCase()];
}

/**
 * Checks the binary attachment of an input item before any request is made: property present,
 * MIME type usable in a DM, size within X's limit for that kind of media.
 */
export async function prepareBinaryAttachment(
	this: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: unknown,
	parameter = 'Input Binary Field',
): Promise<PreparedMedia> {
	const name = typeof binaryPropertyName === 'string' ? binaryPropertyName.trim() : '';
	if (name === '') {
		throw invalidParameter(this, itemIndex, `${parameter} is required`, 'Enter the name of the binary property that holds the file, e.g. "data".');
	}
	const item = this.getInputData()[itemIndex];
	const binary: IBinaryData | undefined = item?.binary?.[name];
	if (!binary) {
		const available = Object.keys(item?.binary ?? {});
		throw invalidParameter(
			this,
			itemIndex,
			`${parameter}: the input item has no binary property "${name}"`,
			available.length
				? `Binary properties on this item: ${available.join(', ')}.`
				: 'This item has no binary data at all. Read or download the file in a previous node.',
		);
	}
	const mimeType = (binary.mimeType ?? '').split(';')[0].trim().toLowerCase();
	const category = dmCategoryForMime(mimeType);
	if (!category) {
		throw invalidParameter(
			this,
			itemIndex,
			`${parameter}: files of type "${mimeType || 'unknown'}" cannot be attached to a Direct Message`,
			'X accepts JPEG, PNG, WEBP, BMP and TIFF images, GIFs, and MP4, MOV, WEBM or MPEG-TS videos.',
		);
	}
	const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, name);
	if (buffer.length === 0) {
		throw invalidParameter(this, itemIndex, `${parameter}: the file "${binary.fileName ?? name}" is empty`);
	}
	// Large images still go through the chunked upload, where X applies its own limit.
	if (category !== 'dm_image' && buffer.length > MAX_BYTES[category]) {
		throw invalidParameter(
			this,
			itemIndex,
			`${parameter}: the file is ${(buffer.length / MB).toFixed(1)} MB, more than X allows for ${
				category === 'dm_gif' ? 'GIFs' : 'videos'
			} (${MAX_BYTES[category] / MB} MB)`,
		);
	}
	return { buffer, mimeType, category, size: buffer.length, fileName: binary.fileName, binaryPropertyName: name };
}

function mediaIdOf(body: IDataObject): { id: string; mediaKey?: string } {
	const data = (body.data as IDataObject | undefined) ?? {};
	const id = data.id ?? data.media_id_string ?? data.media_id;
	return { id: String(id ?? ''), mediaKey: data.media_key === undefined ? undefined : String(data.media_key) };
}

/** Uploads prepared media through the v2 media endpoints and waits until X has processed it. */
export async function uploadMedia(
	this: IExecuteFunctions,
	media: PreparedMedia,
	itemIndex: number,
	maxProcessingWaitSeconds = DEFAULT_MAX_PROCESSING_WAIT_SECONDS,
): Promise<UploadedMedia> {
	if (media.category === 'dm_image' && media.size <= ONE_SHOT_MAX_BYTES) {
		const { body } = await xApiRequest.call(this, {
			method: 'POST',
			path: '/2/media/upload',
			body: {
				media: media.buffer.toString('base64'),
				media_category: media.category,
				media_type: media.mimeType,
			},
			itemIndex,
		});
		const { id, mediaKey } = mediaIdOf(body);
		if (!id) throw new NodeOperationError(this.getNode(), 'X did not return a media ID for the upload', { itemIndex });
		await waitForProcessing.call(this, id, (body.data as IDataObject)?.processing_info as IDataObject, itemIndex, maxProcessingWaitSeconds);
		return { media_id: id, media_key: mediaKey, media_category: media.category };
	}

	const segments = Math.ceil(media.size / CHUNK_SIZE_BYTES);
	if (segments > MAX_SEGMENTS) {
		throw new NodeOperationError(this.getNode(), 'The file is too large to upload in 1,000 segments', { itemIndex });
	}
	const { body: initialized } = await xApiRequest.call(this, {
		method: 'POST',
		path: '/2/media/upload/initialize',
		body: { media_type: media.mimeType, total_bytes: media.size, media_category: media.category },
		itemIndex,
	});
	const { id } = mediaIdOf(initialized);
	if (!id) throw new NodeOperationError(this.getNode(), 'X did not return a media ID for the upload', { itemIndex });
	for (let segment = 0; segment < segments; segment++) {
		const chunk = media.buffer.subarray(segment * CHUNK_SIZE_BYTES, (segment + 1) * CHUNK_SIZE_BYTES);
		await xApiRequest.call(this, {
			method: 'POST',
			path: `/2/media/upload/${id}/append`,
			body: { media: chunk.toString('base64'), segment_index: segment },
			itemIndex,
		});
	}
	const { body: finalized } = await xApiRequest.call(this, {
		method: 'POST',
		path: `/2/media/upload/${id}/finalize`,
		itemIndex,
	});
	const finalizedData = (finalized.data as IDataObject | undefined) ?? {};
	await waitForProcessing.call(this, id, finalizedData.processing_info as IDataObject, itemIndex, maxProcessingWaitSeconds);
	const mediaKey = finalizedData.media_key ?? (initialized.data as IDataObject | undefined)?.media_key;
	return {
		media_id: id,
		media_key: mediaKey === undefined ? undefined : String(mediaKey),
		media_category: media.category,
	};
}

async function waitForProcessing(
	this: IExecuteFunctions,
	mediaId: string,
	initialInfo: IDataObject | undefined,
	itemIndex: number,
	maxWaitSeconds: number,
): Promise<void> {
	let info = initialInfo;
	let waitedMs = 0;
	while (info && (info.state === 'pending' || info.state === 'in_progress')) {
		const checkAfter = Number(info.check_after_secs);
		// Follow X's hint, bounded so a bogus value neither spins nor stalls.
		const waitMs = Math.min(30, Math.max(1, Number.isFinite(checkAfter) ? checkAfter : 1)) * 1000;
		if (waitedMs + waitMs > maxWaitSeconds * 1000) {
			throw new NodeOperationError(
				this.getNode(),
				`X is still processing the uploaded media after ${Math.round(waitedMs / 1000)} s`,
				{ itemIndex, description: `Media ID ${mediaId}. Try again later with this media ID as the attachment.` },
			);
		}
		await sleep(waitMs);
		waitedMs += waitMs;
		const { body } = await xApiRequest.call(this, {
			method: 'GET',
			path: '/2/media/upload',
			qs: { command: 'STATUS', media_id: mediaId },
			itemIndex,
		});
		info = (body.data as IDataObject | undefined)?.processing_info as IDataObject | undefined;
	}
	if (info?.state === 'failed') {
		const error = (info.error as IDataObject | undefined) ?? {};
		throw new NodeOperationError(
			this.getNode(),
			`X could not process the uploaded media: ${String(error.message ?? error.name ?? 'processing failed')}`,
			{ itemIndex, description: `Media ID ${mediaId}. Check that the file is a valid, supported image or video.` },
		);
	}
}
