import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { downloadEventAttachments, withDownloadQuery } from '../../../shared/attachment-download';
import { executeApi } from '../../../shared/connection';
import { EVENT_TYPES } from '../../../shared/event-query';
import { parseConversationLocator, parseUserLocator } from '../../../shared/locators';
import type { DmEvent, XIncludes } from '../../../shared/models';
import { mergeIncludes } from '../../../shared/models';
import {
	attachmentsFieldOption,
	downloadAttachmentsOption,
	eventFieldProperties,
	eventTypesProperty,
	optionsCollection,
	readBinaryProperty,
	refuseOAuth1Download,
	requestOptions,
	scopeProperties,
} from '../../../shared/properties';
import type { XApi } from '../../../shared/transport';
import { dmEventPages } from '../../../shared/transport';
import { invalidParameter, validateLimit } from '../../../shared/validation';
import { resolveUser } from '../recipients';
import type { OperationItem, OperationResult } from '../types';
import { eventOutput, readChoices, readEventQuery } from './shared';

/** The "Download Attachments" option: the binary field to fill, or undefined when off (checked before any request). */
function readDownload(this: IExecuteFunctions, itemIndex: number): string | undefined {
	if (this.getNodeParameter('options.downloadAttachments', itemIndex, false) !== true) return undefined;
	const property = readBinaryProperty(this.getNode(), this.getNodeParameter('options.attachmentsField', itemIndex, 'data'), 'Put Attachments in Field', itemIndex);
	refuseOAuth1Download(this.getNode(), this.getNodeParameter('authentication', itemIndex, 'oAuth2'), itemIndex);
	return property;
}

/** One item per event; events with attachments carry them as binary data. */
async function withAttachments(this: IExecuteFunctions, api: XApi, events: DmEvent[], includes: XIncludes, property: string, itemIndex: number): Promise<OperationItem[]> {
	const shaped = eventOutput.call(this, events, includes, itemIndex);
	const prepare = async (bytes: Buffer, fileName?: string, mimeType?: string) => await this.helpers.prepareBinaryData(bytes, fileName, mimeType);
	const items: OperationItem[] = [];
	for (const [index, event] of events.entries()) {
		const binary = await downloadEventAttachments(api, prepare, event, includes, property);
		items.push(binary ? { json: shaped[index], binary } : { json: shaped[index] });
	}
	return items;
}

const properties: INodeProperties[] = [
	...scopeProperties,
	eventTypesProperty([]),
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	...eventFieldProperties,
	optionsCollection([...requestOptions, downloadAttachmentsOption, attachmentsFieldOption]),
];

export const description = updateDisplayOptions({ show: { resource: ['event'], operation: ['getMany'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const scope = this.getNodeParameter('scope', itemIndex, 'all');
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) === true;
	const limit = returnAll ? undefined : validateLimit(this, this.getNodeParameter('limit', itemIndex, 50), itemIndex);
	const chosen = readEventQuery.call(this, itemIndex, readChoices.call(this, 'eventTypes', 'Event Types', EVENT_TYPES, itemIndex));
	const download = readDownload.call(this, itemIndex);
	const qs = download === undefined ? chosen : withDownloadQuery(chosen);

	let path: string;
	let client: XApi | undefined;
	const api = () => (client ??= executeApi(this, itemIndex));
	if (scope === 'all') {
		path = '/2/dm_events';
	} else if (scope === 'conversation') {
		const conversationId = parseConversationLocator(this, this.getNodeParameter('conversation', itemIndex), 'Conversation', itemIndex);
		path = `/2/dm_conversations/${conversationId}/dm_events`;
	} else if (scope === 'participant') {
		const reference = parseUserLocator(this, this.getNodeParameter('participant', itemIndex), 'User', itemIndex);
		const user = await resolveUser.call(this, api(), reference, itemIndex, 'User');
		path = `/2/dm_conversations/with/${user.id}/dm_events`;
	} else {
		throw invalidParameter(this, itemIndex, `Scope: unknown value "${String(scope)}"`);
	}

	const events: DmEvent[] = [];
	const includes: XIncludes = {};
	for await (const page of dmEventPages(api(), { path, qs, limit })) {
		events.push(...page.newEvents);
		mergeIncludes(includes, page.includes);
	}
	if (download !== undefined) return { items: await withAttachments.call(this, api(), events, includes, download, itemIndex) };
	return eventOutput.call(this, events, includes, itemIndex);
}
