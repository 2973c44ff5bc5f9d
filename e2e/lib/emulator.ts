// The emulator as e2e and `npm start` use it: only its public API, through the test fixture.
export { startEmulator, type Emulator } from '../../test/fixtures/emulator';
