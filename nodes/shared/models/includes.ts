import type { IDataObject } from 'n8n-workflow';

import { isRecord, isString, records } from './json';
import type { XMedia } from './media';
import { isXMedia } from './media';
import type { XUser } from './user';
import { isXUser } from './user';

/** A post in `includes` (OpenAPI `Tweet`; only `id` is needed to link it to a DM). */
export interface XPost extends IDataObject {
	id: string;
}

function isXPost(value: unknown): value is XPost {
	return isRecord(value) && isString(value.id);
}

/**
 * The expanded objects of a response (OpenAPI `Expansions`) that a DM event can reference. X's 2.167 vocabulary
 * names referenced posts `posts`; the node asks for `tweets` but reads both. Places, polls and topics are not
 * referenced by DM events and are not kept.
 */
export interface XIncludes {
	users?: XUser[];
	media?: XMedia[];
	tweets?: XPost[];
	posts?: XPost[];
}

export function decodeIncludes(value: unknown): XIncludes {
	if (!isRecord(value)) return {};
	const includes: XIncludes = {};
	if (Array.isArray(value.users)) includes.users = records(value.users).filter(isXUser);
	if (Array.isArray(value.media)) includes.media = records(value.media).filter(isXMedia);
	if (Array.isArray(value.tweets)) includes.tweets = records(value.tweets).filter(isXPost);
	if (Array.isArray(value.posts)) includes.posts = records(value.posts).filter(isXPost);
	return includes;
}

function mergeByKey<T extends IDataObject>(target: T[] | undefined, source: T[] | undefined, key: (entry: T) => string): T[] | undefined {
	if (!source) return target;
	const merged = target ?? [];
	const seen = new Set(merged.map(key));
	for (const entry of source) {
		if (seen.has(key(entry))) continue;
		seen.add(key(entry));
		merged.push(entry);
	}
	return merged;
}

/** Merges the includes of one page into those of earlier pages, each object once (by id, media by media_key). */
export function mergeIncludes(target: XIncludes, source: XIncludes): XIncludes {
	const byId = (entry: { id: string }) => entry.id;
	const users = mergeByKey(target.users, source.users, byId);
	const media = mergeByKey(target.media, source.media, (entry) => String(entry.media_key));
	const tweets = mergeByKey(target.tweets, source.tweets, byId);
	const posts = mergeByKey(target.posts, source.posts, byId);
	if (users) target.users = users;
	if (media) target.media = media;
	if (tweets) target.tweets = tweets;
	if (posts) target.posts = posts;
	return target;
}
