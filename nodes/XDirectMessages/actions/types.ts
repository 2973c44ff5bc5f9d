import type { IBinaryKeyData, IDataObject } from 'n8n-workflow';

/** An output item of an operation that also returns files; the router pairs it with its input item. */
export interface OperationItem {
	json: IDataObject;
	binary?: IBinaryKeyData;
}

/** What an operation returns: plain JSON objects, or items that may carry binary data. */
export type OperationResult = IDataObject[] | { items: OperationItem[] };
