// The pay-per-use charge of DM reads: every DM event a GET /2/dm_events* or /2/dm_events/{id} response returns costs
// $0.010 once per app and UTC day (x-activity-api.md §12; billing.ts deduplicates).
import { PRICES_USD } from './billing';
import type { ApiContext } from './context';

export function chargeEventReads(ctx: ApiContext, events: ReadonlyArray<{ id: string }>): void {
	const { billing, clock } = ctx.emulator;
	const now = clock.now();
	for (const event of events) billing.charge(ctx.auth.appId, 'dm_event_read', event.id, PRICES_USD.dm_event_read, now);
}
