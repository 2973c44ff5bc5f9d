// Entity extraction close enough to X's twitter-text rules for DM tests: indices are Unicode code points,
// start inclusive, end exclusive.
import * as crypto from 'node:crypto';
import type { LinkedPost } from './state';
import type { XDmEntities, XEntityIndices, XMentionEntity, XUrlEntity } from './x-types';

const URL_PATTERN = /https?:\/\/[^\s<>"]+/giu;
const TRAILING_PUNCTUATION = /[.,!?;:'")\]]+$/u;
const HASHTAG_PATTERN = /(^|[^\p{L}\p{N}_&])[#＃]([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)/gu;
const CASHTAG_PATTERN = /(^|\s)\$([A-Za-z]{1,6}(?:[._][A-Za-z]{1,2})?)(?=$|[\s\p{P}])/gu;
const MENTION_PATTERN = /(^|[^A-Za-z0-9_!#$%&*@＠])[@＠]([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@])/gu;
const POST_LINK_PATTERN = /^https?:\/\/(?:www\.|mobile\.)?(?:x|twitter)\.com\/(?:([A-Za-z0-9_]{1,15})|i\/web|i)\/status(?:es)?\/([0-9]{1,19})(?:[/?#]|$)/iu;

function codePointIndex(text: string, utf16Index: number): number {
	return [...text.slice(0, utf16Index)].length;
}

function shortLink(url: string): string {
	const digest = crypto.createHash('sha256').update(url).digest('base64').replace(/[^A-Za-z0-9]/g, '');
	return `https://t.co/${digest.slice(0, 10)}`;
}

function displayUrl(url: string): string {
	const withoutScheme = url.replace(/^https?:\/\//iu, '');
	return withoutScheme.length > 26 ? `${withoutScheme.slice(0, 25)}…` : withoutScheme;
}

function findUrls(text: string): Array<{ index: number; url: string }> {
	const found: Array<{ index: number; url: string }> = [];
	for (const match of text.matchAll(URL_PATTERN)) {
		const url = match[0].replace(TRAILING_PUNCTUATION, '');
		if (url.length > 'https://'.length) found.push({ index: match.index, url });
	}
	return found;
}

// Real DMs carry t.co links in `text`; `wrapUrls` reproduces that (off by default so sent text round-trips).
function wrapTextUrls(text: string): { text: string; originals: string[] } {
	let wrapped = '';
	let cursor = 0;
	const originals: string[] = [];
	for (const { index, url } of findUrls(text)) {
		wrapped += text.slice(cursor, index) + shortLink(url);
		originals.push(url);
		cursor = index + url.length;
	}
	return { text: wrapped + text.slice(cursor), originals };
}

export interface TextAnalysis {
	text: string;
	entities: XDmEntities | undefined;
	linkedPosts: LinkedPost[];
}

interface AnalyzeOptions {
	findUserByUsername?: (username: string) => { id: string; username: string } | undefined;
	wrapUrls?: boolean;
}

export function analyzeText(text: string, { findUserByUsername = () => undefined, wrapUrls = false }: AnalyzeOptions = {}): TextAnalysis {
	let finalText = text;
	let expandedUrls: string[] | undefined;
	if (wrapUrls) {
		const wrapped = wrapTextUrls(text);
		finalText = wrapped.text;
		expandedUrls = wrapped.originals;
	}
	const urls: XUrlEntity[] = [];
	const linkedPosts: LinkedPost[] = [];
	const urlRanges: Array<[number, number]> = [];
	findUrls(finalText).forEach(({ index, url }, position) => {
		const expanded = expandedUrls ? expandedUrls[position] : url;
		const start = codePointIndex(finalText, index);
		const end = start + [...url].length;
		urlRanges.push([index, index + url.length]);
		urls.push({ start, end, url, expanded_url: expanded, display_url: displayUrl(expanded) });
		const postLink = POST_LINK_PATTERN.exec(expanded);
		if (postLink && !linkedPosts.some((post) => post.id === postLink[2])) {
			linkedPosts.push({ id: postLink[2], username: postLink[1] });
		}
	});
	const outsideUrls = (index: number) => !urlRanges.some(([from, to]) => index >= from && index < to);
	const collect = <T extends object>(pattern: RegExp, build: (value: string) => T): Array<XEntityIndices & T> => {
		const entities: Array<XEntityIndices & T> = [];
		for (const match of finalText.matchAll(pattern)) {
			const symbolIndex = match.index + match[1].length;
			if (!outsideUrls(symbolIndex)) continue;
			const start = codePointIndex(finalText, symbolIndex);
			const end = start + 1 + [...match[2]].length;
			entities.push({ start, end, ...build(match[2]) });
		}
		return entities;
	};
	const hashtags = collect(HASHTAG_PATTERN, (tag) => ({ tag }));
	const cashtags = collect(CASHTAG_PATTERN, (tag) => ({ tag }));
	const mentions = collect(MENTION_PATTERN, (username): Omit<XMentionEntity, 'start' | 'end'> => {
		const user = findUserByUsername(username);
		return user ? { username: user.username, id: user.id } : { username };
	});
	const entities: XDmEntities = {};
	if (hashtags.length) entities.hashtags = hashtags;
	if (mentions.length) entities.mentions = mentions;
	if (urls.length) entities.urls = urls;
	if (cashtags.length) entities.cashtags = cashtags;
	return {
		text: finalText,
		entities: Object.keys(entities).length ? entities : undefined,
		linkedPosts,
	};
}
