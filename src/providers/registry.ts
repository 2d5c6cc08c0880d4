import { ConfigError } from '../config/index.js';
import { anthropicProvider } from './anthropic/index.js';
import { geminiProvider } from './gemini/index.js';
import { type OfflineAnswerTool, type OfflineTool, offlineProvider } from './offline/index.js';
import { openAIProvider } from './openai/index.js';
import { openAICompatibleProvider } from './openai-compatible/index.js';
import type { ProviderDefinition } from './provider-definition.js';

/** The providers one instance can route to, by name, in registration order. */
export type ProviderRegistry = ReadonlyMap<string, ProviderDefinition>;

/**
 * Every provider that ships with EchoTune. Adding one: a folder beside this file and one line here.
 * The offline model is given the tool it calls, which chat defines.
 */
export function builtInProviders(
  offlineTool: OfflineTool,
  offlineAnswerTools: readonly OfflineAnswerTool[] = [],
): ProviderDefinition[] {
  return [
    offlineProvider(offlineTool, offlineAnswerTools),
    openAIProvider,
    openAICompatibleProvider,
    anthropicProvider,
    geminiProvider,
  ];
}

export function createProviderRegistry(definitions: readonly ProviderDefinition[]): ProviderRegistry {
  const registry = new Map<string, ProviderDefinition>();
  for (const definition of definitions) {
    if (registry.has(definition.name))
      throw new ConfigError(`provider ${definition.name} is registered twice`);
    registry.set(definition.name, definition);
  }
  return registry;
}
