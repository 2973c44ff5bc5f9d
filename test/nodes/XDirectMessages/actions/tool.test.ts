// The AI-tool helpers of the action node: the error sentences and the compact events an agent reads.
import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { compactEvents, isToolRun, toolErrorResult, toolErrorText } from '../../../../nodes/XDirectMessages/actions/tool';

const node: INode = { id: 'n', name: 'X DM', type: 'n8n-nodes-x-dm.xDirectMessages', typeVersion: 1, position: [0, 0], parameters: {} };
const context = (type: string) => ({ getNode: () => ({ ...node, type }) }) as unknown as Parameters<typeof isToolRun>[0];

test('a run is a tool run only for the <name>Tool variant n8n derives from usableAsTool', () => {
	expect(isToolRun(context('n8n-nodes-x-dm.xDirectMessagesTool'))).toBe(true);
	expect(isToolRun(context('n8n-nodes-x-dm.xDirectMessages'))).toBe(false);
});

test('an error becomes sentences: the message, then what to do, each ending with a full stop', () => {
	const withHint = new NodeOperationError(node, 'Recipient: "x y" is not a valid X username', { description: 'Usernames have 1 to 15 letters' });
	expect(toolErrorText(withHint)).toBe('Recipient: "x y" is not a valid X username. Usernames have 1 to 15 letters.');
	expect(toolErrorResult(withHint)).toEqual({ error: 'Recipient: "x y" is not a valid X username. Usernames have 1 to 15 letters.' });
	expect(toolErrorText(new NodeOperationError(node, 'Already a sentence!'))).toBe('Already a sentence!');
	const fromX = new NodeApiError(node, { status: 403 }, { message: 'X refused: the user does not accept Direct Messages', httpCode: '403' });
	expect(toolErrorResult(fromX)).toEqual({ error: 'X refused: the user does not accept Direct Messages.', httpCode: '403' });
});

test('compact events name users by @username when X returned them, else by ID, and count media', () => {
	const events = [
		{ id: '3', event_type: 'MessageCreate', text: 'look', sender_id: '10', dm_conversation_id: '99', created_at: '2026-01-02T00:00:00.000Z', attachments: { media_keys: ['3_1', '3_2'] }, referenced_tweets: [{ id: '555' }] },
		{ id: '2', event_type: 'ParticipantsJoin', sender_id: '11', dm_conversation_id: '99', participant_ids: ['10', '12'] },
		{ id: '1', event_type: 'ParticipantsLeave', dm_conversation_id: '99', participant_ids: ['12'] },
	];
	const includes = { users: [{ id: '10', name: 'Bob', username: 'bob' }, { id: '11', name: 'Carol', username: 'carol' }] };
	expect(compactEvents(events, includes)).toEqual([
		{ id: '3', type: 'MessageCreate', created_at: '2026-01-02T00:00:00.000Z', conversation_id: '99', sender_id: '10', from: '@bob', text: 'look', attachments: 2, shared_post_ids: ['555'] },
		{ id: '2', type: 'ParticipantsJoin', conversation_id: '99', sender_id: '11', from: '@carol', participants: ['@bob', '12'] },
		{ id: '1', type: 'ParticipantsLeave', conversation_id: '99', participants: ['12'] },
	]);
});
