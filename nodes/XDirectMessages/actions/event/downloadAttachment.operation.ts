import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { downloadEventAttachments, withDownloadQuery } from '../../../shared/attachment-download';
import { executeApi } from '../../../shared/connection';
import { decodeDmEvent } from '../../../shared/models';
import {
	binaryPropertyOption,
	eventIdProperty,
	optionsCollection,
	readBinaryProperty,
	refuseOAuth1Download,
	requestOptions,
} from '../../../shared/properties';
import type { OperationResult } from '../types';
import { readEventId } from './shared';

export const description = updateDisplayOptions({ show: { resource: ['event'], operation: ['downloadAttachment'] } }, [
	eventIdProperty('ID of the DM event whose attachment to download (dm_event_id), e.g. {{ $json.id }} after Get Many'),
	binaryPropertyOption,
	optionsCollection(requestOptions),
]);

/** Looks the event up (for its media ids) and downloads its attachment into the binary field. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const eventId = readEventId.call(this, itemIndex);
	const property = readBinaryProperty(this.getNode(), this.getNodeParameter('outputBinaryField', itemIndex, 'data'), 'Put Output File in Field', itemIndex);
	refuseOAuth1Download(this.getNode(), this.getNodeParameter('authentication', itemIndex, 'oAuth2'), itemIndex);
	const api = executeApi(this, itemIndex);
	const { body } = await api.get(`/2/dm_events/${eventId}`, withDownloadQuery({}));
	const { event, includes } = decodeDmEvent(body);
	if (!event) throw new NodeOperationError(this.getNode(), `X returned no DM event for ID ${eventId}`, { itemIndex });
	const prepare = async (bytes: Buffer, fileName?: string, mimeType?: string) => await this.helpers.prepareBinaryData(bytes, fileName, mimeType);
	const binary = await downloadEventAttachments(api, prepare, event, includes, property);
	if (!binary) {
		throw new NodeOperationError(this.getNode(), `The DM event ${eventId} has no attachment`, {
			itemIndex,
			description: 'Only message events with media (attachments.media_keys) can be downloaded.',
		});
	}
	const files = Object.entries(binary).map(([field, file]) => ({ field, fileName: file.fileName, mimeType: file.mimeType }));
	return { items: [{ json: { eventId, mediaKeys: event.attachments?.media_keys ?? [], files }, binary }] };
}
