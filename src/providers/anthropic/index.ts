import { hostedProvider } from '../provider-definition.js';
import { AnthropicModel } from './anthropic-model.js';
import { anthropicModels } from './anthropic-models.js';

export { AnthropicModel, type AnthropicModelSettings } from './anthropic-model.js';
export { convertToAnthropicMessages, convertToAnthropicTools } from './convert-to-anthropic-messages.js';
export { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';

export const anthropicProvider = hostedProvider({
  name: 'anthropic',
  defaultModel: 'claude-haiku-4-5',
  models: anthropicModels,
  environmentPrefix: 'ANTHROPIC',
  createModel: (settings) => new AnthropicModel(settings),
});
