import { AnthropicModel } from '../../../src/providers/anthropic/index.js';
import { GeminiModel } from '../../../src/providers/gemini/index.js';
import type { LanguageModel } from '../../../src/providers/index.js';
import { OpenAIModel } from '../../../src/providers/openai/index.js';
import { OpenAICompatibleModel } from '../../../src/providers/openai-compatible/index.js';
import type { FakeProviderKind } from '../fake-servers/index.js';

export type AdapterKind = FakeProviderKind | 'openai-compatible';

/** The wire format each adapter speaks (OpenAI-compatible servers speak OpenAI's). */
export function wireOf(kind: AdapterKind): FakeProviderKind {
  return kind === 'openai-compatible' ? 'openai' : kind;
}

/** A real adapter (official SDK inside) pointed at a fake server. */
export function modelFor(kind: AdapterKind, baseURL: string, model = `${kind}-fake-model`): LanguageModel {
  switch (kind) {
    case 'openai':
      return new OpenAIModel({ model, apiKey: 'test-key', baseURL });
    case 'openai-compatible':
      return new OpenAICompatibleModel({ model, baseURL });
    case 'anthropic':
      return new AnthropicModel({ model, apiKey: 'test-key', baseURL });
    case 'gemini':
      return new GeminiModel({ model, apiKey: 'test-key', baseURL });
  }
}
