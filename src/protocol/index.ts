/** The shared protocol: the only module the browser client imports from the server tree. */
export * from './entities.js';
export * from './error-codes.js';
export * from './events.js';
export * from './listening.js';
export * from './rest.js';
export * from './site-keys.js';
