export {
  OfflineModel,
  type OfflineModelOptions,
  recommendToolName,
  splitIntoPieces,
} from './offline-model.js';
