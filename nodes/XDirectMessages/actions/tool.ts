import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { DmEvent, XIncludes } from '../../shared/models';

// The node as an AI agent's tool: n8n derives the "X Direct Messages Tool" node type (`<name>Tool`) from
// `usableAsTool` and runs the same execute with the model's arguments. A tool run answers the model in a compact,
// readable form and returns errors as results, so that the agent can correct itself instead of the run failing.

/** Whether this run is the tool variant of the node, called by an AI agent. */
export function isToolRun(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

/** An error as one or two plain sentences for the model: the message, then what to do about it. */
export function toolErrorText(error: NodeApiError | NodeOperationError): string {
	const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);
	const parts = [sentence(error.message.trim())];
	const description = typeof error.description === 'string' ? error.description.trim() : '';
	if (description && !error.message.includes(description)) parts.push(sentence(description));
	return parts.join(' ');
}

/** What the model gets back from a failed tool call: the error in words (nothing else, so it cannot look like a result). */
export function toolErrorResult(error: NodeApiError | NodeOperationError): IDataObject {
	const result: IDataObject = { error: toolErrorText(error) };
	if (error instanceof NodeApiError && error.httpCode) result.httpCode = error.httpCode;
	return result;
}

function usernames(includes: XIncludes): Map<string, string> {
	return new Map((includes.users ?? []).map((user) => [user.id, user.username]));
}

/**
 * A DM event as a model reads it: who wrote what, when, in which conversation. Users are named `@username` when X
 * returned them (the default expansions do), else by ID; media are counted, not inlined.
 */
function compactEvent(event: DmEvent, names: Map<string, string>): IDataObject {
	const user = (id: string) => {
		const name = names.get(id);
		return name ? `@${name}` : id;
	};
	const compact: IDataObject = { id: event.id, type: event.event_type };
	if (event.created_at) compact.created_at = event.created_at;
	if (event.dm_conversation_id) compact.conversation_id = event.dm_conversation_id;
	if (event.sender_id) {
		compact.sender_id = event.sender_id;
		compact.from = user(event.sender_id);
	}
	if (event.text !== undefined) compact.text = event.text;
	if (event.participant_ids?.length) compact.participants = event.participant_ids.map(user);
	const media = event.attachments?.media_keys?.length ?? 0;
	if (media) compact.attachments = media;
	const posts = event.referenced_tweets ?? event.referenced_posts;
	if (posts?.length) compact.shared_post_ids = posts.map((post) => post.id);
	return compact;
}

/** The events of Get and Get Many as a tool returns them (compactEvent). */
export function compactEvents(events: DmEvent[], includes: XIncludes): IDataObject[] {
	const names = usernames(includes);
	return events.map((event) => compactEvent(event, names));
}
