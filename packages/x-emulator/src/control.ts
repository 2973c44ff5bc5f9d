// HTTP control API under /_emulator/: the Emulator's control methods as JSON endpoints with the same names
// (POST with a JSON body; read-only ones also answer GET with query parameters). Arguments arrive as JSON and are
// handed on as given: the methods check what they rely on and their errors come back as 400 { error }.
// Commands are looked up as own properties of a fixed table, so names like `constructor` or `__proto__` are
// unknown commands; control-guard.ts refuses requests a browser page of another site could send.
import type { RequestContext } from './context';
import { refuseForeignControl } from './control-guard';
import type { Emulator } from './emulator';
import type { StreamFaultSpec } from './push/stream';
import type { RateLimitProfile, UsageCap } from './rate-limits';
import * as responses from './responses';
import type { Runtime } from './runtime';
import { EmulatorError } from './store';
import type { AttachmentInput, FaultSpec, IssueOAuth1TokenInput, IssueOAuth2TokenInput, OAuth1AppInput, OAuth2ClientInput, UserInput, UserPatch } from './types';

type Args = Record<string, unknown>;
type Command = (emu: Emulator, args: Args, runtime: Runtime) => unknown;

const str = (value: unknown): string => String(value);
const optionalStr = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : String(value));
const isTrue = (value: unknown): boolean => value === true || value === 'true';

function strings(value: unknown): string[] {
	return (Array.isArray(value) ? value : [value]).map(String);
}

function attachmentsOf(value: unknown): AttachmentInput[] | undefined {
	if (value === undefined) return undefined;
	if (!Array.isArray(value)) throw new EmulatorError('attachments must be an array');
	return value as AttachmentInput[];
}

const COMMANDS: Readonly<Record<string, Command>> = {
	addUser: (emu, args) => emu.addUser(args as unknown as UserInput),
	getUser: (emu, args) => emu.getUser(str(args.id ?? args.userId)) ?? null,
	updateUser: (emu, { userId, ...patch }) => emu.updateUser(str(userId), patch as UserPatch),
	block: (emu, args) => (emu.block(str(args.userId), str(args.blockedId)), { blocked: true }),
	unblock: (emu, args) => (emu.unblock(str(args.userId), str(args.blockedId)), { blocked: false }),
	sendAs: (emu, args) =>
		emu.sendAs(str(args.userId), {
			to: optionalStr(args.to),
			conversationId: optionalStr(args.conversationId),
			text: optionalStr(args.text),
			attachments: attachmentsOf(args.attachments),
		}),
	createGroupAs: (emu, args) => emu.createGroupAs(str(args.userId), strings(args.participantIds), optionalStr(args.text)),
	joinAs: (emu, args) => emu.joinAs(str(args.conversationId), strings(args.userIds), optionalStr(args.inviterId)),
	leaveAs: (emu, args) => emu.leaveAs(str(args.conversationId), str(args.userId)),
	deleteEventFor: (emu, args) => ({ deleted: emu.deleteEventFor(str(args.userId), str(args.eventId)) }),
	events: (emu, args) => emu.events({ conversationId: optionalStr(args.conversationId), includeDeleted: isTrue(args.includeDeleted) }),
	visibleEvents: (emu, args) => emu.visibleEvents(str(args.userId), { conversationId: optionalStr(args.conversationId) }),
	getConversation: (emu, args) => emu.getConversation(str(args.id ?? args.conversationId)) ?? null,
	listConversations: (emu) => emu.listConversations(),
	getMedia: (emu, args) => emu.getMedia(str(args.id ?? args.mediaId)) ?? null,
	requests: (emu) => emu.requests(),
	clearRequests: (emu) => (emu.clearRequests(), { cleared: true }),
	// Over HTTP a fault `path` starting with "^" (or a `pathRegex`) is a regular expression.
	addFault: (emu, args) => (emu.addFault(args as FaultSpec), { faults: emu.listFaults() }),
	clearFaults: (emu) => (emu.clearFaults(), { faults: [] }),
	faults: (emu) => emu.listFaults(),
	// The clock checks the values (finite, inside its range) and throws for anything else.
	clock: (emu, args) => {
		if (args.set !== undefined) emu.clock.set(args.set as number);
		if (args.advance !== undefined) emu.clock.advance(args.advance as number);
		return { now: emu.clock.now(), iso: new Date(emu.clock.now()).toISOString(), ticking: emu.clock.ticking };
	},
	setRateLimitProfile: (emu, args) => (emu.setRateLimitProfile((args.profile ?? args) as RateLimitProfile), { profile: emu.options.rateLimitProfile }),
	setUsageCap: (emu, args) => {
		const cap = args && args.period !== undefined ? (args as Partial<UsageCap>) : null;
		emu.setUsageCap(cap);
		return { usageCap: cap };
	},
	setOption: (emu, args, runtime) => (runtime.setOption(str(args.name), args.value), { options: emu.options }),
	options: (emu) => emu.options,
	billing: (emu) => emu.billing(),
	reset: (emu) => (emu.reset(), { reset: true }),
	violations: (emu) => emu.responseViolations,
	demo: (emu) => emu.demo ?? null,
	registerOAuth2Client: (emu, args) => emu.registerOAuth2Client(args as unknown as OAuth2ClientInput),
	issueOAuth2Token: (emu, args) => emu.issueOAuth2Token(args as unknown as IssueOAuth2TokenInput),
	issueAppToken: (emu, args) => ({ access_token: emu.issueAppToken({ appId: optionalStr(args.appId) }), token_type: 'bearer' }),
	registerOAuth1App: (emu, args) => emu.registerOAuth1App(args as unknown as OAuth1AppInput),
	issueOAuth1Token: (emu, args) => emu.issueOAuth1Token(args as unknown as IssueOAuth1TokenInput),
	revokeUserTokens: (emu, args) => (emu.revokeUserTokens(str(args.userId)), { revoked: true }),
	markReadAs: (emu, args) => ({ event_uuids: emu.markReadAs(str(args.userId), str(args.eventId)) }),
	typingAs: (emu, args) => ({ event_uuids: emu.typingAs(str(args.userId), { to: optionalStr(args.to), conversationId: optionalStr(args.conversationId) }) }),
	webhooks: (emu) => emu.webhooks(),
	subscriptions: (emu) => emu.subscriptions(),
	deliveries: (emu, args) => emu.deliveries({ webhookId: optionalStr(args.webhookId) }),
	recheckWebhooks: (emu) => emu.recheckWebhooks(),
	invalidateWebhook: (emu, args) => emu.invalidateWebhook(str(args.id ?? args.webhookId)),
	replayJobs: (emu) => emu.replayJobs(),
	streams: (emu, args) => emu.streams({ appId: optionalStr(args.appId) }),
	streamFault: (emu, args) => ({ streams: emu.streamFault(args as unknown as StreamFaultSpec) }),
	closeStreams: (emu, args) => ({ closed: emu.closeStreams({ appId: optionalStr(args.appId), disconnect: isTrue(args.disconnect) }) }),
};

// Arguments that change state: a GET (which any page can trigger with an <img>) may not carry them.
const WRITE_ARGUMENTS: Readonly<Record<string, readonly string[]>> = { clock: ['set', 'advance'] };

const READ_ONLY: ReadonlySet<string> = new Set([
	'getUser',
	'events',
	'visibleEvents',
	'getConversation',
	'listConversations',
	'getMedia',
	'requests',
	'faults',
	'clock',
	'options',
	'billing',
	'violations',
	'demo',
	'webhooks',
	'subscriptions',
	'deliveries',
	'replayJobs',
	'streams',
]);

// Sets and Maps become arrays/objects so users and other records serialize.
function toJson(value: unknown): unknown {
	return JSON.parse(
		JSON.stringify(value ?? null, (_key, item: unknown) => (item instanceof Set ? [...item] : item instanceof Map ? Object.fromEntries(item) : item)),
	);
}

function isArgs(value: unknown): value is Args {
	return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

// JSON.parse keeps "__proto__" as an own key; spread or Object.assign into a record would then swap its prototype.
function hasProtoKey(value: unknown): boolean {
	if (!value || typeof value !== 'object') return false;
	return Object.keys(value).some((key) => key === '__proto__' || hasProtoKey((value as Args)[key]));
}

function refuseMethod(name: string, ctx: RequestContext): responses.Reply | undefined {
	if (ctx.method !== 'GET' && ctx.method !== 'POST') return responses.json(405, { error: 'use GET or POST' });
	if (ctx.method !== 'GET') return undefined;
	if (!READ_ONLY.has(name)) return responses.json(405, { error: `${name} needs POST` });
	const writes = (Object.hasOwn(WRITE_ARGUMENTS, name) ? WRITE_ARGUMENTS[name] : []).filter((arg) => ctx.query[arg] !== undefined);
	return writes.length ? responses.json(405, { error: `${name} with ${writes.join(', ')} needs POST` }) : undefined;
}

export async function handleControl(emulator: Emulator, runtime: Runtime, ctx: RequestContext): Promise<responses.Reply> {
	const refused = refuseForeignControl(ctx, { host: runtime.host, port: runtime.port });
	if (refused) return refused;
	const name = ctx.path.replace(/^\/_emulator\/?/, '').replace(/\/$/, '');
	if (name === '') return responses.json(200, { commands: Object.keys(COMMANDS), readOnly: [...READ_ONLY] });
	const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
	if (!command) return responses.json(404, { error: `unknown control command ${name}` });
	const wrongMethod = refuseMethod(name, ctx);
	if (wrongMethod) return wrongMethod;
	if (ctx.method === 'POST' && ctx.rawBody.length && ctx.json === undefined) {
		return responses.json(400, { error: 'control requests take a JSON body (content-type: application/json)' });
	}
	const body = ctx.method === 'GET' ? ctx.query : (ctx.json ?? {});
	try {
		if (!isArgs(body)) throw new EmulatorError('control requests take a JSON object');
		if (hasProtoKey(body)) throw new EmulatorError('control request bodies may not contain a __proto__ key');
		return responses.json(200, toJson(await command(emulator, body, runtime)));
	} catch (error) {
		return responses.json(400, { error: error instanceof Error ? error.message : String(error) });
	}
}
