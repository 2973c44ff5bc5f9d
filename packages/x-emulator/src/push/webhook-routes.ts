// /2/webhooks: register (with the CRC), list, re-validate (PUT) and delete an app's webhook URLs (x-activity-api.md §8).
import { listParam, type ApiContext, type ApiRoute } from '../context';
import * as responses from '../responses';
import { refusal } from './errors';
import type { WebhookRecord } from './records';

const MAX_URL_LENGTH = 200;
const SANDBOX_HOSTS = ['127.0.0.1', 'localhost'];

/** Why X would refuse the URL (UrlValidationFailed), or undefined. */
export function urlProblem(raw: string, policy: 'x' | 'sandbox'): string | undefined {
	if (raw.length < 1 || raw.length > MAX_URL_LENGTH) return `the URL must be 1-${MAX_URL_LENGTH} characters long`;
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return 'the URL is not valid';
	}
	if (url.username || url.password) return 'the URL may not carry credentials';
	if (policy === 'sandbox' && url.protocol === 'http:' && SANDBOX_HOSTS.includes(url.hostname)) return undefined;
	if (url.protocol !== 'https:') return 'the URL must use https';
	// URL drops a default port (":443"), X refuses any written port.
	if (url.port || /^https:\/\/[^/?#]*:\d*(?:[/?#]|$)/i.test(raw)) return 'the URL cannot include a port';
	if (/^[0-9.]+$/.test(url.hostname) || url.hostname.startsWith('[') || !/[a-z]/i.test(url.hostname)) return 'the URL must name a host, not an IP address';
	return undefined;
}

function wire(webhook: WebhookRecord) {
	return { id: webhook.id, url: webhook.url, valid: webhook.valid, created_at: new Date(webhook.createdAt).toISOString() };
}

function appWebhooks(ctx: ApiContext): WebhookRecord[] {
	return [...ctx.emulator.push.webhooks.values()].filter((webhook) => webhook.appId === ctx.auth.appId);
}

/** A webhook of the caller's app, or 400 WebhookIdInvalid. */
export function ownWebhook(ctx: ApiContext, webhookId: string, parameter = 'webhook_id'): WebhookRecord {
	const webhook = ctx.emulator.push.webhooks.get(webhookId);
	if (!webhook || webhook.appId !== ctx.auth.appId) throw refusal('WebhookIdInvalid', `no webhook ${webhookId} for this app`, parameter, webhookId);
	return webhook;
}

function refuseUnlessRoom(ctx: ApiContext, url: string): void {
	const existing = appWebhooks(ctx);
	if (existing.some((webhook) => webhook.url === url)) throw refusal('DuplicateUrlFailed', 'a webhook is already registered by your application for this URL', 'url', url);
	const limit = ctx.emulator.options.webhookLimit;
	if (existing.length >= limit) throw refusal('WebhookLimitExceeded', `your application may register at most ${limit} webhooks`, 'url', url);
}

async function createWebhook(ctx: ApiContext): Promise<responses.Reply> {
	const { push, options, state, clock } = ctx.emulator;
	const { url } = ctx.json as { url: string };
	const problem = urlProblem(url, options.webhookUrlPolicy);
	if (problem) throw refusal('UrlValidationFailed', problem, 'url', url);
	refuseUnlessRoom(ctx, url);
	const now = clock.now();
	const candidate: WebhookRecord = { id: state.ids.next(), appId: ctx.auth.appId, url, valid: false, createdAt: now, lastSuccessAt: now, crcFailures: 0 };
	const generation = push.currentGeneration;
	const outcome = await push.checkWebhook(candidate);
	if (outcome !== 'ok') throw refusal('CrcValidationFailed', 'the webhook did not answer the CRC challenge correctly in time', 'url', url);
	if (!push.current(generation)) throw responses.genericProblem(503);
	refuseUnlessRoom(ctx, url);
	push.webhooks.set(candidate.id, candidate);
	push.armCrcTimer();
	return responses.json(200, { data: wire(candidate) });
}

function listWebhooks(ctx: ApiContext): responses.Reply {
	const fields = listParam(ctx.query, 'webhook_config.fields');
	const data = appWebhooks(ctx).map((webhook) => {
		const full: Record<string, unknown> = wire(webhook);
		return fields.length ? Object.fromEntries(Object.entries(full).filter(([name]) => fields.includes(name))) : full;
	});
	return responses.json(200, { data, meta: { result_count: data.length } });
}

async function validateWebhook(ctx: ApiContext): Promise<responses.Reply> {
	const webhook = ownWebhook(ctx, ctx.params.webhook_id);
	await ctx.emulator.push.checkWebhook(webhook);
	return responses.json(200, { data: { valid: webhook.valid } });
}

// GUESS: the subscriptions that named the webhook stay (without webhook delivery).
function deleteWebhook(ctx: ApiContext): responses.Reply {
	const { push } = ctx.emulator;
	const webhook = ownWebhook(ctx, ctx.params.webhook_id);
	push.webhooks.delete(webhook.id);
	push.armCrcTimer();
	return responses.json(200, { data: { deleted: true } });
}

export const webhookRoutes: ApiRoute[] = [
	{ method: 'POST', path: '/2/webhooks', operationId: 'createWebhooks', handler: createWebhook },
	{ method: 'GET', path: '/2/webhooks', operationId: 'getWebhooks', handler: listWebhooks },
	{ method: 'PUT', path: '/2/webhooks/:webhook_id', operationId: 'validateWebhooks', handler: validateWebhook },
	{ method: 'DELETE', path: '/2/webhooks/:webhook_id', operationId: 'deleteWebhooks', handler: deleteWebhook },
];
