import type { IDataObject } from 'n8n-workflow';

import { isRecord, isString, records } from './json';

/**
 * The answer to a send (OpenAPI `CreateDmEventResponse`): the ids of the new event and its conversation, and any
 * partial errors X reported beside them.
 */
export interface DmSendResult extends IDataObject {
	dm_conversation_id: string;
	dm_event_id: string;
	errors?: IDataObject[];
}

/** Undefined when X did not return both ids. */
export function decodeSendResult(body: IDataObject): DmSendResult | undefined {
	const data = isRecord(body.data) ? body.data : {};
	if (!isString(data.dm_event_id) || !isString(data.dm_conversation_id)) return undefined;
	const result: DmSendResult = { dm_conversation_id: data.dm_conversation_id, dm_event_id: data.dm_event_id };
	const errors = records(body.errors);
	if (errors.length) result.errors = errors;
	return result;
}

/** DELETE /2/dm_events/{event_id} (OpenAPI `DeleteDmResponse`). */
export function decodeDeleted(body: IDataObject): boolean {
	return isRecord(body.data) && body.data.deleted === true;
}
