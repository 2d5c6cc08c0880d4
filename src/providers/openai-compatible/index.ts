import type { ProviderDefinition } from '../provider-definition.js';
import { OpenAICompatibleModel } from './openai-compatible-model.js';

export { OpenAICompatibleModel, type OpenAICompatibleModelSettings } from './openai-compatible-model.js';

export const openAICompatibleProvider: ProviderDefinition = {
  name: 'openai-compatible',
  requiresBaseURL: true,
  create: (settings, context) =>
    new OpenAICompatibleModel({
      model: settings.model,
      baseURL: settings.baseURL ?? '',
      ...(context.apiKey ? { apiKey: context.apiKey } : {}),
    }),
};
