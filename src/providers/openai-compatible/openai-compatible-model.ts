import { OpenAIModel } from '../openai/index.js';

export interface OpenAICompatibleModelSettings {
  model: string;
  baseURL: string;
  /** Local servers (Ollama, vLLM, LM Studio) take any key; the SDK still wants a string. */
  apiKey?: string;
}

/**
 * OpenRouter, Azure OpenAI, Ollama, vLLM, LM Studio: the same Chat Completions wire format at another
 * base URL, so the OpenAI adapter (its chunk schema, message conversion and finish mapping) serves.
 */
export class OpenAICompatibleModel extends OpenAIModel {
  constructor(settings: OpenAICompatibleModelSettings) {
    super({
      model: settings.model,
      baseURL: settings.baseURL,
      apiKey: settings.apiKey ?? 'not-needed',
      provider: 'openai-compatible',
      maxTokensField: 'max_tokens',
    });
  }
}
