import { type ProviderDefinition, requireKey } from '../provider-definition.js';
import { AnthropicModel } from './anthropic-model.js';
import { anthropicModels } from './anthropic-models.js';

export { AnthropicModel, type AnthropicModelSettings } from './anthropic-model.js';
export { convertToAnthropicMessages, convertToAnthropicTools } from './convert-to-anthropic-messages.js';
export { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';

export const anthropicProvider: ProviderDefinition = {
  name: 'anthropic',
  defaultModel: 'claude-haiku-4-5',
  models: anthropicModels,
  capabilities: { apiKey: true, baseURL: false, metered: true, lastResort: false },
  environment: { prefix: 'ANTHROPIC', enabledBy: 'API_KEY' },
  create: (settings, context) =>
    new AnthropicModel({
      model: settings.model,
      apiKey: requireKey(settings, context),
      baseURL: settings.baseURL,
    }),
};
