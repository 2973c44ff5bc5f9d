'use strict';

// Users lookup (x-dm-api.md §7) and DM block/unblock (§2.10). Unknown users come back as HTTP 200 with
// errors[] of type resource-not-found, the real lookup behaviour.
const responses = require('../responses');
const store = require('../store');
const { renderUser, listParam } = require('../render-users');

function render(ctx, user) {
	return renderUser(ctx.emulator.state, user, listParam(ctx.apiQuery, 'user.fields'), ctx.auth?.userId);
}

const userNotFound = (parameter, value) => responses.notFoundError({ resourceType: 'user', parameter, value, label: 'user' });

function single(ctx, user, parameter, value) {
	if (!user) return responses.json(200, { errors: [userNotFound(parameter, value)] });
	return responses.json(200, { data: render(ctx, user) });
}

function many(ctx, values, lookup, parameter) {
	const data = [];
	const errors = [];
	for (const value of values) {
		const user = lookup(value);
		if (user) data.push(render(ctx, user));
		else errors.push(userNotFound(parameter, value));
	}
	const body = {};
	if (data.length) body.data = data;
	if (errors.length) body.errors = errors;
	return responses.json(200, body);
}

function me(ctx) {
	const user = store.getUser(ctx.emulator.state, ctx.auth.userId);
	if (!user) throw responses.unauthorized();
	return responses.json(200, { data: render(ctx, user) });
}

function byUsername(ctx) {
	const { username } = ctx.params;
	return single(ctx, store.findUserByUsername(ctx.emulator.state, username), 'username', username);
}

function byId(ctx) {
	return single(ctx, store.getUser(ctx.emulator.state, ctx.params.id), 'id', ctx.params.id);
}

function byIds(ctx) {
	return many(ctx, listParam(ctx.apiQuery, 'ids'), (id) => store.getUser(ctx.emulator.state, id), 'ids');
}

function byUsernames(ctx) {
	return many(ctx, listParam(ctx.apiQuery, 'usernames'), (name) => store.findUserByUsername(ctx.emulator.state, name), 'usernames');
}

function setDmBlock(blocked) {
	return (ctx) => {
		const { state } = ctx.emulator;
		const targetId = ctx.params.id;
		if (!store.getUser(state, targetId)) return responses.json(200, { errors: [userNotFound('id', targetId)] });
		if (blocked) store.block(state, ctx.auth.userId, targetId);
		else store.unblock(state, ctx.auth.userId, targetId);
		return responses.json(200, { data: { blocked } });
	};
}

module.exports = [
	{ method: 'GET', path: '/2/users/me', operationId: 'getUsersMe', handler: me },
	{ method: 'GET', path: '/2/users/by/username/:username', operationId: 'getUsersByUsername', handler: byUsername },
	{ method: 'GET', path: '/2/users/by', operationId: 'getUsersByUsernames', handler: byUsernames },
	{ method: 'GET', path: '/2/users/:id', operationId: 'getUsersById', handler: byId },
	{ method: 'GET', path: '/2/users', operationId: 'getUsersByIds', handler: byIds },
	{ method: 'POST', path: '/2/users/:id/dm/block', operationId: 'blockUsersDms', handler: setDmBlock(true) },
	{ method: 'POST', path: '/2/users/:id/dm/unblock', operationId: 'unblockUsersDms', handler: setDmBlock(false) },
];
