import { anthropicProvider } from './anthropic/index.js';
import { geminiProvider } from './gemini/index.js';
import { offlineProvider } from './offline/index.js';
import { openAIProvider } from './openai/index.js';
import { openAICompatibleProvider } from './openai-compatible/index.js';
import type { ProviderDefinition } from './provider-definition.js';

/** Every provider the router can use. Adding one: a folder beside this file and one line here. */
export const providerRegistry: ReadonlyMap<string, ProviderDefinition> = new Map(
  [offlineProvider, openAIProvider, openAICompatibleProvider, anthropicProvider, geminiProvider].map(
    (provider) => [provider.name, provider],
  ),
);

export const providerNames = [...providerRegistry.keys()];
