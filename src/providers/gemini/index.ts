import { hostedProvider } from '../provider-definition.js';
import { GeminiModel } from './gemini-model.js';
import { geminiModels } from './gemini-models.js';

export { convertToGeminiMessages, convertToGeminiTools } from './convert-to-gemini-messages.js';
export { GeminiModel, type GeminiModelSettings } from './gemini-model.js';
export { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

export const geminiProvider = hostedProvider({
  name: 'gemini',
  defaultModel: 'gemini-2.5-flash',
  models: geminiModels,
  environmentPrefix: 'GEMINI',
  createModel: (settings) => new GeminiModel(settings),
});
