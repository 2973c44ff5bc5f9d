import type { IDataObject, INodeExecutionData, ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { downloadEventAttachments, tonIds, withDownloadQuery } from '../shared/attachment-download';
import { triggerLimits } from '../shared/connection';
import { toNodeError } from '../shared/errors';
import type { DmEvent, XIncludes } from '../shared/models';
import { decodeDmEvent } from '../shared/models';
import { isRecord } from '../shared/models/json';
import type { XApi } from '../shared/transport';
import { createXApi, OAUTH2_CREDENTIAL_TYPE } from '../shared/transport';
import type { InstantItem } from './payload';

/**
 * "Download Attachments" of the instant trigger. X waits for the answer to a delivery (its docs: respond within 10
 * seconds), and n8n answers only after webhook() returns, so the downloads of one delivery share a budget below that.
 * A DM is never lost for its file: whatever fails, the message is emitted with `attachmentError` (X does not deliver
 * it again, and the dedupe would drop a retry anyway).
 */
export const DOWNLOAD_BUDGET_MS = 8000;

/** A webhook request (Instant Trigger) or a held stream (Stream Trigger). */
type PushContext = IWebhookFunctions | ITriggerFunctions;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The URLs of a pushed v1.1 media object, video variants first (best bit rate), then the photo's own. */
function pushedUrls(media: IDataObject): string[] {
	const info = isRecord(media.video_info) ? media.video_info : {};
	const variants = Array.isArray(info.variants) ? info.variants.filter(isRecord) : [];
	const rate = (variant: IDataObject) => (typeof variant.bitrate === 'number' ? variant.bitrate : 0);
	const urls = [...variants].sort((a, b) => rate(b) - rate(a)).map((variant) => variant.url);
	return [...urls, media.media_url_https, media.media_url].map(text).filter((url): url is string => url !== undefined);
}

/** The media of the pushed message as v2 includes, when X's delivery names the file's TON URL; else undefined. */
function pushedIncludes(item: InstantItem, mediaKey: string): XIncludes | undefined {
	const url = item.media ? pushedUrls(item.media).find((candidate) => tonIds(candidate) !== undefined) : undefined;
	if (url === undefined) return undefined;
	const type = text(item.media?.type) === 'photo' || item.media?.type === undefined ? 'photo' : String(item.media.type);
	return { media: [{ media_key: mediaKey, type, url }] };
}

/** The user's API with a timeout that ends at the deadline at the latest. */
function apiUntil(ctx: PushContext, deadline: number): XApi {
	const left = deadline - Date.now();
	if (left <= 0) {
		throw new NodeOperationError(ctx.getNode(), `No time left to download the attachment: X expects an answer within seconds`);
	}
	const limits = triggerLimits(ctx);
	return createXApi({ context: ctx, credentialType: OAUTH2_CREDENTIAL_TYPE }, { maxRateLimitWaitMs: 0, timeoutMs: Math.min(limits.timeoutMs, left) });
}

/** Downloads one message's attachment; the message is looked up when the delivery does not name the file. */
async function downloadItem(ctx: PushContext, item: InstantItem, property: string, deadline: number): Promise<INodeExecutionData> {
	const id = String(item.json.id);
	const attachments = item.json.attachments as { media_keys: string[] };
	let event: DmEvent = { id, event_type: 'MessageCreate', attachments: { media_keys: attachments.media_keys } };
	let includes = pushedIncludes(item, attachments.media_keys[0]);
	if (includes === undefined) {
		const { body } = await apiUntil(ctx, deadline).get(`/2/dm_events/${id}`, withDownloadQuery({}));
		const found = decodeDmEvent(body);
		if (!found.event) throw new NodeOperationError(ctx.getNode(), `X returned no DM event for ID ${id}`);
		({ event, includes } = found);
	}
	const prepare = async (bytes: Buffer, fileName?: string, mimeType?: string) => await ctx.helpers.prepareBinaryData(bytes, fileName, mimeType);
	const binary = await downloadEventAttachments(apiUntil(ctx, deadline), prepare, event, includes, property);
	return binary ? { json: item.json, binary } : { json: item.json };
}

const hasAttachment = (item: InstantItem): boolean => {
	const attachments = item.json.attachments;
	return item.json.id !== undefined && isRecord(attachments) && Array.isArray(attachments.media_keys) && attachments.media_keys.length > 0;
};

/** The items of a delivery, messages with media carrying their files (or `attachmentError`). */
export async function withAttachments(
	ctx: PushContext,
	items: InstantItem[],
	property: string,
	nodeLabel = 'X Direct Messages Instant Trigger',
): Promise<INodeExecutionData[]> {
	const deadline = Date.now() + DOWNLOAD_BUDGET_MS;
	const result: INodeExecutionData[] = [];
	for (const item of items) {
		if (!hasAttachment(item)) {
			result.push({ json: item.json });
			continue;
		}
		try {
			result.push(await downloadItem(ctx, item, property, deadline));
		} catch (error) {
			const message = toNodeError(ctx.getNode(), error).message;
			ctx.logger.warn(`${nodeLabel} "${ctx.getNode().name}": the attachment of DM ${String(item.json.id)} was not downloaded: ${message}`);
			result.push({ json: { ...item.json, attachmentError: message } });
		}
	}
	return result;
}
