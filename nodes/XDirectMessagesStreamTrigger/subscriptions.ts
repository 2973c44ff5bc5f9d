import type { ITriggerFunctions } from 'n8n-workflow';

import type { Settled } from '../shared/settle';
import { settle } from '../shared/settle';
import type { XApi } from '../shared/transport';
import { isXApiFailure } from '../shared/transport';
import type { OwnSubscription } from '../XDirectMessagesInstantTrigger/state';
import type { XSubscription } from '../XDirectMessagesInstantTrigger/x-activity';
import { createSubscription, deleteSubscriptions, listSubscriptions } from '../XDirectMessagesInstantTrigger/x-activity';

/**
 * The Stream Trigger's X Activity subscriptions: one per chosen event, without a webhook (X then delivers only on the
 * app's stream), tagged with the workflow and node so that this node's own are found again and its events told apart.
 */

export interface SubscriptionSetup {
	app: XApi;
	user: XApi;
	tag: string;
	userId: string;
	events: string[];
}

/** The start of every tag the Stream and Instant Triggers give their subscriptions (settings.ts subscriptionTag). */
const N8N_TAG_PREFIX = 'n8n:';

/**
 * The workflow nodes of this n8n process that use a subscription (key: subscription id). X refuses a second identical
 * subscription, so two workflows streaming the same event of one account share one; n8n runs every trigger() of an
 * instance in its main (its leader), so this process sees all of them.
 */
const usersOf = new Map<string, Set<string>>();

/** Marks the subscriptions as used by the workflow node `scope`. */
export function useSubscriptions(scope: string, ids: string[]): void {
	for (const id of ids) {
		const users = usersOf.get(id) ?? new Set<string>();
		users.add(scope);
		usersOf.set(id, users);
	}
}

/** The node `scope` no longer uses these subscriptions: returns those that no other node of this process uses. */
export function releaseSubscriptions(scope: string, ids: string[]): string[] {
	return ids.filter((id) => {
		const users = usersOf.get(id);
		users?.delete(scope);
		if (users?.size) return false;
		usersOf.delete(id);
		return true;
	});
}

const isConflict = (error: unknown): boolean => isXApiFailure(error) && 'status' in error.failure && error.failure.status === 409;

/** A subscription for one event: this node's own (tag), an identical one that already exists (409), or a new one. */
async function ensureOne(ctx: ITriggerFunctions, setup: SubscriptionSetup, all: XSubscription[], event: string): Promise<OwnSubscription> {
	const matches = (sub: XSubscription) => sub.eventType === event && sub.userId === setup.userId && sub.webhookId === undefined;
	const mine = all.find((sub) => matches(sub) && sub.tag === setup.tag);
	if (mine) return { id: mine.id, eventType: event, owned: true };
	const created = await settle(createSubscription(setup.user, { eventType: event, userId: setup.userId, tag: setup.tag }));
	if (created.ok) return { id: created.value.id, eventType: event, owned: true };
	const identical = isConflict(created.error) ? all.find(matches) : undefined;
	if (!identical) throw created.error;
	ctx.logger.info(`X Direct Messages Stream Trigger: using the existing subscription ${identical.id} for ${event}`);
	// Another workflow's stream subscription (X allows one per event and account): whichever closes last deletes it.
	return { id: identical.id, eventType: event, owned: identical.tag?.startsWith(N8N_TAG_PREFIX) === true };
}

/**
 * Finds or creates this node's subscriptions; its tagged ones that no longer fit (other events or account) are
 * deleted first. On failure, what was created here is deleted again and the failure returned.
 */
export async function ensureSubscriptions(ctx: ITriggerFunctions, setup: SubscriptionSetup): Promise<Settled<OwnSubscription[]>> {
	let all = await listSubscriptions(setup.app);
	const chosen = new Set(setup.events);
	const stale = all.filter((sub) => sub.tag === setup.tag && sub.webhookId === undefined && !(chosen.has(sub.eventType) && sub.userId === setup.userId));
	await deleteSubscriptions(setup.app, stale.map((sub) => sub.id));
	all = all.filter((sub) => !stale.includes(sub));
	const made: OwnSubscription[] = [];
	for (const event of setup.events) {
		const one = await settle(ensureOne(ctx, setup, all, event));
		if (one.ok) {
			made.push(one.value);
			continue;
		}
		await settle(deleteSubscriptions(setup.app, made.filter((own) => own.owned).map((own) => own.id)));
		return one;
	}
	return { ok: true, value: made };
}
