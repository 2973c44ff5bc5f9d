// The emulator as e2e and `npm start` use it: only its public API, through the test fixture.
import type { Emulator } from '../../test/fixtures/emulator';

export { startEmulator, type Emulator } from '../../test/fixtures/emulator';

/** What the suites read of the emulator's DM event records (events(), visibleEvents(), sendAs()). */
export interface EmulatorEvent {
	id: string;
	event_type: string;
	sender_id?: string;
	dm_conversation_id: string;
	text?: string;
}

/** What the suites read of the emulator's request log (requests()). */
export interface LoggedRequest {
	method: string;
	path: string;
	status: number;
	headers: Record<string, string | undefined>;
	body: Record<string, unknown>;
}

/** A user of the emulator's demo data (emu.demo.users). */
export interface DemoUser {
	id: string;
	username: string;
}

export const eventsOf = (emu: Emulator): EmulatorEvent[] => emu.events();
export const requestsOf = (emu: Emulator): LoggedRequest[] => emu.requests();
export const demoUsersOf = (emu: Emulator): Record<string, DemoUser> => emu.demo.users;
