// X's pay-per-use meter as the emulator applies it: a billable resource (a DM event a GET returned, an Activity event
// delivered) costs its price once per app and UTC day — X's "deduplicated within a 24-hour UTC day window". The meter
// is per emulator, bounded (the last RETAINED_DAYS days per app), and readable through emu.billing() and the control
// API's `billing` command.

/** What X bills: DM events returned by a read, and Activity API events delivered by webhook or stream. */
export type BilledKind = 'dm_event_read' | 'activity_event';

/** Prices in US dollars (X's pricing page; see the README's cost section). */
export const PRICES_USD: Readonly<Record<string, number>> = Object.freeze({
	dm_event_read: 0.01,
	'dm.received': 0.01,
	'dm.sent': 0,
	'dm.read': 0,
	'dm.indicate_typing': 0,
});

/** How many UTC days the meter keeps per app; older days are dropped. */
export const RETAINED_DAYS = 7;

export interface BillingDay {
	/** UTC day, YYYY-MM-DD. */
	day: string;
	/** Billed (deduplicated) resources by kind. */
	billed: Record<BilledKind, number>;
	/** Every charge request, deduplicated or not, by kind (what a naive per-request bill would count). */
	requested: Record<BilledKind, number>;
	usd: number;
}

export interface BillingView {
	/** appId -> its days, oldest first. */
	apps: Record<string, BillingDay[]>;
	totalUsd: number;
}

interface DayRecord {
	view: BillingDay;
	seen: Set<string>;
}

export function utcDay(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

const emptyCounts = (): Record<BilledKind, number> => ({ dm_event_read: 0, activity_event: 0 });

export class BillingMeter {
	private readonly apps = new Map<string, Map<string, DayRecord>>();

	/**
	 * Charges `resourceId` of `kind` to `appId` at `nowMs`; returns whether it was newly billed today. `priceUsd` 0
	 * records the event without cost (e.g. dm.sent).
	 */
	charge(appId: string, kind: BilledKind, resourceId: string, priceUsd: number, nowMs: number): boolean {
		const day = this.day(appId, utcDay(nowMs));
		day.view.requested[kind] += 1;
		const key = `${kind}:${resourceId}`;
		if (day.seen.has(key)) return false;
		day.seen.add(key);
		day.view.billed[kind] += 1;
		day.view.usd = Math.round((day.view.usd + priceUsd) * 1e6) / 1e6;
		return true;
	}

	view(): BillingView {
		const apps: Record<string, BillingDay[]> = {};
		let total = 0;
		for (const [appId, days] of this.apps) {
			apps[appId] = [...days.values()].map(({ view }) => structuredClone(view));
			for (const { view } of days.values()) total += view.usd;
		}
		return { apps, totalUsd: Math.round(total * 1e6) / 1e6 };
	}

	reset(): void {
		this.apps.clear();
	}

	private day(appId: string, day: string): DayRecord {
		let days = this.apps.get(appId);
		if (!days) {
			days = new Map();
			this.apps.set(appId, days);
		}
		let record = days.get(day);
		if (!record) {
			record = { view: { day, billed: emptyCounts(), requested: emptyCounts(), usd: 0 }, seen: new Set() };
			days.set(day, record);
			const sorted = [...days.keys()].sort();
			for (const old of sorted.slice(0, Math.max(0, sorted.length - RETAINED_DAYS))) days.delete(old);
		}
		return record;
	}
}
