export { type AdapterKind, createSharedState, type SharedState } from './shared-state.js';
