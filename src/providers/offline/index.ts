import type { ProviderDefinition } from '../provider-definition.js';
import { OfflineModel, offlineModelName } from './offline-model.js';
import type { OfflineAnswerTool, OfflineTool } from './offline-tool.js';

export { OfflineModel, type OfflineModelOptions, splitIntoPieces } from './offline-model.js';
export type {
  OfflineAnswerTool,
  OfflineConversation,
  OfflineTool,
  RecommendedTrackSummary,
} from './offline-tool.js';

/** Needs no key and no network: the default on a fresh install, and the last resort behind real models. */
export function offlineProvider(
  tool: OfflineTool,
  answerTools: readonly OfflineAnswerTool[] = [],
): ProviderDefinition {
  return {
    name: 'offline',
    defaultModel: offlineModelName,
    models: {
      [offlineModelName]: { inputPricePerMillion: 0, outputPricePerMillion: 0, contextWindow: 1_000_000 },
    },
    capabilities: { apiKey: false, baseURL: false, metered: false, lastResort: true },
    create: () => new OfflineModel({ tool, answerTools }),
  };
}
