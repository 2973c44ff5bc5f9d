import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toNodeError } from '../../shared/errors';
import * as conversation from './conversation';
import * as event from './event';
import * as message from './message';
import { isToolRun, toolErrorResult } from './tool';
import type { OperationResult } from './types';
import * as user from './user';

type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<OperationResult>;

const operations: Record<string, Record<string, OperationExecute>> = {
	message: {
		sendToUser: message.sendToUser.execute,
		sendToConversation: message.sendToConversation.execute,
	},
	conversation: {
		createGroup: conversation.createGroup.execute,
	},
	event: {
		getMany: event.getMany.execute,
		get: event.get.execute,
		delete: event.delete.execute,
		downloadAttachment: event.downloadAttachment.execute,
	},
	user: {
		blockDms: user.blockDms.execute,
		unblockDms: user.unblockDms.execute,
	},
};

function errorJson(error: unknown): IDataObject {
	const json: IDataObject = { error: error instanceof Error ? error.message : String(error) };
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.description) json.description = error.description;
	}
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	return json;
}

/** Runs the selected operation once per input item; every output item is paired with its input item. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = this.getNodeParameter('resource', itemIndex) as string;
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			const execute = operations[resource]?.[operation];
			if (!execute) {
				throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`, {
					itemIndex,
				});
			}
			const results = await execute.call(this, itemIndex);
			const outputs = Array.isArray(results) ? results.map((json) => ({ json })) : results.items;
			for (const output of outputs) returnData.push({ ...output, pairedItem: { item: itemIndex } });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex);
			// An agent's tool call that fails is the model's to correct (a bad ID, an unknown user, a rate limit): it
			// gets the error as its result; a failed run would end the whole agent.
			if (isToolRun(this)) {
				returnData.push({ json: toolErrorResult(nodeError), pairedItem: { item: itemIndex } });
				continue;
			}
			if (this.continueOnFail()) {
				returnData.push({ json: errorJson(nodeError), pairedItem: { item: itemIndex } });
				continue;
			}
			throw nodeError;
		}
	}
	return [returnData];
}
