import { type ProviderDefinition, requireKey } from '../provider-definition.js';
import { OpenAIModel } from './openai-model.js';

export { convertToOpenAIMessages, convertToOpenAITools } from './convert-to-openai-messages.js';
export { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
export { OpenAIModel, type OpenAIModelSettings } from './openai-model.js';

export const openAIProvider: ProviderDefinition = {
  name: 'openai',
  defaultApiKeyEnv: 'OPENAI_API_KEY',
  create: (settings, context) =>
    new OpenAIModel({
      model: settings.model,
      apiKey: requireKey(settings, context),
      baseURL: settings.baseURL,
    }),
};
