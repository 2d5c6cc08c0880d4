import type { ProviderDefinition } from '../provider-definition.js';
import { OfflineModel as Model } from './offline-model.js';

export {
  OfflineModel,
  type OfflineModelOptions,
  recommendToolName,
  splitIntoPieces,
} from './offline-model.js';

export const offlineProvider: ProviderDefinition = {
  name: 'offline',
  create: (_settings, context) => new Model({ extractIntent: context.extractIntent }),
};
