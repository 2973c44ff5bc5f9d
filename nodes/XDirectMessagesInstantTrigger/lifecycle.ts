import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { triggerLimits } from '../shared/connection';
import { settle } from '../shared/settle';
import type { XApi, XApiConnection } from '../shared/transport';
import { appOnlyConnection, createXApi, isXApiFailure, OAUTH2_CREDENTIAL_TYPE } from '../shared/transport';
import { getAuthenticatedUser } from '../shared/users';
import { catchUp } from './catch-up';
import { lifecycleError } from './refusals';
import { resolveSenders } from './select';
import type { InstantSettings } from './settings';
import { readSettings, subscriptionTag } from './settings';
import type { InstantState, OwnSubscription } from './state';
import { claimCatchUp, forgetMemory, loadState, memoryOf, memoryScope, mergeMemory, saveState } from './state';
import type { XSubscription, XWebhook } from './x-activity';
import {
	createSubscription,
	deleted,
	deleteSubscriptions,
	deleteWebhook,
	listSubscriptions,
	listWebhooks,
	registerWebhook,
	revalidateWebhook,
} from './x-activity';

/** One lifecycle call: the settings, both connections (user token, app-only token) and the node's state. */
interface Session {
	ctx: IHookFunctions;
	settings: InstantSettings;
	user: XApi;
	app: XApi;
	url: string;
	tag: string;
	staticData: IDataObject;
	state: InstantState;
}

/** Production activations catch up; a test run in the editor ("Listen for test event") does not. */
const isProduction = (ctx: IHookFunctions): boolean => ctx.getMode() !== 'manual' && ctx.getActivationMode() !== 'manual';


/** Opens a session; fails before any request when the credential lacks the API Key or Secret. */
async function openSession(ctx: IHookFunctions): Promise<Session> {
	const settings = readSettings(ctx);
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(ctx.getNode(), 'n8n gave no webhook URL for this node');
	const limits = triggerLimits(ctx);
	const connection: XApiConnection = { context: ctx, credentialType: OAUTH2_CREDENTIAL_TYPE };
	const app = createXApi(await appOnlyConnection(connection, limits.timeoutMs), limits);
	const staticData = ctx.getWorkflowStaticData('node');
	return { ctx, settings, user: createXApi(connection, limits), app, url, tag: subscriptionTag(ctx), staticData, state: loadState(staticData) };
}

/**
 * Saves the state with what deliveries handled meanwhile in this process remembered: n8n saves the static data of
 * the activation after it, over what those requests saved.
 */
function persist(session: Session, state: InstantState): void {
	saveState(session.staticData, mergeMemory(state, memoryOf(memoryScope(session.ctx))));
}

/** Runs a lifecycle step; failures become node errors that name X's reason and what to do. */
async function step<T>(ctx: IHookFunctions, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (error) {
		throw lifecycleError(ctx.getNode(), error, ctx.getNodeWebhookUrl('default') ?? '');
	}
}

/** A subscription of this node: listed in its state, or carrying its tag on its webhook. */
function isOurs(subscription: XSubscription, session: Session, webhookId: string | undefined): boolean {
	const listed = session.state.subscriptions?.some((own) => own.id === subscription.id && own.owned);
	return listed === true || (subscription.tag === session.tag && subscription.webhookId !== undefined && subscription.webhookId === webhookId);
}

/** Whether X still has this node's webhook (valid, for its URL) and a subscription of it for every chosen event. */
export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const saved = loadState(this.getWorkflowStaticData('node'));
	if (saved.webhookId === undefined || !saved.subscriptions?.length) return false;
	return await step(this, async () => {
		const session = await openSession(this);
		const { webhooks, nowMs } = await listWebhooks(session.app);
		const webhook = webhooks.find((hook) => hook.id === saved.webhookId);
		if (!webhook || !webhook.valid || webhook.url !== session.url) return false;
		const me = await getAuthenticatedUser(session.user);
		if (!me || me.id !== saved.userId) return false;
		const existing = new Set((await listSubscriptions(session.app)).filter((sub) => sub.webhookId === webhook.id).map((sub) => sub.id));
		const complete = session.settings.events.every((event) =>
			saved.subscriptions?.some((own) => own.eventType === event && existing.has(own.id)),
		);
		if (!complete) return false;
		// n8n restarts call only checkExists: this is where deliveries missed while it was down are asked for again.
		const senders = await resolveSenders(session.ctx.getNode(), session.user, session.settings, session.state.senders);
		const catchingUp = isProduction(this) && session.settings.catchUp;
		if (catchingUp) claimCatchUp(memoryScope(this));
		const job = catchingUp ? await catchUp(this, session.app, webhook.id, session.state, nowMs) : undefined;
		persist(session, { ...session.state, senders, replayJob: job ?? session.state.replayJob });
		return true;
	});
}

/** This node's webhook: found by URL (re-validated when X marked it invalid) or registered. */
async function ensureWebhook(session: Session, webhooks: XWebhook[]): Promise<XWebhook> {
	const found = webhooks.find((hook) => hook.url === session.url);
	if (!found) return await registerWebhook(session.app, session.url);
	if (found.valid) return found;
	if (await revalidateWebhook(session.app, found.id)) return { ...found, valid: true };
	throw new NodeOperationError(session.ctx.getNode(), 'X still considers the webhook invalid: n8n did not pass its CRC check', {
		description: `X sent a GET with a crc_token to "${session.url}" and did not get the right answer. Check that this URL reaches n8n from the internet (WEBHOOK_URL) and that the credential's API Key Secret belongs to the same X app as its API Key.`,
	});
}

/** A subscription for one event: this node's own, or an identical one that already exists (409), or a new one. */
async function ensureSubscription(session: Session, all: XSubscription[], event: string, userId: string, webhookId: string): Promise<OwnSubscription> {
	const matches = (sub: XSubscription) => sub.eventType === event && sub.userId === userId && sub.webhookId === webhookId;
	const mine = all.find((sub) => matches(sub) && isOurs(sub, session, webhookId));
	if (mine) return { id: mine.id, eventType: event, owned: true };
	const created = await settle(createSubscription(session.user, { eventType: event, userId, tag: session.tag, webhookId }));
	if (created.ok) return { id: created.value.id, eventType: event, owned: true };
	const { error } = created;
	const identical = isXApiFailure(error) && 'status' in error.failure && error.failure.status === 409 ? all.find(matches) : undefined;
	if (!identical) throw error;
	session.ctx.logger.info(`X Direct Messages Instant Trigger: using the existing subscription ${identical.id} for ${event}`);
	return { id: identical.id, eventType: event, owned: false };
}


/** Finds or registers the webhook and finds or creates a subscription per chosen event; catches up when it can. */
export async function create(this: IHookFunctions): Promise<boolean> {
	return await step(this, async () => {
		const session = await openSession(this);
		const me = await getAuthenticatedUser(session.user);
		if (!me) throw new NodeOperationError(this.getNode(), 'X did not return the authenticated user (GET /2/users/me)');
		const senders = await resolveSenders(session.ctx.getNode(), session.user, session.settings, session.state.senders);
		const { webhooks, nowMs } = await listWebhooks(session.app);
		const webhook = await ensureWebhook(session, webhooks);
		// Saved at once: when a later step fails, n8n's clean-up (delete) finds the webhook to remove.
		const previousWebhookId = session.state.webhookId;
		persist(session, { ...session.state, webhookId: webhook.id, webhookUrl: webhook.url });
		let all = await listSubscriptions(session.app);
		// Subscriptions of this node that no longer fit (other events, account or webhook) go first.
		const chosen = new Set<string>(session.settings.events);
		const stale = all.filter((sub) => isOurs(sub, session, previousWebhookId ?? webhook.id) && !(chosen.has(sub.eventType) && sub.userId === me.id && sub.webhookId === webhook.id));
		await deleteSubscriptions(session.app, stale.map((sub) => sub.id));
		all = all.filter((sub) => !stale.includes(sub));
		const subscriptions: OwnSubscription[] = [];
		for (const event of session.settings.events) subscriptions.push(await ensureSubscription(session, all, event, me.id, webhook.id));
		const sameWebhook = previousWebhookId === webhook.id;
		const state: InstantState = {
			...session.state,
			webhookId: webhook.id,
			webhookUrl: webhook.url,
			userId: me.id,
			subscriptions,
			senders,
			activatedAt: sameWebhook ? (session.state.activatedAt ?? Date.now()) : Date.now(),
		};
		// The same webhook as before (re-validated, or a subscription deleted outside n8n): deliveries may be missing.
		const catchingUp = sameWebhook && isProduction(this) && session.settings.catchUp;
		if (isProduction(this)) claimCatchUp(memoryScope(this));
		const job = catchingUp ? await catchUp(this, session.app, webhook.id, session.state, nowMs) : undefined;
		persist(session, sameWebhook ? { ...state, replayJob: job ?? state.replayJob } : { ...state, coveredUntil: undefined, replayJob: undefined });
		return true;
	});
}

/** Deletes this node's subscriptions, then its webhook when no subscription of the app points at it any more. */
export async function remove(this: IHookFunctions): Promise<boolean> {
	const staticData = this.getWorkflowStaticData('node');
	const saved = loadState(staticData);
	forgetMemory(memoryScope(this));
	if (saved.webhookId === undefined && !saved.subscriptions?.length) return true;
	try {
		const session = await openSession(this);
		const all = await listSubscriptions(session.app);
		const ours = all.filter((sub) => isOurs(sub, session, saved.webhookId));
		await deleteSubscriptions(session.app, ours.map((sub) => sub.id));
		const stillUsed = all.some((sub) => !ours.includes(sub) && sub.webhookId === saved.webhookId);
		if (saved.webhookId !== undefined && !stillUsed) await deleted(deleteWebhook(session.app, saved.webhookId));
		saveState(staticData, { ...saved, webhookId: undefined, webhookUrl: undefined, subscriptions: undefined, activatedAt: undefined, coveredUntil: undefined, replayJob: undefined });
		return true;
	} catch (error) {
		const reason = lifecycleError(this.getNode(), error, this.getNodeWebhookUrl('default') ?? '');
		this.logger.warn(
			`X Direct Messages Instant Trigger "${this.getNode().name}": could not remove its X subscriptions or webhook (${reason.message}). Delete them in X if they are left; the webhook is ${saved.webhookId ?? 'unknown'}.`,
		);
		return false;
	}
}
