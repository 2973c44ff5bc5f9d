// Users lookup (x-dm-api.md §7) and DM block/unblock (§2.10). Unknown users come back as HTTP 200 with
// errors[] of type resource-not-found, the real lookup behaviour.
import { callerId, listParam, type ApiContext, type ApiRoute } from '../context';
import { renderUser } from '../render-users';
import * as responses from '../responses';
import type { StoredUser } from '../state';
import * as store from '../store';
import type { XResourceNotFound, XUser } from '../x-types';

function render(ctx: ApiContext, user: StoredUser): XUser {
	return renderUser(ctx.emulator.state, user, listParam(ctx.apiQuery, 'user.fields'), ctx.auth.userId);
}

const userNotFound = (parameter: string, value: string): XResourceNotFound =>
	responses.notFoundError({ resourceType: 'user', parameter, value, label: 'user' });

function single(ctx: ApiContext, user: StoredUser | undefined, parameter: string, value: string): responses.Reply {
	if (!user) return responses.json(200, { errors: [userNotFound(parameter, value)] });
	return responses.json(200, { data: render(ctx, user) });
}

function many(ctx: ApiContext, values: string[], lookup: (value: string) => StoredUser | undefined, parameter: string): responses.Reply {
	const data: XUser[] = [];
	const errors: XResourceNotFound[] = [];
	for (const value of values) {
		const user = lookup(value);
		if (user) data.push(render(ctx, user));
		else errors.push(userNotFound(parameter, value));
	}
	const body: { data?: XUser[]; errors?: XResourceNotFound[] } = {};
	if (data.length) body.data = data;
	if (errors.length) body.errors = errors;
	return responses.json(200, body);
}

function me(ctx: ApiContext): responses.Reply {
	const userId = ctx.auth.userId;
	const user = userId === undefined ? undefined : store.getUser(ctx.emulator.state, userId);
	if (!user) throw responses.unauthorized();
	return responses.json(200, { data: render(ctx, user) });
}

function byUsername(ctx: ApiContext): responses.Reply {
	const { username } = ctx.params;
	return single(ctx, store.findUserByUsername(ctx.emulator.state, username), 'username', username);
}

function byId(ctx: ApiContext): responses.Reply {
	return single(ctx, store.getUser(ctx.emulator.state, ctx.params.id), 'id', ctx.params.id);
}

function byIds(ctx: ApiContext): responses.Reply {
	return many(ctx, listParam(ctx.apiQuery, 'ids'), (id) => store.getUser(ctx.emulator.state, id), 'ids');
}

function byUsernames(ctx: ApiContext): responses.Reply {
	return many(ctx, listParam(ctx.apiQuery, 'usernames'), (name) => store.findUserByUsername(ctx.emulator.state, name), 'usernames');
}

function setDmBlock(blocked: boolean) {
	return (ctx: ApiContext): responses.Reply => {
		const { state } = ctx.emulator;
		const targetId = ctx.params.id;
		if (!store.getUser(state, targetId)) return responses.json(200, { errors: [userNotFound('id', targetId)] });
		if (blocked) store.block(state, callerId(ctx), targetId);
		else store.unblock(state, callerId(ctx), targetId);
		return responses.json(200, { data: { blocked } });
	};
}

export const userRoutes: ApiRoute[] = [
	{ method: 'GET', path: '/2/users/me', operationId: 'getUsersMe', handler: me },
	{ method: 'GET', path: '/2/users/by/username/:username', operationId: 'getUsersByUsername', handler: byUsername },
	{ method: 'GET', path: '/2/users/by', operationId: 'getUsersByUsernames', handler: byUsernames },
	{ method: 'GET', path: '/2/users/:id', operationId: 'getUsersById', handler: byId },
	{ method: 'GET', path: '/2/users', operationId: 'getUsersByIds', handler: byIds },
	{ method: 'POST', path: '/2/users/:id/dm/block', operationId: 'blockUsersDms', handler: setDmBlock(true) },
	{ method: 'POST', path: '/2/users/:id/dm/unblock', operationId: 'unblockUsersDms', handler: setDmBlock(false) },
];
