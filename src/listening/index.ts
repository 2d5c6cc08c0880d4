export * from './export/index.js';
export { PlayMatcher, type PlayToStore, toListeningEvent } from './play-matching.js';
