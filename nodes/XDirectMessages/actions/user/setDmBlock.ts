import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { executeApi } from '../../../shared/connection';
import { parseUserLocator } from '../../../shared/locators';
import { blockTargetPicker, optionsCollection, requestOptions } from '../../../shared/properties';
import { resolveUser } from '../recipients';

export function blockDescription(operation: string): INodeProperties[] {
	return updateDisplayOptions({ show: { resource: ['user'], operation: [operation] } }, [blockTargetPicker, optionsCollection(requestOptions)]);
}

/**
 * POST /2/users/{id}/dm/block or /dm/unblock: `{id}` is the target account (x-activity-api.md §11); the answer is
 * `{ data: { blocked } }`. A block or unblock is sent at most once: an unknown outcome is reported, never repeated.
 */
export async function setDmBlock(this: IExecuteFunctions, itemIndex: number, block: boolean): Promise<IDataObject[]> {
	const reference = parseUserLocator(this, this.getNodeParameter('user', itemIndex), 'User', itemIndex);
	const api = executeApi(this, itemIndex);
	const user = await resolveUser.call(this, api, reference, itemIndex, 'User');
	const { body } = await api.write('POST', `/2/users/${user.id}/dm/${block ? 'block' : 'unblock'}`);
	const data = body.data;
	const blocked = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as IDataObject).blocked : undefined;
	if (typeof blocked !== 'boolean') {
		throw new NodeOperationError(this.getNode(), `X's answer to the DM ${block ? 'block' : 'unblock'} had no "blocked" flag`, { itemIndex });
	}
	return [{ blocked }];
}
