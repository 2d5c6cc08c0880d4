export { listeningStatsFor, localHours, statsRange } from './listening-stats.js';
