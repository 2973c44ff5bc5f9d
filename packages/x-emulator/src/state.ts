// The emulator's in-memory world: one State per emulator, replaced on reset(). Internal to the package; the
// Emulator class hands out copies (DmEventRecord, ConversationView, MediaView, EmulatorUser).
import type { Clock } from './clock';
import { createIdGenerator, type IdGenerator } from './ids';
import type { MediaView } from './types';
import type { XDmEntities, XDmEventType, XMediaType, XUser } from './x-types';

export type DmPolicy = 'all' | 'following' | 'none';

/** A user as stored: X profile fields plus who may DM them and whom they follow. */
export interface StoredUser extends XUser {
	created_at: string;
	dmPolicy: DmPolicy;
	following: Set<string>;
}

export interface Conversation {
	id: string;
	type: '1:1' | 'group';
	participants: Set<string>;
	createdAt: number;
	/** Lower bound (event id) of what each participant can see: 1:1 members see everything. */
	visibleFrom: Map<string, string>;
}

/** A link to a post found in a message's text; the post itself is synthesized when expanded. */
export interface LinkedPost {
	id: string;
	username?: string;
}

/** What a DM event keeps of its attachment (uploads expire after 24 h, the event keeps describing it). */
export interface MediaSnapshot {
	media_key: string;
	type: XMediaType;
	width?: number;
	height?: number;
	duration_ms?: number;
	alt_text?: string;
	/** MIME type of the uploaded bytes, when the upload named one. */
	mime?: string;
	/** The third id of the download path (`/2/dm_conversations/media/{dm_id}/{media_id}/{resource_id}`), see dm-media-files.ts. */
	resource_id?: string;
}

export interface StoredEvent {
	id: string;
	event_type: XDmEventType;
	dm_conversation_id: string;
	/** ms since the epoch */
	created_at: number;
	sender_id?: string;
	text?: string;
	participant_ids?: string[];
	entities?: XDmEntities;
	referenced_tweets?: Array<{ id: string }>;
	attachments?: { media_keys: string[] };
	/** Kept so the synthesized post in `includes` can name a plausible author. */
	linkedPosts?: LinkedPost[];
	media?: MediaSnapshot[];
	/** ms since the epoch from which the event is listed (a late arrival); absent = from its creation. */
	visibleFromMs?: number;
	deletedFor: Set<string>;
}

export interface OAuth2Client {
	clientId: string;
	clientSecret?: string;
	redirectUris: string[];
	confidential: boolean;
	appId: string;
}

interface UserTokenFields {
	token: string;
	userId: string;
	clientId: string;
	appId: string;
	scopes: string[];
	familyId: string;
	revoked: boolean;
	expiresAt: number;
}

export interface AccessTokenRecord extends UserTokenFields {
	kind: 'access';
}

export interface RefreshTokenRecord extends UserTokenFields {
	kind: 'refresh';
	used: boolean;
}

export interface AppTokenRecord {
	kind: 'app';
	token: string;
	appId: string;
	revoked: boolean;
}

export type OAuth2TokenRecord = AccessTokenRecord | RefreshTokenRecord | AppTokenRecord;

export interface AuthCode {
	code: string;
	clientId: string;
	redirectUri: string;
	scopes: string[];
	userId: string;
	codeChallenge: string;
	codeChallengeMethod: 'plain' | 'S256';
	expiresAt: number;
	used: boolean;
	familyId?: string;
}

export type OAuth1Permission = 'read' | 'read-write' | 'read-write-dm';

export interface OAuth1App {
	consumerKey: string;
	consumerSecret: string;
	permission: OAuth1Permission;
	appId: string;
}

export interface OAuth1TokenRecord {
	token: string;
	secret: string;
	consumerKey: string;
	userId: string;
}

export interface OAuth1RequestToken {
	token: string;
	secret: string;
	consumerKey: string;
	callback: string;
	accessType?: string;
	/** Set when the user approved. */
	userId?: string;
	verifier?: string;
}

/** An upload as stored: the public MediaView fields plus its bytes and processing bookkeeping. */
export interface MediaRecord extends Omit<MediaView, 'mimeType'> {
	mime?: string;
	chunks: Array<Buffer | undefined>;
	processingStartedAt?: number;
	processingMs?: number;
	outcome?: 'succeeded' | 'failed';
	width?: number;
	height?: number;
	duration_ms?: number;
	alt_text?: string;
}

export interface State {
	ids: IdGenerator;
	users: Map<string, StoredUser>;
	conversations: Map<string, Conversation>;
	events: StoredEvent[];
	blocks: Map<string, Set<string>>;
	oauth2Clients: Map<string, OAuth2Client>;
	oauth2Tokens: Map<string, OAuth2TokenRecord>;
	authCodes: Map<string, AuthCode>;
	oauth1Apps: Map<string, OAuth1App>;
	oauth1Tokens: Map<string, OAuth1TokenRecord>;
	oauth1RequestTokens: Map<string, OAuth1RequestToken>;
	/** "<consumer key>|<nonce>" -> when the nonce may be used again (ms). */
	nonces: Map<string, number>;
	media: Map<string, MediaRecord>;
	/** appId -> the app-only bearer token POST /oauth2/token hands out (the same one every time). */
	appBearerTokens: Map<string, string>;
	/** Called for every stored MessageCreate (push delivery); unset while the demo world is seeded. */
	onMessageCreated?: (event: StoredEvent) => void;
}

export function createState(clock: Clock): State {
	return {
		ids: createIdGenerator(clock),
		users: new Map(),
		conversations: new Map(),
		events: [],
		blocks: new Map(),
		oauth2Clients: new Map(),
		oauth2Tokens: new Map(),
		authCodes: new Map(),
		oauth1Apps: new Map(),
		oauth1Tokens: new Map(),
		oauth1RequestTokens: new Map(),
		nonces: new Map(),
		media: new Map(),
		appBearerTokens: new Map(),
	};
}
