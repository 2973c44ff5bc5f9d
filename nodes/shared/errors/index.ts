import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { XApiFailure } from '../transport';
import { present } from './messages';

export type { Presentation } from './messages';
export { networkFailureText, present } from './messages';

function fromFailure(node: INode, failure: XApiFailure, itemIndex: number | undefined): NodeApiError | NodeOperationError {
	const { message, description, httpCode, errorResponse, context } = present(failure);
	// No request was made: a setting to fix, not an answer of X.
	if (failure.kind === 'invalid-base-url' || failure.kind === 'app-keys-missing') return new NodeOperationError(node, message, { itemIndex, description });
	const error = new NodeApiError(node, errorResponse, { message, description, httpCode, itemIndex });
	if (context) Object.assign(error.context, context);
	return error;
}

/**
 * The one error wrapper of both nodes, used where an error leaves the node (an item of the action node, a poll, a
 * list search): a transport failure becomes the NodeApiError users know, n8n errors are kept (with the item index
 * added), anything else is wrapped in a NodeOperationError.
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof XApiFailure) return fromFailure(node, error, itemIndex);
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (itemIndex !== undefined && error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
}
