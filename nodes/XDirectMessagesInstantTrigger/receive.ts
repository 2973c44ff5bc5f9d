import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { triggerLimits } from '../shared/connection';
import { appOnlyConnection, createXApi, OAUTH2_CREDENTIAL_TYPE } from '../shared/transport';
import { withAttachments } from './attachments';
import { catchUp } from './catch-up';
import type { Delivery, Incoming } from './payload';
import { decodeIncoming, itemsOf } from './payload';
import { readSettings } from './settings';
import { crcResponse, isSignedBy } from './signature';
import { selectNew } from './select';
import { claimCatchUp, loadState, memoryOf, memoryScope, mergeMemory, saveState } from './state';
import { listWebhooks } from './x-activity';

const SIGNATURE_HEADER = 'x-twitter-webhooks-signature';

/** The part of n8n's (express) response the trigger uses. */
interface Reply {
	status(code: number): Reply;
	json(body: IDataObject): unknown;
}

const done: IWebhookResponseData = { noWebhookResponse: true };

function answer(ctx: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	const reply: Reply = ctx.getResponseObject();
	reply.status(status).json(body);
	return done;
}

const logName = (ctx: IWebhookFunctions): string => `X Direct Messages Instant Trigger "${ctx.getNode().name}"`;

/** X's CRC check (a GET with crc_token), answered at any time and without an execution. */
function answerCrc(ctx: IWebhookFunctions, secret: string): IWebhookResponseData {
	const token = ctx.getQueryData() as IDataObject;
	const crcToken = token.crc_token;
	if (typeof crcToken !== 'string' || crcToken === '') return answer(ctx, 400, { error: 'Missing crc_token' });
	return answer(ctx, 200, crcResponse(secret, crcToken));
}

/** Items of a signed delivery that pass the filters and were not delivered before (with their files when asked). */
async function emitDelivery(ctx: IWebhookFunctions, delivery: Delivery): Promise<IWebhookResponseData> {
	const settings = readSettings(ctx);
	const staticData = ctx.getWorkflowStaticData('node');
	const state = loadState(staticData);
	const chosen: string[] = settings.events;
	const items = chosen.includes(delivery.eventType) ? itemsOf(delivery) : [];
	// Synchronous from here: the check and the mark of the dedupe keys cannot interleave with another request.
	const scope = memoryScope(ctx);
	const { emitted, deliveryAt } = selectNew(scope, settings, state, items, delivery.userId ?? state.userId);
	saveState(staticData, mergeMemory(state, memoryOf(scope), { deliveryAt, seenAt: Date.now() }));
	if (!emitted.length) return answer(ctx, 200, {});
	// The state is saved above: a download that fails or takes long can neither lose nor repeat the message.
	const property = settings.downloadProperty;
	const data: INodeExecutionData[] = property === undefined ? emitted.map((item) => ({ json: item.json })) : await withAttachments(ctx, emitted, property);
	return { workflowData: [data] };
}

/**
 * The end of a replay job: when it is the one the last catch-up asked for and X delivered all of it, the next
 * catch-up starts where it ended; an incomplete one leaves the start where it was, so its window is replayed again.
 */
function replayStatus(ctx: IWebhookFunctions, status: Extract<Incoming, { kind: 'replay-status' }>): IWebhookResponseData {
	const complete = status.state === 'Complete';
	const line = `${logName(ctx)}: X replay job ${status.jobId} ${status.state}${status.description ? `: ${status.description}` : ''}`;
	if (complete) ctx.logger.info(line);
	else ctx.logger.warn(`${line}. The next activation or restart asks for the same window again.`);
	const staticData = ctx.getWorkflowStaticData('node');
	const state = loadState(staticData);
	if (state.replayJob?.id === status.jobId) {
		const coveredUntil = complete ? state.replayJob.toMs : state.coveredUntil;
		saveState(staticData, mergeMemory({ ...state, coveredUntil, replayJob: undefined }, memoryOf(memoryScope(ctx))));
	}
	return answer(ctx, 200, {});
}

/**
 * The catch-up of a restart that ran no activation in this process (n8n 2.36+ keeps its webhooks registered across
 * restarts without calling checkExists; a webhook processor in queue mode never activates): the first signed
 * delivery asks X to replay what it could not deliver meanwhile. Failures are logged; the delivery is handled anyway.
 */
async function catchUpAfterRestart(ctx: IWebhookFunctions): Promise<void> {
	const settings = readSettings(ctx);
	if (ctx.getMode() === 'manual' || !settings.catchUp) return;
	const staticData = ctx.getWorkflowStaticData('node');
	const saved = loadState(staticData);
	// Only where n8n kept what earlier deliveries saved (their dedupe memory): a replay without it would emit again
	// what was already delivered. n8n 2.41 does not keep the static data a webhook call writes (README, Compatibility).
	if (saved.webhookId === undefined || saved.lastSeenAt === undefined) return;
	const webhookId = saved.webhookId;
	if (!claimCatchUp(memoryScope(ctx))) return;
	try {
		const limits = triggerLimits(ctx);
		const app = createXApi(await appOnlyConnection({ context: ctx, credentialType: OAUTH2_CREDENTIAL_TYPE }, limits.timeoutMs), limits);
		const { webhooks, nowMs } = await listWebhooks(app);
		if (!webhooks.some((hook) => hook.id === webhookId && hook.valid)) return;
		const state = loadState(staticData);
		const job = await catchUp(ctx, app, webhookId, state, nowMs);
		if (job) saveState(staticData, mergeMemory({ ...loadState(staticData), replayJob: job }, memoryOf(memoryScope(ctx))));
	} catch (error) {
		ctx.logger.warn(`${logName(ctx)}: no catch-up replay after the restart: ${(error as Error).message}`);
	}
}

/** webhook(): the CRC GET, and signed POSTs that become one execution per delivery with something new. */
export async function receive(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const credentials = await this.getCredentials(OAUTH2_CREDENTIAL_TYPE);
	const secret = typeof credentials.apiKeySecret === 'string' ? credentials.apiKeySecret.trim() : '';
	if (!secret) {
		this.logger.error(`${logName(this)}: the credential has no API Key Secret, so X's requests cannot be answered or verified`);
		return answer(this, 500, { error: 'The X credential has no API Key Secret' });
	}
	if (this.getWebhookName() === 'setup') return answerCrc(this, secret);

	const headers = this.getHeaderData();
	const header = headers[SIGNATURE_HEADER];
	const signature = Array.isArray(header) ? header[0] : header;
	if (typeof signature !== 'string' || signature === '') return answer(this, 401, { error: `Missing ${SIGNATURE_HEADER}` });
	const request: { rawBody?: unknown } = this.getRequestObject();
	const rawBody = request.rawBody;
	if (!Buffer.isBuffer(rawBody) || !isSignedBy(secret, rawBody, signature)) {
		this.logger.warn(`${logName(this)}: refused a POST whose ${SIGNATURE_HEADER} does not match its body`);
		return answer(this, 403, { error: 'Invalid signature' });
	}

	const incoming = decodeIncoming(this.getBodyData());
	if (incoming.kind === 'replay-status') return replayStatus(this, incoming);
	if (incoming.kind === 'unknown') return answer(this, 200, {});
	await catchUpAfterRestart(this);
	return await emitDelivery(this, incoming.delivery);
}
