// User objects as the API returns them: default fields id, name, username; others when requested and known.
import type { State, StoredUser } from './state';
import { sendRefusal } from './store';
import type { XUser } from './x-types';

export const DEFAULT_USER_FIELDS = ['id', 'name', 'username'] as const;
// Profile properties stored on the user that may be emitted verbatim when requested.
const STORED_FIELDS = [
	'created_at',
	'description',
	'location',
	'url',
	'protected',
	'verified',
	'profile_image_url',
	'profile_banner_url',
	'pinned_tweet_id',
	'most_recent_tweet_id',
] as const;
type StoredField = (typeof STORED_FIELDS)[number];

function isStoredField(field: string): field is StoredField {
	return (STORED_FIELDS as readonly string[]).includes(field);
}

function computedField(state: State, user: StoredUser, field: string, viewerId: string | undefined): unknown {
	switch (field) {
		case 'verified_type':
			return user.verified_type || (user.verified ? 'blue' : 'none');
		case 'subscription_type':
			return user.subscription_type || 'None';
		case 'receives_your_dm':
			return viewerId === undefined ? user.dmPolicy === 'all' : sendRefusal(state, viewerId, user.id) === undefined;
		case 'public_metrics': {
			let followers = 0;
			for (const other of state.users.values()) if (other.following.has(user.id)) followers += 1;
			return { followers_count: followers, following_count: user.following.size, tweet_count: 0, listed_count: 0, like_count: 0, media_count: 0 };
		}
		case 'connection_status': {
			if (viewerId === undefined || viewerId === user.id) return undefined;
			const viewer = state.users.get(viewerId);
			const status: string[] = [];
			if (viewer?.following.has(user.id)) status.push('following');
			if (user.following.has(viewerId)) status.push('followed_by');
			if (state.blocks.get(viewerId)?.has(user.id)) status.push('blocking');
			return status;
		}
		default:
			return undefined;
	}
}

export function renderUser(state: State, user: StoredUser, requestedFields: readonly string[] = [], viewerId: string | undefined = undefined): XUser {
	const rendered: Record<string, unknown> = {};
	for (const field of DEFAULT_USER_FIELDS) rendered[field] = user[field];
	for (const field of requestedFields) {
		if (field in rendered) continue;
		const value = isStoredField(field) ? user[field] : computedField(state, user, field, viewerId);
		if (value !== undefined && value !== null && value !== '') rendered[field] = value;
	}
	return rendered as unknown as XUser;
}
