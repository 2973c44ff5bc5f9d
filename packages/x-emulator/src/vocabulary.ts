// X API 2.167 renamed tweets to posts (post.fields, referenced_posts, includes.posts, edit_history_post_ids).
// Observed live behaviour: both vocabularies are accepted and responses follow the one the request used
// (x-dm-api.md §8.3). Requests are normalised to the vendored 2.166 (tweet) vocabulary for validation and
// handling; `vocabulary` tells the renderer which names to emit.

export type Vocabulary = 'tweet' | 'post';
export type Query = Record<string, string>;

const VALUE_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
	expansions: { referenced_posts: 'referenced_tweets.id', 'referenced_posts.id': 'referenced_tweets.id' },
	'dm_event.fields': { referenced_posts: 'referenced_tweets' },
	'tweet.fields': { edit_history_post_ids: 'edit_history_tweet_ids', referenced_posts: 'referenced_tweets' },
};

function mapList(value: string, aliases: Readonly<Record<string, string>>): string {
	return String(value)
		.split(',')
		.map((item) => (Object.hasOwn(aliases, item) ? aliases[item] : item))
		.join(',');
}

/** The query in tweet vocabulary, which parameters were renamed (spec name -> name used), and the vocabulary. */
export function toTweetVocabulary(rawQuery: Query): { query: Query; renamed: Record<string, string>; vocabulary: Vocabulary } {
	const query = { ...rawQuery };
	const renamed: Record<string, string> = {};
	let vocabulary: Vocabulary = 'tweet';
	if ('post.fields' in query && !('tweet.fields' in query)) {
		query['tweet.fields'] = query['post.fields'];
		delete query['post.fields'];
		renamed['tweet.fields'] = 'post.fields';
		vocabulary = 'post';
	}
	for (const [name, aliases] of Object.entries(VALUE_ALIASES)) {
		if (typeof query[name] === 'string') query[name] = mapList(query[name], aliases);
	}
	return { query, renamed, vocabulary };
}

export interface VocabularyNames {
	referenced: 'referenced_tweets' | 'referenced_posts';
	includes: 'tweets' | 'posts';
	editHistory: 'edit_history_tweet_ids' | 'edit_history_post_ids';
}

const NAMES: Readonly<Record<Vocabulary, VocabularyNames>> = {
	tweet: { referenced: 'referenced_tweets', includes: 'tweets', editHistory: 'edit_history_tweet_ids' },
	post: { referenced: 'referenced_posts', includes: 'posts', editHistory: 'edit_history_post_ids' },
};

export function namesFor(vocabulary: Vocabulary | undefined): VocabularyNames {
	return vocabulary === 'post' ? NAMES.post : NAMES.tweet;
}
