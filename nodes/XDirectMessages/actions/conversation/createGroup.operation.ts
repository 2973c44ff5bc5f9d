import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { executeApi } from '../../../shared/connection';
import { isRecord } from '../../../shared/models';
import { attachmentProperties, onlySendToOption, optionsCollection, requestOptions, textProperty } from '../../../shared/properties';
import { settle } from '../../../shared/settle';
import type { XApi } from '../../../shared/transport';
import { isXApiFailure } from '../../../shared/transport';
import type { UserReference } from '../../../shared/validation';
import { parseParticipants } from '../../../shared/lists';
import { invalidParameter, MAX_GROUP_PARTICIPANTS, MIN_GROUP_PARTICIPANTS } from '../../../shared/validation';
import { ensureParticipantsAllowed, readAllowList } from '../allow-list';
import type { ResolvedAttachment } from '../attachment';
import { prepareAttachment, readText, resolveAttachment } from '../attachment';
import { authenticatedUser, resolveUserIds } from '../recipients';
import { messageBody, postMessage, sendResult, sentContent } from '../send';

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
		onlySendToOption,
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

/** The groups this workflow created, by participants and credential (static data: kept in active executions). */
function rememberedGroups(this: IExecuteFunctions): IDataObject {
	const memory = this.getWorkflowStaticData('node');
	if (isRecord(memory.groups)) return memory.groups;
	const groups: IDataObject = {};
	memory.groups = groups;
	return groups;
}

function groupKey(this: IExecuteFunctions, api: XApi, participantIds: string[]): string {
	const { credentialType } = api.connection;
	const credentialId = this.getNode().credentials?.[credentialType]?.id ?? 'default';
	const sortedIds = [...participantIds].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
	return `${credentialType}:${credentialId}:${sortedIds.join(',')}`;
}

function groupOutput(
	participantIds: string[],
	reused: boolean,
	text: string | undefined,
	attachment: ResolvedAttachment,
): IDataObject {
	return { participant_ids: participantIds, reused_existing_group: reused, ...sentContent(text, attachment) };
}

/** X adds the creator to every group: the authenticated user among the participants is a mistake, caught before the send. */
async function refuseAuthenticatedUser(
	this: IExecuteFunctions,
	api: XApi,
	references: UserReference[],
	participantIds: string[],
	itemIndex: number,
): Promise<void> {
	const me = await authenticatedUser.call(this, api, itemIndex);
	if (!participantIds.includes(me.id)) return;
	const given = references.find((reference) =>
		reference.kind === 'id' ? reference.value === me.id : reference.value.toLowerCase() === me.username.toLowerCase(),
	);
	throw invalidParameter(
		this,
		itemIndex,
		`Participants: "${given?.kind === 'username' ? `@${given.value}` : me.id}" is the authenticated user (you): list only the other members`,
		`X adds you to every group you create. A group needs ${MIN_GROUP_PARTICIPANTS} to ${MAX_GROUP_PARTICIPANTS} participants besides you.`,
	);
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const references = parseParticipants(this, this.getNodeParameter('participants', itemIndex, ''), itemIndex);
	const attachment = await prepareAttachment.call(this, itemIndex);
	const text = readText.call(this, itemIndex, attachment);
	const reuseExistingGroup = this.getNodeParameter('options.reuseExistingGroup', itemIndex, false) === true;
	const allowList = readAllowList.call(this, itemIndex);

	const api = executeApi(this, itemIndex);
	const participantIds = await resolveUserIds.call(this, api, references, itemIndex, 'Participants');
	if (participantIds.length < MIN_GROUP_PARTICIPANTS) {
		throw invalidParameter(
			this,
			itemIndex,
			`Participants: the usernames and IDs given name only ${participantIds.length} distinct user`,
			`A group needs at least ${MIN_GROUP_PARTICIPANTS} participants besides you.`,
		);
	}
	await refuseAuthenticatedUser.call(this, api, references, participantIds, itemIndex);
	await ensureParticipantsAllowed.call(this, api, allowList, participantIds, itemIndex);
	const resolvedAttachment = await resolveAttachment.call(this, api, attachment, itemIndex);
	const message = messageBody(text, resolvedAttachment.mediaId);

	const groups = reuseExistingGroup ? rememberedGroups.call(this) : undefined;
	const key = groupKey.call(this, api, participantIds);
	if (groups) {
		const knownConversationId = groups[key];
		if (typeof knownConversationId === 'string') {
			const path = `/2/dm_conversations/${knownConversationId}/messages`;
			const sent = await settle(postMessage.call(this, api, path, text, resolvedAttachment, itemIndex));
			if (sent.ok) return [{ ...sent.value, ...groupOutput(participantIds, true, text, resolvedAttachment) }];
			// Only a definite refusal (group gone, no longer a member) makes a new group safe to create.
			const { error } = sent;
			const refused = isXApiFailure(error) && (error.kind === 'forbidden' || error.kind === 'not-found');
			if (!refused) throw error;
			delete groups[key];
		}
	}

	const { body } = await api.send('/2/dm_conversations', {
		conversation_type: 'Group',
		participant_ids: participantIds,
		message,
	});
	const result = sendResult.call(this, body, itemIndex);
	if (groups) groups[key] = result.dm_conversation_id;
	return [{ ...result, ...groupOutput(participantIds, false, text, resolvedAttachment) }];
}
