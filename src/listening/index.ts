export * from './export/index.js';
export * from './import/index.js';
export { PlayMatcher, type PlayToStore, toListeningEvent } from './play-matching.js';
export * from './stats/index.js';
