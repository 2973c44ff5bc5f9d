import type { IDataObject } from 'n8n-workflow';

import { isRecord, isStringArray } from '../shared/models/json';

/** Bumped when the stored shape changes incompatibly; another version reads as nothing stored. */
export const STATE_VERSION = 1;
/** How many dedupe keys (DM ids, event_uuids) are remembered: far more than X redelivers within its retry window. */
export const SEEN_LIMIT = 2000;

export interface OwnSubscription {
	id: string;
	eventType: string;
	/** Created by this node (deleted on deactivation); false = an identical one that already existed, only used. */
	owned: boolean;
}

/** The dedupe memory both push deliveries (webhook, stream) keep in static data. */
export interface DedupeState {
	/** Time of the newest event delivered (its created_timestamp, X's clock, ms). */
	lastDeliveryAt?: number;
	/** When n8n last received a signed delivery (host clock, ms). */
	lastSeenAt?: number;
	/** Dedupe entries of the last deliveries, "<key>@<event ms>", oldest first, at most SEEN_LIMIT. */
	seen?: string[];
	/** The newest event time among entries dropped from `seen`: a replay from before it could repeat events. */
	seenFloor?: number;
}

/** What the trigger keeps in the workflow's static data (scope 'node'). Every part is bounded. */
export interface InstantState extends DedupeState {
	webhookId?: string;
	webhookUrl?: string;
	/** The account the subscriptions are for. */
	userId?: string;
	subscriptions?: OwnSubscription[];
	/** When the current webhook's subscriptions were set up (host clock, ms): where a catch-up starts without deliveries. */
	activatedAt?: number;
	/** Up to when (X's clock, ms) the last completed replay job covered: deliveries before it were all received. */
	coveredUntil?: number;
	/** The replay job asked for last, until X reports it complete (its status event). */
	replayJob?: { id: string; toMs: number };
	/** Usernames of "Only From Senders" resolved to ids at activation, for these settings (fingerprint). */
	senders?: { fingerprint: string; ids: Record<string, string> };
}

const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export function parseSubscriptions(value: unknown): OwnSubscription[] | undefined {
	if (!Array.isArray(value)) return undefined;
	return value
		.filter(isRecord)
		.filter((entry) => str(entry.id) !== undefined && str(entry.eventType) !== undefined)
		.map((entry) => ({ id: String(entry.id), eventType: String(entry.eventType), owned: entry.owned !== false }));
}

function parseReplayJob(value: unknown): InstantState['replayJob'] {
	if (!isRecord(value) || str(value.id) === undefined || finite(value.toMs) === undefined) return undefined;
	return { id: String(value.id), toMs: Number(value.toMs) };
}

export function parseSenders(value: unknown): InstantState['senders'] {
	if (!isRecord(value) || typeof value.fingerprint !== 'string' || !isRecord(value.ids)) return undefined;
	const ids: Record<string, string> = {};
	for (const [name, id] of Object.entries(value.ids)) if (typeof id === 'string') ids[name] = id;
	return { fingerprint: value.fingerprint, ids };
}

/** Reads the state from static data; malformed parts are dropped, never trusted. */
export function loadState(staticData: IDataObject): InstantState {
	if (staticData.version !== STATE_VERSION) return {};
	const state: InstantState = {
		webhookId: str(staticData.webhookId),
		webhookUrl: str(staticData.webhookUrl),
		userId: str(staticData.userId),
		subscriptions: parseSubscriptions(staticData.subscriptions),
		activatedAt: finite(staticData.activatedAt),
		lastDeliveryAt: finite(staticData.lastDeliveryAt),
		lastSeenAt: finite(staticData.lastSeenAt),
		coveredUntil: finite(staticData.coveredUntil),
		replayJob: parseReplayJob(staticData.replayJob),
		seen: isStringArray(staticData.seen) ? staticData.seen.slice(-SEEN_LIMIT) : undefined,
		seenFloor: finite(staticData.seenFloor),
		senders: parseSenders(staticData.senders),
	};
	for (const key of Object.keys(state) as Array<keyof InstantState>) if (state[key] === undefined) delete state[key];
	return state;
}

/** Writes the state into static data in place (n8n watches that object), removing parts that are unset. */
export function saveState(staticData: IDataObject, state: object): void {
	const next: IDataObject = { version: STATE_VERSION };
	for (const [key, value] of Object.entries(state)) {
		if (value === undefined) continue;
		next[key] = Array.isArray(value) ? value.map((entry: unknown) => (isRecord(entry) ? { ...entry } : entry)) : isRecord(value) ? structuredClone(value) : value;
	}
	for (const key of Object.keys(staticData)) if (!(key in next)) delete staticData[key];
	Object.assign(staticData, next);
}

// ---- dedupe across concurrent requests ----

/**
 * n8n loads the static data afresh for every webhook request and saves it after the request, the last writer
 * winning: two deliveries handled at the same time would each save only their own key. This memory (per workflow
 * node, in this process) sees every request at once; it is merged into the static data on every save, and a key is
 * marked in it before anything is awaited, so that a concurrent duplicate is recognised.
 */
interface Memory {
	seen: Set<string>;
	/** Entries "<key>@<event ms>", oldest first. */
	order: string[];
	lastDeliveryAt?: number;
	lastSeenAt?: number;
}

const memories = new Map<string, Memory>();

/** The key of a workflow node's process memory: test runs in the editor apart from the active workflow. */
export function memoryScope(ctx: { getWorkflow(): { id?: string }; getNode(): { id: string }; getMode(): string }): string {
	return `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}:${ctx.getMode() === 'manual' ? 'test' : 'live'}`;
}

export function memoryOf(scope: string): Memory {
	let memory = memories.get(scope);
	if (!memory) memories.set(scope, (memory = { seen: new Set(), order: [] }));
	return memory;
}

/** The dedupe key of a stored entry, and its event time. */
export function parseEntry(entry: string): { key: string; timeMs?: number } {
	const at = entry.lastIndexOf('@');
	if (at < 0) return { key: entry };
	const timeMs = Number(entry.slice(at + 1));
	return { key: entry.slice(0, at), timeMs: Number.isFinite(timeMs) ? timeMs : undefined };
}

function remember(memory: Memory, key: string, timeMs: number | undefined): void {
	memory.seen.add(key);
	memory.order.push(timeMs === undefined ? key : `${key}@${timeMs}`);
	while (memory.order.length > SEEN_LIMIT) {
		const dropped = memory.order.shift();
		if (dropped !== undefined) memory.seen.delete(parseEntry(dropped).key);
	}
}

/**
 * Marks the keys not yet seen (in the saved state or in memory) as seen, and returns them. Synchronous: nothing else
 * runs between the check and the mark.
 */
export function claimUnseen(memory: Memory, state: DedupeState, entries: Array<{ key: string; timeMs?: number }>): Set<string> {
	const saved = new Set((state.seen ?? []).map((entry) => parseEntry(entry).key));
	const claimed = new Set<string>();
	for (const { key, timeMs } of entries) {
		if (saved.has(key) || memory.seen.has(key) || claimed.has(key)) continue;
		claimed.add(key);
		remember(memory, key, timeMs);
	}
	return claimed;
}

const later = (a: number | undefined, b: number | undefined): number | undefined =>
	a === undefined ? b : b === undefined ? a : Math.max(a, b);

/** The state to save after a delivery: the saved entries and times merged with what this process has seen. */
export function mergeMemory<T extends DedupeState>(state: T, memory: Memory, times: { deliveryAt?: number; seenAt?: number } = {}): T {
	memory.lastDeliveryAt = later(memory.lastDeliveryAt, times.deliveryAt);
	memory.lastSeenAt = later(memory.lastSeenAt, times.seenAt);
	const saved = state.seen ?? [];
	const savedKeys = new Set(saved.map((entry) => parseEntry(entry).key));
	const all = [...saved, ...memory.order.filter((entry) => !savedKeys.has(parseEntry(entry).key))];
	const dropped = all.slice(0, Math.max(0, all.length - SEEN_LIMIT));
	const seenFloor = dropped.reduce<number | undefined>((floor, entry) => later(floor, parseEntry(entry).timeMs), state.seenFloor);
	return {
		...state,
		seen: all.slice(-SEEN_LIMIT),
		seenFloor,
		lastDeliveryAt: later(state.lastDeliveryAt, memory.lastDeliveryAt),
		lastSeenAt: later(state.lastSeenAt, memory.lastSeenAt),
	};
}

/**
 * Workflow nodes whose catch-up this process has already run or started (key: memoryScope). n8n 2.36+ with its
 * workflow publication service does not run the webhook methods again when it restarts (n8n keeps its own record of
 * the webhook), and a webhook processor in queue mode never activates: there the first signed delivery after the
 * start catches up instead. An activation in this process counts as the catch-up.
 */
const caughtUp = new Set<string>();

/** Marks the catch-up as done in this process; returns whether it was the first for that workflow node. */
export function claimCatchUp(scope: string): boolean {
	if (caughtUp.has(scope)) return false;
	caughtUp.add(scope);
	return true;
}

/** Forgets this process's memory of a node (deactivation): its entries stay in the saved state. */
export function forgetMemory(scope: string): void {
	memories.delete(scope);
	caughtUp.delete(scope);
}
