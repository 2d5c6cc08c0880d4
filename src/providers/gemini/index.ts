import { type ProviderDefinition, requireKey } from '../provider-definition.js';
import { GeminiModel } from './gemini-model.js';
import { geminiModels } from './gemini-models.js';

export { convertToGeminiMessages, convertToGeminiTools } from './convert-to-gemini-messages.js';
export { GeminiModel, type GeminiModelSettings } from './gemini-model.js';
export { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

export const geminiProvider: ProviderDefinition = {
  name: 'gemini',
  defaultModel: 'gemini-2.5-flash',
  models: geminiModels,
  capabilities: { apiKey: true, baseURL: false, metered: true, lastResort: false },
  environment: { prefix: 'GEMINI', enabledBy: 'API_KEY' },
  create: (settings, context) =>
    new GeminiModel({
      model: settings.model,
      apiKey: requireKey(settings, context),
      baseURL: settings.baseURL,
    }),
};
