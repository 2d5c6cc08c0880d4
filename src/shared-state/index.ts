export type { ConnectionCounter } from './connection-counter.js';
export { type AdapterKind, createSharedState, type SharedState } from './shared-state.js';
