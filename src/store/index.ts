export type * from './records.js';
export type { Store } from './store.js';
