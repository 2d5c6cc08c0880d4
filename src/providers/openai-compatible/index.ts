import type { ProviderDefinition } from '../provider-definition.js';
import { OpenAICompatibleModel } from './openai-compatible-model.js';

export { OpenAICompatibleModel, type OpenAICompatibleModelSettings } from './openai-compatible-model.js';

/** Any server speaking OpenAI's chat completions (Ollama, vLLM, LM Studio, OpenRouter): no list of its own. */
export const openAICompatibleProvider: ProviderDefinition = {
  name: 'openai-compatible',
  defaultModel: 'gpt-4o-mini',
  models: {},
  capabilities: { apiKey: false, baseURL: true, metered: true, lastResort: false },
  environment: { prefix: 'OPENAI', enabledBy: 'BASE_URL' },
  create: (settings, context) =>
    new OpenAICompatibleModel({
      model: settings.model,
      baseURL: settings.baseURL ?? '',
      ...(context.apiKey ? { apiKey: context.apiKey } : {}),
    }),
};
