import { hostedProvider } from '../provider-definition.js';
import { OpenAIModel } from './openai-model.js';
import { openAIModels } from './openai-models.js';

export { convertToOpenAIMessages, convertToOpenAITools } from './convert-to-openai-messages.js';
export { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
export { OpenAIModel, type OpenAIModelSettings } from './openai-model.js';

export const openAIProvider = hostedProvider({
  name: 'openai',
  defaultModel: 'gpt-4o-mini',
  models: openAIModels,
  environmentPrefix: 'OPENAI',
  createModel: (settings) => new OpenAIModel(settings),
});
