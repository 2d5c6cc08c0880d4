export { ChatService, type ChatServiceOptions, type ChatSettings } from './chat-service.js';
export { offlineListeningStatsTool } from './listening-stats-offline.js';
export { LISTENING_STATS, listeningStatsTool } from './listening-stats-tool.js';
export { offlineRecommendTool, RECOMMEND_TRACKS, recommendTracksTool } from './recommend-tracks-tool.js';
export type { SessionListSink } from './session-list-sink.js';
export { localTurnLeases, type TurnLease, type TurnLeases } from './turn-leases.js';
export type { TurnMetrics, TurnReport } from './turn-metrics.js';
export type { TurnSink } from './turn-sink.js';
