import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { attachmentProperties, optionsCollection, requestOptions, textProperty } from '../../../shared/properties';
import { getCredentialType, xApiRequest } from '../../../shared/transport';
import { invalidParameter, MIN_GROUP_PARTICIPANTS, parseParticipants } from '../../../shared/validation';
import {
	messageBody,
	postMessage,
	prepareAttachment,
	readText,
	resolveAttachment,
	resolveUserIds,
	sendResult,
	sentContent,
	toNodeError,
} from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'Participants',
		name: 'participants',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 944480690, @XDevelopers',
		description:
			'2 to 49 users to add besides you, as user IDs or @usernames separated by commas. Only-digit entries are read as IDs.',
	},
	{
		...textProperty,
		description: 'The first message of the group. May be empty when the message has an attachment.',
	},
	...attachmentProperties,
	optionsCollection([
		...requestOptions,
		{
			displayName: 'Reuse Existing Group',
			name: 'reuseExistingGroup',
			type: 'boolean',
			default: false,
			description:
				'Whether to send into the group this workflow already created with the same participants and credential, instead of creating another group (X creates a new group on every request). Groups are remembered only in active (production) executions.',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['createGroup'] } }, properties);

interface GroupMemory extends IDataObject {
	groups: IDataObject;
}

function groupKey(this: IExecuteFunctions, participantIds: string[], itemIndex: number): string {
	const credentialType = getCredentialType(this, itemIndex);
	const credentialId = this.getNode().credentials?.[credentialType]?.id ?? 'default';
	const sortedIds = [...participantIds].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
	return `${credentialType}:${credentialId}:${sortedIds.join(',')}`;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const references = parseParticipants(this, this.getNodeParameter('participants', itemIndex, ''), itemIndex);
	const attachment = await prepareAttachment.call(this, itemIndex);
	const text = readText.call(this, itemIndex, attachment);
	const reuseExistingGroup = this.getNodeParameter('options.reuseExistingGroup', itemIndex, false) === true;

	const participantIds = await resolveUserIds.call(this, references, itemIndex);
	if (participantIds.length < MIN_GROUP_PARTICIPANTS) {
		throw invalidParameter(
			this,
			itemIndex,
			`Participants: the usernames and IDs given name only ${participantIds.length} distinct user`,
			`A group needs at least ${MIN_GROUP_PARTICIPANTS} participants besides you.`,
		);
	}
	const resolvedAttachment = await resolveAttachment.call(this, attachment, itemIndex);
	const message = messageBody(text, resolvedAttachment.mediaId);

	const memory = this.getWorkflowStaticData('node') as GroupMemory;
	const key = groupKey.call(this, participantIds, itemIndex);
	if (reuseExistingGroup) {
		memory.groups = memory.groups ?? {};
		const knownConversationId = memory.groups[key];
		if (typeof knownConversationId === 'string') {
			try {
				const path = `/2/dm_conversations/${knownConversationId}/messages`;
				const result = await postMessage.call(this, path, text, resolvedAttachment, itemIndex);
				return [
					{
						...result,
						participant_ids: participantIds,
						reused_existing_group: true,
						...sentContent(text, resolvedAttachment),
					},
				];
			} catch (error) {
				// Only a definite refusal (group gone, no longer a member) makes a new group safe to create.
				const refused =
					error instanceof NodeApiError && ['403', '404'].includes(String(error.httpCode ?? ''));
				if (!refused) throw toNodeError.call(this, error, itemIndex);
				delete memory.groups[key];
			}
		}
	}

	const { body } = await xApiRequest.call(this, {
		method: 'POST',
		path: '/2/dm_conversations',
		body: { conversation_type: 'Group', participant_ids: participantIds, message },
		itemIndex,
		isSend: true,
	});
	const result = sendResult.call(this, body, itemIndex);
	if (reuseExistingGroup) memory.groups[key] = result.dm_conversation_id;
	return [
		{
			...result,
			participant_ids: participantIds,
			reused_existing_group: false,
			...sentContent(text, resolvedAttachment),
		},
	];
}
