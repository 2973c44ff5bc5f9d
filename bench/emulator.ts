// The emulator as the bench uses it: only its public API, through the test fixture (the bench's only import of it).
export { startEmulator, type Emulator } from '../test/fixtures/emulator';
