// The emulator as e2e and `npm start` use it: the x-dm-emulator package's public API.
export * from 'x-dm-emulator';
