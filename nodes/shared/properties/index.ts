// The editor parameters both nodes share, each defined once. Operations place them with n8n's updateDisplayOptions.
export * from './connection';
export * from './events';
export * from './message';
export * from './pickers';
export * from './download';
export * from './filters';
