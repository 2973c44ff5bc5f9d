// /2/activity/subscriptions: create, list, update, delete (one or by ids) an app's Activity subscriptions
// (x-activity-api.md §3). Private dm.* events need the monitored user's OAuth 2.0 token with dm.read.
import { listParam, type ApiContext, type ApiRoute } from '../context';
import * as responses from '../responses';
import { conflict, notAuthorizedForUser, privateEventNeedsUserContext, refusal, subscriptionNotFound } from './errors';
import { subscriptionWire, type SubscriptionFilter, type SubscriptionRecord } from './records';
import { ownWebhook } from './webhook-routes';

interface CreateBody {
	event_type: string;
	filter: SubscriptionFilter;
	tag?: string;
	webhook_id?: string;
}

const DEFAULT_PAGE = 1000;
const TOKEN_LENGTH = 16;

function appSubscriptions(ctx: ApiContext): SubscriptionRecord[] {
	return [...ctx.emulator.push.subscriptions.values()].filter((sub) => sub.appId === ctx.auth.appId);
}

/** A subscription of the caller's app; another app's answers like a missing one (GUESS). */
function ownSubscription(ctx: ApiContext, subscriptionId: string): SubscriptionRecord {
	const sub = ctx.emulator.push.subscriptions.get(subscriptionId);
	if (!sub || sub.appId !== ctx.auth.appId) throw subscriptionNotFound(subscriptionId);
	return sub;
}

/** dm.* are private: only an OAuth 2.0 user token with dm.read of the filtered user may subscribe. */
function checkPrivateEvent(ctx: ApiContext, body: CreateBody): void {
	if (!body.event_type.startsWith('dm.')) return;
	const userId = body.filter.user_id;
	if (userId === undefined) throw responses.invalidRequest([{ parameters: { 'filter.user_id': [] }, message: `${body.event_type} subscriptions need filter.user_id` }]);
	const caller = ctx.auth;
	if (caller.kind !== 'oauth2') throw privateEventNeedsUserContext(body.event_type, caller.kind);
	if (caller.userId !== userId) throw notAuthorizedForUser(body.event_type, userId, 'the token belongs to another user');
	if (!caller.scopes.includes('dm.read')) throw notAuthorizedForUser(body.event_type, userId, 'the token lacks the dm.read scope');
}

const sameFilter = (a: SubscriptionFilter, b: SubscriptionFilter): boolean => a.user_id === b.user_id && a.keyword === b.keyword && a.direction === b.direction;

function refuseDuplicate(ctx: ApiContext, candidate: Pick<SubscriptionRecord, 'event_type' | 'filter' | 'webhook_id' | 'subscription_id'>): void {
	const duplicate = appSubscriptions(ctx).find(
		(sub) => sub.subscription_id !== candidate.subscription_id && sub.event_type === candidate.event_type && sub.webhook_id === candidate.webhook_id && sameFilter(sub.filter, candidate.filter),
	);
	if (duplicate) throw conflict('DuplicateSubscription', `subscription ${duplicate.subscription_id} already delivers these events`);
}

function created(ctx: ApiContext, sub: SubscriptionRecord): responses.Reply {
	const style = ctx.emulator.options.subscriptionResponseStyle;
	const wire = subscriptionWire(sub);
	if (style === 'array') return responses.json(200, { data: [wire], meta: { total_subscriptions: appSubscriptions(ctx).length } });
	return responses.json(200, { data: style === 'object' ? wire : { subscription: wire } });
}

function createSubscription(ctx: ApiContext): responses.Reply {
	const { push, state, clock, options } = ctx.emulator;
	const body = ctx.json as CreateBody;
	// chat.conversation_join is a deprecated alias; responses use the canonical name.
	const eventType = body.event_type === 'chat.conversation_join' ? 'chat.conversation.join' : body.event_type;
	checkPrivateEvent(ctx, body);
	if (body.webhook_id !== undefined) ownWebhook(ctx, body.webhook_id);
	const now = clock.now();
	const sub: SubscriptionRecord = { subscription_id: state.ids.next(), appId: ctx.auth.appId, event_type: eventType, filter: { ...body.filter }, created_at: now, updated_at: now };
	if (body.tag !== undefined) sub.tag = body.tag;
	if (body.webhook_id !== undefined) sub.webhook_id = body.webhook_id;
	refuseDuplicate(ctx, sub);
	if (appSubscriptions(ctx).length >= options.subscriptionLimit) {
		throw refusal('SubscriptionLimitExceeded', `your application may hold at most ${options.subscriptionLimit} subscriptions`);
	}
	push.subscriptions.set(sub.subscription_id, sub);
	return created(ctx, sub);
}

// GUESS (2.166 shape): meta.result_count, and meta.next_token when max_results cuts the list.
function listSubscriptions(ctx: ApiContext): responses.Reply {
	const all = appSubscriptions(ctx).sort((a, b) => a.created_at - b.created_at || (a.subscription_id < b.subscription_id ? -1 : 1));
	const size = ctx.query.max_results === undefined ? DEFAULT_PAGE : Number(ctx.query.max_results);
	const token = ctx.query.pagination_token;
	const offset = token === undefined ? 0 : parseInt(token, 32);
	if (token !== undefined && (!/^[0-9A-V]+$/.test(token) || !(offset > 0) || offset >= all.length)) {
		throw responses.invalidRequest([{ parameters: { pagination_token: [token] }, message: `The \`pagination_token\` query parameter value [${token}] is not valid` }]);
	}
	const page = all.slice(offset, offset + size);
	const meta: Record<string, unknown> = { result_count: page.length };
	if (offset + size < all.length) meta.next_token = (offset + size).toString(32).toUpperCase().padStart(TOKEN_LENGTH, '0');
	return responses.json(200, { data: page.map(subscriptionWire), meta });
}

function updateSubscription(ctx: ApiContext): responses.Reply {
	const sub = ownSubscription(ctx, ctx.params.subscription_id);
	const body = ctx.json as { tag?: string; webhook_id?: string };
	if (body.webhook_id !== undefined) {
		ownWebhook(ctx, body.webhook_id);
		refuseDuplicate(ctx, { ...sub, webhook_id: body.webhook_id });
		sub.webhook_id = body.webhook_id;
	}
	if (body.tag !== undefined) sub.tag = body.tag;
	sub.updated_at = ctx.emulator.clock.now();
	const total = appSubscriptions(ctx).length;
	if (ctx.emulator.options.subscriptionResponseStyle === 'nested') return responses.json(200, { data: { subscription: subscriptionWire(sub), total_subscriptions: total } });
	return responses.json(200, { data: subscriptionWire(sub), meta: { total_subscriptions: total } });
}

function deleteSubscription(ctx: ApiContext): responses.Reply {
	const sub = ownSubscription(ctx, ctx.params.subscription_id);
	ctx.emulator.push.subscriptions.delete(sub.subscription_id);
	if (ctx.emulator.options.subscriptionResponseStyle === 'nested') return responses.json(200, { data: { deleted: true } });
	return responses.json(200, { data: { deleted: true }, meta: { total_subscriptions: appSubscriptions(ctx).length } });
}

function deleteSubscriptionsByIds(ctx: ApiContext): responses.Reply {
	const { push } = ctx.emulator;
	const data: Array<{ deleted: boolean; subscription_id: string }> = [];
	const errors: Array<{ message: string; reason: string; subscription_id: string }> = [];
	for (const id of listParam(ctx.query, 'ids')) {
		const sub = push.subscriptions.get(id);
		if (sub && sub.appId === ctx.auth.appId) {
			push.subscriptions.delete(id);
			data.push({ deleted: true, subscription_id: id });
		} else {
			errors.push({ message: `Could not find subscription with subscription_id: [${id}].`, reason: 'SubscriptionNotFound', subscription_id: id });
		}
	}
	const body: Record<string, unknown> = { data, meta: { total_subscriptions: appSubscriptions(ctx).length } };
	if (errors.length) body.errors = errors;
	return responses.json(200, body);
}

export const subscriptionRoutes: ApiRoute[] = [
	{ method: 'POST', path: '/2/activity/subscriptions', operationId: 'createActivitySubscription', handler: createSubscription },
	{ method: 'GET', path: '/2/activity/subscriptions', operationId: 'getActivitySubscriptions', handler: listSubscriptions },
	{ method: 'DELETE', path: '/2/activity/subscriptions', operationId: 'deleteActivitySubscriptionsByIds', handler: deleteSubscriptionsByIds },
	{ method: 'PUT', path: '/2/activity/subscriptions/:subscription_id', operationId: 'updateActivitySubscription', handler: updateSubscription },
	{ method: 'DELETE', path: '/2/activity/subscriptions/:subscription_id', operationId: 'deleteActivitySubscription', handler: deleteSubscription },
];
