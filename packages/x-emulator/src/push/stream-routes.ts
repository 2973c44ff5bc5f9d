// GET /2/activity/stream (app-only bearer; its query checked against the vendored 2.167 document before this runs):
// 429 TooManyConnections past the app's connection limit, 400 for a recovery window the history cannot serve,
// else a Reply that hands the response to the StreamHub (stream.ts).
import type { ApiContext, ApiRoute } from '../context';
import * as responses from '../responses';
import { TOO_MANY_CONNECTIONS, type StreamRequest } from './stream';

function invalidTime(parameter: 'start_time' | 'end_time', value: string, why: string): responses.Reply {
	return responses.invalidRequest([{ parameters: { [parameter]: [value] }, message: `The \`${parameter}\` query parameter value [${value}] is not valid: ${why}` }]);
}

// GUESS on the bounds (x-activity-api.md §7: recovery reaches back 24 hours): start_time within the recovery
// window and not in the future, end_time not before start_time; end_time alone is refused.
function recoveryWindow(ctx: ApiContext): Pick<StreamRequest, 'startMs' | 'endMs'> {
	const { start_time: start, end_time: end } = ctx.query;
	if (start === undefined) {
		if (end !== undefined) throw invalidTime('end_time', end, 'end_time needs start_time');
		return {};
	}
	const now = ctx.emulator.clock.now();
	const startMs = Date.parse(start);
	if (startMs > now) throw invalidTime('start_time', start, 'start_time must not be in the future');
	if (startMs < now - Number(ctx.emulator.options.streamRecoveryWindowMs)) throw invalidTime('start_time', start, 'start_time is older than the recovery window');
	if (end === undefined) return { startMs };
	const endMs = Date.parse(end);
	if (endMs < startMs) throw invalidTime('end_time', end, 'end_time must not be before start_time');
	return { startMs, endMs };
}

function activityStream(ctx: ApiContext): responses.Reply {
	const { push } = ctx.emulator;
	const appId = ctx.auth.appId;
	const window = recoveryWindow(ctx);
	if (push.stream.refuses(appId)) return responses.problem(429, TOO_MANY_CONNECTIONS);
	const backfillMinutes = ctx.query.backfill_minutes === undefined ? 0 : Number(ctx.query.backfill_minutes);
	const request: StreamRequest = { appId, backfillMinutes, ...window };
	return {
		status: 200,
		stream: (res, headers) => {
			// Another connection may have opened between the check and now.
			if (push.stream.openCount(appId) >= Number(ctx.emulator.options.streamConnectionLimit)) {
				res.writeHead(429, { ...headers, 'content-type': responses.PROBLEM_TYPE }).end(JSON.stringify(TOO_MANY_CONNECTIONS));
				return;
			}
			push.stream.open(request, res, headers);
		},
	};
}

export const streamRoutes: ApiRoute[] = [{ method: 'GET', path: '/2/activity/stream', operationId: 'activityStream', handler: activityStream }];
