import { type ProviderDefinition, requireKey } from '../provider-definition.js';
import { OpenAIModel } from './openai-model.js';
import { openAIModels } from './openai-models.js';

export { convertToOpenAIMessages, convertToOpenAITools } from './convert-to-openai-messages.js';
export { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
export { OpenAIModel, type OpenAIModelSettings } from './openai-model.js';

export const openAIProvider: ProviderDefinition = {
  name: 'openai',
  defaultModel: 'gpt-4o-mini',
  models: openAIModels,
  capabilities: { apiKey: true, baseURL: false, metered: true, lastResort: false },
  environment: { prefix: 'OPENAI', enabledBy: 'API_KEY' },
  create: (settings, context) =>
    new OpenAIModel({
      model: settings.model,
      apiKey: requireKey(settings, context),
      baseURL: settings.baseURL,
    }),
};
