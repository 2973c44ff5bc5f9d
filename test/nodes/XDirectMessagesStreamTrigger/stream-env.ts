// The stream trigger against the emulator: the emulator (Activity stream with a short heartbeat), one X app whose
// OAuth 2.0 client and API Key belong together, the people, and n8n's side from test/fixtures/stream.ts. Every
// workflow a test starts is closed after it, so no connection outlives its test.
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { oauth2Credentials, TEST_REDIRECT_URI, type CredentialsByType, type XUser } from '../../fixtures/credentials';
import { startEmulator, type Emulator, type RequestLogEntry, type StreamView } from '../../fixtures/emulator';
import { PACKAGE_NAME, shutdown } from '../../fixtures/n8n';
import { TriggerWorkflow } from '../../fixtures/stream';
import { addPeople, type People } from '../../fixtures/x-node';
import { waitFor } from '../XDirectMessagesInstantTrigger/instant-env';

export { settleFor, waitFor } from '../XDirectMessagesInstantTrigger/instant-env';

export const STREAM_NODE_TYPE = `${PACKAGE_NAME}.xDirectMessagesStreamTrigger`;
export const APP_ID = 'stream-app';
export const API_KEY = 'stream-api-key';
export const API_KEY_SECRET = 'stream-api-key-secret-0123456789';
export const CLIENT_ID = 'stream-client';
const CLIENT_SECRET = 'stream-client-secret';
export const HEARTBEAT_MS = 200;

/** The emulator options every test starts from (set again before each test). */
export const STREAM_OPTIONS = {
	streamHeartbeatMs: HEARTBEAT_MS,
	streamConnectionLimit: 2,
	streamSubscriptions: 'all',
	streamRecoveryMode: 'close',
	pushGroupDms: false,
	webhookUrlPolicy: 'sandbox',
	crcIntervalMs: 0,
	deliveryDelayMs: 0,
	duplicateRate: 0,
	dropRate: 0,
	reorderWindowMs: 0,
} as const;

/** Node options that keep the tests fast: a stall is 1 s of silence, no reconnect waits longer than 1 s. */
export const FAST_OPTIONS: INodeParameters = { silenceSeconds: 1, maxReconnectWaitSeconds: 1 };

export interface StreamEnv {
	readonly emu: Emulator;
	readonly people: People;
	/** xDmOAuth2Api data of `user` for the stream app; `keys: false` leaves API Key and Secret empty. */
	credentials(user: XUser, options?: { keys?: boolean }): CredentialsByType;
	/** The node; `options` are merged over FAST_OPTIONS. */
	node(workflowId: string, parameters?: INodeParameters): INode;
	/** A workflow with the trigger for `user` (alice unless told), closed after the test. */
	workflow(id: string, parameters?: INodeParameters, options?: { user?: XUser; credentials?: CredentialsByType; staticData?: IDataObject }): TriggerWorkflow;
	/** The app's open stream connections. */
	streams(): StreamView[];
	/** The app's stream connection attempts (GET /2/activity/stream), oldest first. */
	streamRequests(): RequestLogEntry[];
	/** The app's subscriptions. */
	subscriptions(): Array<{ subscription_id: string; event_type: string; tag?: string; webhook_id?: string; filter: { user_id?: string } }>;
	/** What the node logged through n8n's Logger in this test, at one level. */
	logged(level: 'info' | 'warn' | 'error'): string[];
	/** Waits until the app has exactly one open connection whose id is not in `notIds` (a new one after a reconnect). */
	waitForConnection(notIds?: string[], timeoutMs?: number): Promise<StreamView>;
}

export function useStreamEnv(): StreamEnv {
	let emu: Emulator | undefined;
	let people: People | undefined;
	const workflows: TriggerWorkflow[] = [];
	const logs: Array<{ level: string; message: string }> = [];
	const spies: jest.SpyInstance[] = [];
	beforeAll(async () => {
		emu = await startEmulator({ ...STREAM_OPTIONS });
		// n8n's Logger, as the node's this.logger reaches it: captured instead of printed.
		const logger = Container.get(Logger);
		for (const level of ['info', 'warn', 'error'] as const) {
			spies.push(jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void logs.push({ level, message: String(args[0]) })));
		}
	});
	afterAll(async () => {
		for (const spy of spies.splice(0)) spy.mockRestore();
		await emu?.close();
		shutdown();
	});
	const started = <T>(value: T | undefined): T => {
		if (value === undefined) throw new Error('useStreamEnv(): only inside tests and hooks');
		return value;
	};
	beforeEach(() => {
		const e = started(emu);
		e.reset();
		for (const [name, value] of Object.entries(STREAM_OPTIONS)) e.setOption(name as never, value as never);
		people = addPeople(e);
		logs.length = 0;
		e.registerOAuth1App({ consumerKey: API_KEY, consumerSecret: API_KEY_SECRET, appId: APP_ID });
		e.registerOAuth2Client({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [TEST_REDIRECT_URI], confidential: true, appId: APP_ID });
	});
	afterEach(async () => {
		// A failing test may leave a workflow running: close every one, whatever happens.
		for (const wf of workflows.splice(0)) await wf.close().catch(() => undefined);
		emu?.closeStreams();
	});
	const env: StreamEnv = {
		get emu() {
			return started(emu);
		},
		get people() {
			return started(people);
		},
		credentials(user, { keys = true } = {}) {
			const data = oauth2Credentials(started(emu), user, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, expiresIn: 400 * 24 * 3600 });
			return { xDmOAuth2Api: { ...data, ...(keys ? { apiKey: API_KEY, apiKeySecret: API_KEY_SECRET } : {}) } };
		},
		node(workflowId, parameters = {}) {
			const options: INodeParameters = { ...FAST_OPTIONS, ...((parameters.options as INodeParameters | undefined) ?? {}) };
			return {
				id: `node-${workflowId}`,
				name: 'X DM Stream',
				type: STREAM_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { ...parameters, options },
				credentials: { xDmOAuth2Api: { id: `cred-${workflowId}`, name: 'X stream' } },
			};
		},
		workflow(id, parameters = {}, options = {}) {
			const credentials = options.credentials ?? env.credentials(options.user ?? started(people).alice);
			const wf = new TriggerWorkflow({ id, node: env.node(id, parameters), credentials, staticData: options.staticData });
			workflows.push(wf);
			return wf;
		},
		logged: (level) => logs.filter((line) => line.level === level).map((line) => line.message),
		streams: () => started(emu).streams({ appId: APP_ID }),
		streamRequests: () => started(emu).requests().filter((request: RequestLogEntry) => request.method === 'GET' && request.path === '/2/activity/stream'),
		subscriptions: () => started(emu).subscriptions().filter((sub: { appId?: string }) => sub.appId === APP_ID),
		async waitForConnection(notIds = [], timeoutMs = 8000) {
			let found: StreamView | undefined;
			await waitFor(() => {
				const open = env.streams();
				found = open.length === 1 && !notIds.includes(open[0].id) ? open[0] : undefined;
				return found !== undefined;
			}, `one new stream connection (not ${notIds.join(', ') || 'any earlier'})`, timeoutMs);
			return started(found);
		},
	};
	return env;
}

/** The DM ids of items, in the order they were emitted. */
export function idsOf(items: IDataObject[]): string[] {
	return items.map((item) => String(item.id));
}

/** Sorted copy (ids are decimal strings of equal length here; sorted as numbers anyway). */
export function sortedIds(ids: Iterable<string>): string[] {
	return [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
}
