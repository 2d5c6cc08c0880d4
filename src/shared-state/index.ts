export { createSharedState, type SharedState } from './shared-state.js';
