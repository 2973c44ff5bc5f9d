// The emulator as the bench uses it: the x-dm-emulator package's public API.
export * from 'x-dm-emulator';
