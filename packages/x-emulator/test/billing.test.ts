import { BillingMeter, RETAINED_DAYS, utcDay } from '../src/billing';
import { startTestEmulator } from './helpers';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 29, 23, 59, 0);

describe('billing meter', () => {
	it('bills a resource once per app and UTC day, and counts every request', () => {
		const meter = new BillingMeter();
		expect(meter.charge('app1', 'dm_event_read', '1', 0.01, T0)).toBe(true);
		expect(meter.charge('app1', 'dm_event_read', '1', 0.01, T0 + 30_000)).toBe(false);
		expect(meter.charge('app2', 'dm_event_read', '1', 0.01, T0)).toBe(true);
		// 00:00:30 UTC the next day: a new window.
		expect(meter.charge('app1', 'dm_event_read', '1', 0.01, T0 + 90_000)).toBe(true);
		const { apps, totalUsd } = meter.view();
		expect(apps.app1.map((day) => [day.day, day.billed.dm_event_read, day.requested.dm_event_read, day.usd])).toEqual([
			['2026-11-29', 1, 2, 0.01],
			['2026-11-30', 1, 1, 0.01],
		]);
		expect(totalUsd).toBe(0.03);
	});

	it('records unbilled kinds at no cost and keeps a bounded number of days', () => {
		const meter = new BillingMeter();
		expect(meter.charge('app', 'activity_event', 'x', 0, T0)).toBe(true);
		expect(meter.view().totalUsd).toBe(0);
		for (let day = 0; day < RETAINED_DAYS + 5; day += 1) meter.charge('app', 'dm_event_read', 'e', 0.01, T0 + day * DAY);
		const days = meter.view().apps.app.map((entry) => entry.day);
		expect(days).toHaveLength(RETAINED_DAYS);
		expect(days.at(-1)).toBe(utcDay(T0 + (RETAINED_DAYS + 4) * DAY));
	});

	it('is readable through the control API and cleared by reset', async () => {
		const emu = await startTestEmulator();
		try {
			const response = await fetch(`${emu.url}/_emulator/billing`);
			expect(response.status).toBe(200);
			expect(await response.json()).toEqual({ apps: {}, totalUsd: 0 });
			emu.reset();
			expect(emu.billing()).toEqual({ apps: {}, totalUsd: 0 });
		} finally {
			await emu.close();
		}
	});
});
