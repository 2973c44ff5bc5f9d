import type { IBinaryData, IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { ProcessingInfo } from './models';
import { decodeMediaUpload } from './models';
import type { XApi } from './transport';
import { formatCount, invalidParameter } from './validation';

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

const KIND_NAMES: Record<DmMediaCategory, string> = { dm_image: 'images', dm_gif: 'GIFs', dm_video: 'videos' };

/** "16.2 MB, more than X allows for GIFs (15 MB)"; in bytes when one decimal of MB cannot tell the size from the limit. */
function tooLargeText(bytes: number, category: DmMediaCategory): string {
	const limit = MAX_BYTES[category];
	const megabytes = (bytes / MB).toFixed(1);
	if (Number(megabytes) > limit / MB) return `${megabytes} MB, more than X allows for ${KIND_NAMES[category]} (${limit / MB} MB)`;
	return `${formatCount(bytes)} bytes, more than X allows for ${KIND_NAMES[category]} (${limit / MB} MB = ${formatCount(limit)} bytes)`;
}

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
	if (buffer.length > MAX_BYTES[category]) {
		throw invalidParameter(this, itemIndex, `${parameter}: the file is ${tooLargeText(buffer.length, category)}`);
	}
	return { buffer, mimeType, category, size: buffer.length, fileName: binary.fileName, binaryPropertyName: name };
}

function mediaIdMissing(node: INode, itemIndex: number): NodeOperationError {
	return new NodeOperationError(node, 'X did not return a media ID for the upload', { itemIndex });
}

/** Uploads prepared media through the v2 media endpoints and waits until X has processed it. */
export async function uploadMedia(
	api: XApi,
	node: INode,
	media: PreparedMedia,
	itemIndex: number,
	maxProcessingWaitSeconds = DEFAULT_MAX_PROCESSING_WAIT_SECONDS,
): Promise<UploadedMedia> {
	const wait = { api, node, itemIndex, maxWaitSeconds: maxProcessingWaitSeconds };
	if (media.category === 'dm_image' && media.size <= ONE_SHOT_MAX_BYTES) {
		const { body } = await api.write('POST', '/2/media/upload', {
			media: media.buffer.toString('base64'),
			media_category: media.category,
			media_type: media.mimeType,
		});
		const uploaded = decodeMediaUpload(body);
		if (!uploaded.id) throw mediaIdMissing(node, itemIndex);
		await waitForProcessing(wait, uploaded.id, uploaded.processing_info);
		return { media_id: uploaded.id, media_key: uploaded.media_key, media_category: media.category };
	}

	const segments = Math.ceil(media.size / CHUNK_SIZE_BYTES);
	if (segments > MAX_SEGMENTS) {
		throw new NodeOperationError(node, 'The file is too large to upload in 1,000 segments', { itemIndex });
	}
	const initialized = decodeMediaUpload(
		(await api.write('POST', '/2/media/upload/initialize', {
			media_type: media.mimeType,
			total_bytes: media.size,
			media_category: media.category,
		})).body,
	);
	const { id } = initialized;
	if (!id) throw mediaIdMissing(node, itemIndex);
	for (let segment = 0; segment < segments; segment++) {
		const chunk = media.buffer.subarray(segment * CHUNK_SIZE_BYTES, (segment + 1) * CHUNK_SIZE_BYTES);
		await api.write('POST', `/2/media/upload/${id}/append`, { media: chunk.toString('base64'), segment_index: segment });
	}
	const finalized = decodeMediaUpload((await api.write('POST', `/2/media/upload/${id}/finalize`)).body);
	await waitForProcessing(wait, id, finalized.processing_info);
	return { media_id: id, media_key: finalized.media_key ?? initialized.media_key, media_category: media.category };
}

interface ProcessingWait {
	api: XApi;
	node: INode;
	itemIndex: number;
	maxWaitSeconds: number;
}

async function waitForProcessing(
	{ api, node, itemIndex, maxWaitSeconds }: ProcessingWait,
	mediaId: string,
	initialInfo: ProcessingInfo | undefined,
): Promise<void> {
	let info = initialInfo;
	let waitedMs = 0;
	while (info && (info.state === 'pending' || info.state === 'in_progress')) {
		const checkAfter = info.check_after_secs;
		// Follow X's hint, bounded so a bogus value neither spins nor stalls.
		const waitMs = Math.min(30, Math.max(1, checkAfter !== undefined ? checkAfter : 1)) * 1000;
		if (waitedMs + waitMs > maxWaitSeconds * 1000) {
			throw new NodeOperationError(node, `X is still processing the uploaded media after ${Math.round(waitedMs / 1000)} s`, {
				itemIndex,
				description: `Media ID ${mediaId}. Try again later with this media ID as the attachment.`,
			});
		}
		await sleep(waitMs);
		waitedMs += waitMs;
		const { body } = await api.get('/2/media/upload', { command: 'STATUS', media_id: mediaId });
		info = decodeMediaUpload(body).processing_info;
	}
	if (info?.state === 'failed') {
		const error = info.error ?? {};
		throw new NodeOperationError(
			node,
			`X could not process the uploaded media: ${error.message ?? error.name ?? 'processing failed'}`,
			{ itemIndex, description: `Media ID ${mediaId}. Check that the file is a valid, supported image or video.` },
		);
	}
}
