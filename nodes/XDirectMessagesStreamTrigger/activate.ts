import type { ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { triggerLimits } from '../shared/connection';
import { settle } from '../shared/settle';
import type { XApiConnection } from '../shared/transport';
import { appOnlyConnection, createXApi, isXApiFailure, OAUTH2_CREDENTIAL_TYPE, serverDateMs } from '../shared/transport';
import { decodeUser } from '../shared/models';
import { lifecycleError } from '../XDirectMessagesInstantTrigger/refusals';
import { resolveSenders } from '../XDirectMessagesInstantTrigger/select';
import { subscriptionTag } from '../XDirectMessagesInstantTrigger/settings';
import { memoryScope } from '../XDirectMessagesInstantTrigger/state';
import { readStreamSettings } from './settings';
import { GAP_MARGIN_MS, NODE_LABEL, StreamSession } from './session';
import type { StreamState } from './state';
import { loadStreamState } from './state';
import { deleteSubscriptions } from '../XDirectMessagesInstantTrigger/x-activity';
import { ensureSubscriptions, releaseSubscriptions, useSubscriptions } from './subscriptions';

/** Activations that continue a running workflow (n8n's start-up, a save while active, a new leader) rather than start it. */
const RESUMING_ACTIVATIONS: string[] = ['init', 'update', 'leadershipChange'];

/** Runs an activation step; failures become node errors that name X's reason and what to do. */
async function step<T>(ctx: ITriggerFunctions, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (error) {
		throw lifecycleError(ctx.getNode(), error, '');
	}
}

/**
 * trigger(): subscribes the account's chosen events (without a webhook), opens the first stream connection (an app
 * whose connections are all taken fails the activation here, with X's reason), and holds the stream until n8n calls
 * the close function, which ends it and deletes the subscriptions.
 */
export async function activate(this: ITriggerFunctions): Promise<ITriggerResponse> {
	const ctx = this;
	const settings = readStreamSettings(ctx);
	const limits = triggerLimits(ctx);
	const connection: XApiConnection = { context: ctx, credentialType: OAUTH2_CREDENTIAL_TYPE };
	const production = ctx.getMode() !== 'manual' && ctx.getActivationMode() !== 'manual';
	const staticData = ctx.getWorkflowStaticData('node');
	const { app, user, me, state, xClockMs } = await step(ctx, async () => {
		const app = createXApi(await appOnlyConnection(connection, limits.timeoutMs), limits);
		const user = createXApi(connection, limits);
		const { body, headers } = await user.get('/2/users/me');
		const me = decodeUser(body);
		if (!me) throw new NodeOperationError(ctx.getNode(), 'X did not return the authenticated user (GET /2/users/me)');
		const saved = loadStreamState(staticData);
		const resuming = RESUMING_ACTIVATIONS.includes(ctx.getActivationMode());
		// Another account, or a workflow someone activated: nothing saved belongs to what starts now but the dedupe.
		const state: StreamState = saved.userId === undefined || saved.userId === me.id ? saved : {};
		if (!resuming) {
			delete state.lastAliveAt;
			delete state.catchUpFrom;
			delete state.groupCursor;
		}
		state.senders = await resolveSenders(ctx.getNode(), user, settings, state.senders);
		return { app, user, me, state, xClockMs: serverDateMs(headers) };
	});
	const tag = subscriptionTag(ctx);
	const subscribed = await step(ctx, async () => await ensureSubscriptions(ctx, { app, user, tag, userId: me.id, events: settings.events }));
	if (!subscribed.ok) throw lifecycleError(ctx.getNode(), subscribed.error, '');
	const subscriptions = subscribed.value;
	const scope = memoryScope(ctx);
	useSubscriptions(scope, subscriptions.map((own) => own.id));
	// Deleted when the node closes, unless another workflow node of this n8n still streams them.
	const ownedIds = subscriptions.filter((own) => own.owned).map((own) => own.id);
	const release = async () => await deleteSubscriptions(app, releaseSubscriptions(scope, subscriptions.map((own) => own.id)).filter((id) => ownedIds.includes(id)));
	const session = new StreamSession({ ctx, settings, app, user, accountId: me.id, tag, production, staticData, state: { ...state, userId: me.id, subscriptions }, scope });
	// The gap since the stream was last alive is measured on X's clock (its answer to /2/users/me), not the host's.
	session.observeClock(xClockMs);
	const first = await settle(session.open(session.backfillMinutes()));
	if (!first.ok) {
		await settle(release());
		await session.close();
		throw lifecycleError(ctx.getNode(), first.error, '');
	}
	// n8n restarted (or saved the active workflow, or another main took over) since the stream was last alive: X's
	// backfill cannot reach back there. A workflow someone activated starts afresh: deactivated means off.
	const lastAlive = state.lastAliveAt;
	if (production && settings.catchUp && lastAlive !== undefined && RESUMING_ACTIVATIONS.includes(ctx.getActivationMode())) {
		session.requestCatchUp(lastAlive - GAP_MARGIN_MS);
	}
	session.persist();
	session.start(first.value);
	ctx.logger.info(`${NODE_LABEL} "${ctx.getNode().name}": stream connected for @${me.username ?? me.id} (${settings.events.join(', ')})`);

	const closeFunction = async (): Promise<void> => {
		await session.close();
		const removed = await settle(release());
		if (!removed.ok) {
			const reason = isXApiFailure(removed.error) ? removed.error.failure.kind : String(removed.error);
			ctx.logger.warn(`${NODE_LABEL} "${ctx.getNode().name}": could not delete its X subscriptions (${reason}); delete ${ownedIds.join(', ')} in X if they are left.`);
		}
	};
	return { closeFunction };
}
