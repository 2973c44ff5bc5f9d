// GET /2/dm_conversations/media/{dm_id}/{media_id}/{resource_id} (x-activity-api.md §11): the bytes of a DM
// attachment for a participant of its conversation. OAuth 1.0a and app-only tokens are refused by the spec's
// security (OAuth2UserToken dm.read only) before this handler runs. How the ids are read: dm-media-files.ts.
import { callerId, type ApiContext, type ApiRoute } from '../context';
import { contentTypeOf } from '../dm-media-files';
import * as responses from '../responses';
import * as store from '../store';

// Documented guesses: X's bodies for these failures are not captured. A DM the caller cannot see and media the DM
// does not carry are 404 resource-not-found (`resource_type: media`); a caller outside the conversation is 403.
const mediaNotFound = (parameter: string, value: string): responses.Reply =>
	responses.notFound({ resourceType: 'media', parameter, value, label: 'media' });

function download(ctx: ApiContext): responses.Reply {
	const { state, clock, options } = ctx.emulator;
	const { dm_id: dmId, media_id: mediaId, resource_id: resourceId } = ctx.params;
	const userId = callerId(ctx);
	const event = store.findEvent(state, dmId);
	if (!event) throw mediaNotFound('dm_id', dmId);
	if (!store.isParticipant(state, event.dm_conversation_id, userId)) throw responses.forbidden();
	if (!store.isVisibleTo(state, event, userId, clock.now())) throw mediaNotFound('dm_id', dmId);
	const snapshot = (event.media ?? []).find((item) => item.media_key.split('_')[1] === mediaId);
	if (!snapshot) throw mediaNotFound('media_id', mediaId);
	if (snapshot.resource_id !== resourceId) throw mediaNotFound('resource_id', resourceId);
	const upload = state.media.get(mediaId);
	const bytes = Buffer.concat((upload?.chunks ?? []).filter((chunk): chunk is Buffer => chunk !== undefined));
	const contentType = options.dmMediaContentType === 'octet-stream' ? 'application/octet-stream' : contentTypeOf(snapshot);
	return { status: 200, body: bytes, contentType };
}

export const dmMediaRoutes: ApiRoute[] = [
	{ method: 'GET', path: '/2/dm_conversations/media/:dm_id/:media_id/:resource_id', operationId: 'dmConversationsMediaDownload', handler: download },
];
