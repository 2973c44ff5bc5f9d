// The Activity API stream (GET /2/activity/stream, x-activity-api.md §3.6, §7): every event of an app's
// subscriptions as one JSON line ending in \r\n on each open connection of that app, \r\n heartbeats, backfill and
// start_time/end_time recovery from a bounded per-app history, the connection limit, operational disconnects,
// stalls and fault injection. Heartbeat timers are unref'd; stop() and reset() end every connection.
import type * as http from 'node:http';
import { PRICES_USD } from '../billing';
import { EmulatorError } from '../store';
import type { PushService } from './service';

const HOUR_MS = 60 * 60 * 1000;
/** The stream history keeps the last 24 hours of the emulator clock (recovery's documented reach). */
export const STREAM_HISTORY_MS = 24 * HOUR_MS;
export const MAX_STREAM_EVENTS_PER_APP = 50_000;
const LINE_END = '\r\n';

/** F1's "too many connections" problem, verbatim (its `type` follows the problemHost option). */
export const TOO_MANY_CONNECTIONS = {
	title: 'ConnectionException',
	detail: 'This stream is currently at the maximum allowed connection limit.',
	connection_issue: 'TooManyConnections',
	type: 'https://api.x.com/2/problems/streaming-connection',
};

/** F1's in-stream operational-disconnect error, verbatim. */
export const OPERATIONAL_DISCONNECT = {
	errors: [
		{
			title: 'operational-disconnect',
			disconnect_type: 'UpstreamOperationalDisconnect',
			detail: 'This stream has been disconnected upstream for operational reasons.',
			type: 'https://api.x.com/2/problems/operational-disconnect',
		},
	],
};

/** One event as the stream carries it: the webhook's envelope bytes. */
export interface StreamEvent {
	seq: number;
	appId: string;
	event_type: string;
	event_uuid: string;
	dmEventId?: string;
	/** ms, emulator clock: when the event happened. */
	eventAt: number;
	/** The `{"data":{...}}` envelope, without the line end. */
	line: string;
}

export type StreamFaultKind = 'disconnect' | 'stall' | 'resume' | 'reset' | 'drop-next' | 'duplicate-next' | 'too-many-connections';

export interface StreamFaultSpec {
	kind: StreamFaultKind;
	/** Only connections (or the next connection) of this app; default every app. */
	appId?: string;
	/** Only this open connection. */
	connectionId?: string;
	/** drop-next / duplicate-next: how many events (default 1); too-many-connections: how many attempts (default 1). */
	count?: number;
	/** Wait for the app's next connection instead of acting on the open ones (too-many-connections always waits). */
	onConnect?: boolean;
}

/** What the request asked for (validated by the spec and the route). */
export interface StreamRequest {
	appId: string;
	backfillMinutes: number;
	/** ms; recovery when set. */
	startMs?: number;
	endMs?: number;
}

export interface StreamView {
	id: string;
	appId: string;
	/** ISO 8601, emulator clock. */
	openedAt: string;
	mode: 'live' | 'recovery';
	backfillMinutes: number;
	startTime?: string;
	endTime?: string;
	stalled: boolean;
	eventsSent: number;
	heartbeatsSent: number;
	/** Events still to drop / to send twice (fault injection). */
	dropNext: number;
	duplicateNext: number;
}

interface Connection {
	id: string;
	request: StreamRequest;
	res: http.ServerResponse;
	openedAt: number;
	stalled: boolean;
	eventsSent: number;
	heartbeatsSent: number;
	dropNext: number;
	duplicateNext: number;
	heartbeat?: NodeJS.Timeout;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function positiveCount(value: number | undefined): number {
	if (value === undefined) return 1;
	if (!Number.isInteger(value) || value < 1) throw new EmulatorError('count must be a whole number >= 1');
	return value;
}

export class StreamHub {
	/** appId -> its stream events, oldest first. */
	readonly history = new Map<string, StreamEvent[]>();
	private readonly connections = new Map<string, Connection>();
	private pendingFaults: StreamFaultSpec[] = [];
	private seq = 0;
	private lastId = 0;

	constructor(private readonly push: PushService) {}

	private get options() {
		return this.push.options;
	}

	// ---- history and live events ----

	/** Records an event of one of the app's subscriptions and writes it to the app's open live connections. */
	publish(event: Omit<StreamEvent, 'seq'>): void {
		const stored: StreamEvent = { ...event, seq: (this.seq += 1) };
		let log = this.history.get(event.appId);
		if (!log) {
			log = [];
			this.history.set(event.appId, log);
		}
		log.push(stored);
		const oldest = this.push.now() - STREAM_HISTORY_MS;
		let drop = 0;
		while (drop < log.length && (log.length - drop > MAX_STREAM_EVENTS_PER_APP || log[drop].eventAt < oldest)) drop += 1;
		if (drop) log.splice(0, drop);
		for (const connection of this.connections.values()) {
			if (connection.request.appId === event.appId && connection.request.startMs === undefined) this.sendEvent(connection, stored);
		}
	}

	/** The app's events with eventAt in [fromMs, toMs], oldest first. */
	eventsBetween(appId: string, fromMs: number, toMs: number): StreamEvent[] {
		return (this.history.get(appId) ?? []).filter((event) => event.eventAt >= fromMs && event.eventAt <= toMs).sort((a, b) => a.eventAt - b.eventAt || a.seq - b.seq);
	}

	private sendEvent(connection: Connection, event: StreamEvent): void {
		if (connection.stalled || connection.res.writableEnded) return;
		if (connection.dropNext > 0) {
			connection.dropNext -= 1;
			return;
		}
		connection.res.write(event.line + LINE_END);
		connection.eventsSent += 1;
		this.bill(event);
		if (connection.duplicateNext > 0) {
			connection.duplicateNext -= 1;
			connection.res.write(event.line + LINE_END);
		}
	}

	/** X bills a delivered event once per app, resource and UTC day; 'once' shares the webhook's resource key (GUESS). */
	private bill(event: StreamEvent): void {
		const resource = `${event.event_type}:${event.dmEventId ?? event.event_uuid}`;
		const key = this.options.streamBilling === 'per-channel' ? `stream:${resource}` : resource;
		const price = Object.hasOwn(PRICES_USD, event.event_type) ? PRICES_USD[event.event_type] : 0;
		this.push.runtime.billing.charge(event.appId, 'activity_event', key, price, this.push.now());
	}

	// ---- connections ----

	/** Open connections of the app (stalled ones count). */
	openCount(appId: string): number {
		return [...this.connections.values()].filter((connection) => connection.request.appId === appId).length;
	}

	/** Whether this connection attempt is refused: the limit is reached, or a too-many-connections fault waits. */
	refuses(appId: string): boolean {
		if (this.openCount(appId) >= Number(this.options.streamConnectionLimit)) return true;
		return this.takePending(appId, (fault) => fault.kind === 'too-many-connections') !== undefined;
	}

	private takePending(appId: string, matches: (fault: StreamFaultSpec) => boolean): StreamFaultSpec | undefined {
		const index = this.pendingFaults.findIndex((fault) => (fault.appId === undefined || fault.appId === appId) && matches(fault));
		if (index < 0) return undefined;
		const fault = this.pendingFaults[index];
		const left = (fault.count ?? 1) - 1;
		if (left > 0 && fault.kind === 'too-many-connections') this.pendingFaults[index] = { ...fault, count: left };
		else this.pendingFaults.splice(index, 1);
		return fault;
	}

	/** Takes over the response of an accepted request (headers not yet written). */
	open(request: StreamRequest, res: http.ServerResponse, headers: Record<string, string>): void {
		res.writeHead(200, { ...headers, 'content-type': 'application/json' });
		res.flushHeaders();
		res.socket?.setNoDelay(true);
		const now = this.push.now();
		const connection: Connection = { id: String((this.lastId += 1)), request, res, openedAt: now, stalled: false, eventsSent: 0, heartbeatsSent: 0, dropNext: 0, duplicateNext: 0 };
		this.connections.set(connection.id, connection);
		res.on('close', () => this.forget(connection));
		const fault = this.takePending(request.appId, (pending) => pending.kind !== 'too-many-connections');
		if (fault && this.applyFault(connection, fault)) return;
		this.armHeartbeat(connection);
		if (request.startMs !== undefined) {
			this.recover(connection, request.startMs, request.endMs ?? now);
			return;
		}
		if (request.backfillMinutes > 0) for (const event of this.eventsBetween(request.appId, now - request.backfillMinutes * 60_000, now)) this.sendEvent(connection, event);
	}

	private recover(connection: Connection, startMs: number, endMs: number): void {
		for (const event of this.eventsBetween(connection.request.appId, startMs, endMs)) this.sendEvent(connection, event);
		if (this.options.streamRecoveryMode === 'close') this.end(connection);
		else connection.request = { ...connection.request, startMs: undefined, endMs: undefined };
	}

	private armHeartbeat(connection: Connection): void {
		const interval = Number(this.options.streamHeartbeatMs);
		if (!(interval > 0)) return;
		connection.heartbeat = setInterval(() => {
			if (connection.stalled || connection.res.writableEnded) return;
			connection.res.write(LINE_END);
			connection.heartbeatsSent += 1;
		}, interval);
		connection.heartbeat.unref();
	}

	private forget(connection: Connection): void {
		if (connection.heartbeat) clearInterval(connection.heartbeat);
		connection.heartbeat = undefined;
		this.connections.delete(connection.id);
	}

	/** Ends the response cleanly (the chunked terminator), then forgets the connection. */
	private end(connection: Connection): void {
		this.forget(connection);
		if (!connection.res.writableEnded) connection.res.end();
	}

	/** The §7 operational-disconnect error line, then the end of the response. */
	private disconnect(connection: Connection): void {
		if (!connection.res.writableEnded) connection.res.write(JSON.stringify(OPERATIONAL_DISCONNECT) + LINE_END);
		this.end(connection);
	}

	// ---- faults ----

	/** Applies one fault to one connection; true when the connection is gone. */
	private applyFault(connection: Connection, fault: StreamFaultSpec): boolean {
		switch (fault.kind) {
			case 'disconnect':
				this.disconnect(connection);
				return true;
			case 'reset':
				this.forget(connection);
				connection.res.socket?.destroy();
				return true;
			case 'stall':
				connection.stalled = true;
				return false;
			case 'resume':
				connection.stalled = false;
				return false;
			case 'drop-next':
				connection.dropNext += positiveCount(fault.count);
				return false;
			case 'duplicate-next':
				connection.duplicateNext += positiveCount(fault.count);
				return false;
			default:
				throw new EmulatorError(`unknown stream fault kind ${String(fault.kind)}`);
		}
	}

	/** Injects a fault: on the matching open connections (their views afterwards), or queued for the next connection. */
	fault(spec: StreamFaultSpec): StreamView[] {
		const kinds: readonly string[] = ['disconnect', 'stall', 'resume', 'reset', 'drop-next', 'duplicate-next', 'too-many-connections'];
		if (!spec || !kinds.includes(spec.kind)) throw new EmulatorError(`stream fault kind must be one of ${kinds.join(', ')}`);
		const count = positiveCount(spec.count);
		if (spec.kind === 'too-many-connections' || spec.onConnect) {
			if (spec.kind === 'resume') throw new EmulatorError('resume acts on open connections only');
			if (spec.connectionId !== undefined) throw new EmulatorError('a fault for the next connection cannot name a connectionId');
			this.pendingFaults.push({ ...spec, count });
			return [];
		}
		const targets = [...this.connections.values()].filter(
			(connection) => (spec.appId === undefined || connection.request.appId === spec.appId) && (spec.connectionId === undefined || connection.id === spec.connectionId),
		);
		if (!targets.length) throw new EmulatorError('no open stream connection matches the fault');
		const views: StreamView[] = [];
		for (const connection of targets) if (!this.applyFault(connection, { ...spec, count })) views.push(this.view(connection));
		return views;
	}

	// ---- views and lifecycle ----

	private view(connection: Connection): StreamView {
		const { request } = connection;
		const view: StreamView = {
			id: connection.id,
			appId: request.appId,
			openedAt: iso(connection.openedAt),
			mode: request.startMs === undefined ? 'live' : 'recovery',
			backfillMinutes: request.backfillMinutes,
			stalled: connection.stalled,
			eventsSent: connection.eventsSent,
			heartbeatsSent: connection.heartbeatsSent,
			dropNext: connection.dropNext,
			duplicateNext: connection.duplicateNext,
		};
		if (request.startMs !== undefined) view.startTime = iso(request.startMs);
		if (request.endMs !== undefined) view.endTime = iso(request.endMs);
		return view;
	}

	views(appId?: string): StreamView[] {
		return [...this.connections.values()].filter((connection) => appId === undefined || connection.request.appId === appId).map((connection) => this.view(connection));
	}

	/** Ends the open connections (of one app); with `disconnect` each first gets the operational-disconnect line. */
	closeAll({ appId, disconnect = false }: { appId?: string; disconnect?: boolean } = {}): number {
		const targets = [...this.connections.values()].filter((connection) => appId === undefined || connection.request.appId === appId);
		for (const connection of targets) {
			if (disconnect) this.disconnect(connection);
			else this.end(connection);
		}
		return targets.length;
	}

	get pendingTimers(): number {
		return [...this.connections.values()].filter((connection) => connection.heartbeat !== undefined).length;
	}

	/** close(): every connection ends; the history stays readable. */
	stop(): void {
		this.closeAll();
		this.pendingFaults = [];
	}

	/** reset(): connections end, history and pending faults go. */
	reset(): void {
		this.stop();
		this.history.clear();
		this.seq = 0;
	}
}
