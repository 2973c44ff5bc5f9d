// The instant trigger against the emulator: the emulator (push delivery on, sandbox URLs allowed), n8n's webhook side
// (test/fixtures/webhook.ts) and one X app whose OAuth 2.0 client and API Key belong together, as on X.
import { createHmac } from 'crypto';

import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { oauth2Credentials, TEST_REDIRECT_URI, type CredentialsByType, type XUser } from '../../fixtures/credentials';
import { startEmulator, type Emulator } from '../../fixtures/emulator';
import { PACKAGE_NAME, shutdown } from '../../fixtures/n8n';
import { N8nWebhookHost, type HostedWorkflow } from '../../fixtures/webhook';
import { addPeople, type People } from '../../fixtures/x-node';

export const INSTANT_NODE_TYPE = `${PACKAGE_NAME}.xDirectMessagesInstantTrigger`;
export const APP_ID = 'instant-app';
export const API_KEY = 'instant-api-key';
export const API_KEY_SECRET = 'instant-api-key-secret-0123456789';
export const CLIENT_ID = 'instant-client';

/** The emulator options every test starts from (a test may change them with setOption; they are set again before each). */
export const PUSH_OPTIONS = {
	webhookUrlPolicy: 'sandbox',
	crcIntervalMs: 0,
	deliveryRetryScheduleMs: [200, 500, 1000],
	deliveryDelayMs: 0,
	duplicateRate: 0,
	dropRate: 0,
	reorderWindowMs: 0,
	replayDelayMs: 0,
	webhookLimit: 5,
} as const;

export interface InstantEnv {
	readonly emu: Emulator;
	readonly host: N8nWebhookHost;
	readonly people: People;
	/** xDmOAuth2Api data of `user` for the instant app; `keys: false` leaves API Key and Secret empty. */
	credentials(user: XUser, options?: { keys?: boolean; apiKeySecret?: string }): CredentialsByType;
	node(workflowId: string, parameters?: INodeParameters): INode;
	/** A workflow with the trigger for `user` (alice unless told). */
	workflow(id: string, parameters?: INodeParameters, options?: { user?: XUser; credentials?: CredentialsByType; test?: boolean }): HostedWorkflow;
}

export function useInstantEnv(): InstantEnv {
	let emu: Emulator | undefined;
	let host: N8nWebhookHost | undefined;
	let people: People | undefined;
	beforeAll(async () => {
		emu = await startEmulator({ ...PUSH_OPTIONS, deliveryRetryScheduleMs: [...PUSH_OPTIONS.deliveryRetryScheduleMs] });
		host = await N8nWebhookHost.start();
	});
	afterAll(async () => {
		await host?.close();
		await emu?.close();
		shutdown();
	});
	const started = <T>(value: T | undefined): T => {
		if (value === undefined) throw new Error('useInstantEnv(): only inside tests and hooks');
		return value;
	};
	beforeEach(async () => {
		const e = started(emu);
		e.reset();
		for (const [name, value] of Object.entries(PUSH_OPTIONS)) e.setOption(name as never, (Array.isArray(value) ? [...value] : value) as never);
		people = addPeople(e);
		e.registerOAuth1App({ consumerKey: API_KEY, consumerSecret: API_KEY_SECRET, appId: APP_ID });
		e.registerOAuth2Client({ clientId: CLIENT_ID, clientSecret: 'instant-client-secret', redirectUris: [TEST_REDIRECT_URI], confidential: true, appId: APP_ID });
		const h = started(host);
		await h.up().catch(() => undefined);
		h.logs.length = 0;
		h.answers.length = 0;
	});
	const env: InstantEnv = {
		get emu() {
			return started(emu);
		},
		get host() {
			return started(host);
		},
		get people() {
			return started(people);
		},
		credentials(user, { keys = true, apiKeySecret = API_KEY_SECRET } = {}) {
			const data = oauth2Credentials(started(emu), user, { clientId: CLIENT_ID, clientSecret: 'instant-client-secret', expiresIn: 400 * 24 * 3600 });
			return { xDmOAuth2Api: { ...data, ...(keys ? { apiKey: API_KEY, apiKeySecret } : {}) } };
		},
		node(workflowId, parameters = {}) {
			return {
				id: `node-${workflowId}`,
				name: 'X DM Instant',
				type: INSTANT_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: `hook-${workflowId}`,
				parameters,
				credentials: { xDmOAuth2Api: { id: `cred-${workflowId}`, name: 'X instant' } },
			};
		},
		workflow(id, parameters = {}, options = {}) {
			const credentials = options.credentials ?? env.credentials(options.user ?? started(people).alice);
			return started(host).addWorkflow(id, env.node(id, parameters), credentials, { test: options.test });
		},
	};
	return env;
}

/** Waits until `check` holds (polling every 20 ms), failing after `timeoutMs` with `what`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** Lets real time pass (deliveries that should not happen get their chance). */
export async function settleFor(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** X's signature of a body with a secret. */
export function signatureOf(body: string, secret = API_KEY_SECRET): string {
	return `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`;
}

/** POSTs a body to a URL as X would (or a forger), with the given signature header (none when undefined). */
export async function post(url: string, body: string, signature: string | undefined): Promise<{ status: number; body: IDataObject }> {
	const headers: Record<string, string> = { 'content-type': 'application/json' };
	if (signature !== undefined) headers['x-twitter-webhooks-signature'] = signature;
	const response = await fetch(url, { method: 'POST', headers, body });
	const text = await response.text();
	return { status: response.status, body: text ? (JSON.parse(text) as IDataObject) : {} };
}
