import type { ProviderDefinition } from '../provider-definition.js';
import { OfflineModel } from './offline-model.js';

export {
  OfflineModel,
  type OfflineModelOptions,
  recommendToolName,
  splitIntoPieces,
} from './offline-model.js';

export const offlineProvider: ProviderDefinition = {
  name: 'offline',
  create: (_settings, context) => new OfflineModel({ extractIntent: context.extractIntent }),
};
