import type { IDataObject } from 'n8n-workflow';

import { isRecord, isString, numberOf, optional, textOf } from './json';

/** A media object of `includes.media` (OpenAPI `Media`: `type` required; `media_key` links it to events). */
export interface XMedia extends IDataObject {
	type: string;
	media_key?: string;
}

export function isXMedia(value: unknown): value is XMedia {
	return isRecord(value) && isString(value.type) && optional(value, 'media_key', isString);
}

export type ProcessingState = 'succeeded' | 'in_progress' | 'pending' | 'failed';

/** OpenAPI `ProcessingInfo`, plus the `error` X adds when processing failed. */
export interface ProcessingInfo {
	state?: ProcessingState;
	check_after_secs?: number;
	progress_percent?: number;
	error?: { name?: string; message?: string };
}

/** `data` of the media upload endpoints (OpenAPI `MediaUploadResponse`). */
export interface MediaUploadData {
	/** Empty when X returned no id. */
	id: string;
	media_key?: string;
	processing_info?: ProcessingInfo;
}

const STATES: ProcessingState[] = ['succeeded', 'in_progress', 'pending', 'failed'];

function processingState(value: unknown): ProcessingState | undefined {
	return STATES.find((state) => state === value);
}

function decodeProcessingInfo(value: unknown): ProcessingInfo | undefined {
	if (!isRecord(value)) return undefined;
	const info: ProcessingInfo = {
		state: processingState(value.state),
		check_after_secs: numberOf(value.check_after_secs),
		progress_percent: numberOf(value.progress_percent),
	};
	if (isRecord(value.error)) info.error = { name: textOf(value.error.name), message: textOf(value.error.message) };
	return info;
}

export function decodeMediaUpload(body: IDataObject): MediaUploadData {
	const data = isRecord(body.data) ? body.data : {};
	// v2 answers with `id`; the v1.1-shaped fields are read for servers that still send them.
	const id = textOf(data.id) ?? textOf(data.media_id_string) ?? textOf(data.media_id) ?? '';
	return { id, media_key: textOf(data.media_key), processing_info: decodeProcessingInfo(data.processing_info) };
}
