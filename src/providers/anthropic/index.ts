import { type ProviderDefinition, requireKey } from '../provider-definition.js';
import { AnthropicModel } from './anthropic-model.js';

export { AnthropicModel, type AnthropicModelSettings } from './anthropic-model.js';
export { convertToAnthropicMessages, convertToAnthropicTools } from './convert-to-anthropic-messages.js';
export { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';

export const anthropicProvider: ProviderDefinition = {
  name: 'anthropic',
  defaultApiKeyEnv: 'ANTHROPIC_API_KEY',
  create: (settings, context) =>
    new AnthropicModel({
      model: settings.model,
      apiKey: requireKey(settings, context),
      baseURL: settings.baseURL,
    }),
};
