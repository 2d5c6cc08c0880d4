import { z } from 'zod';
import { ConfigError } from '../../config/index.js';
import { describeIssues } from '../../errors.js';
import type { ProviderDefinition } from '../provider-definition.js';
import type { ProviderRegistry } from '../registry.js';

/** A deployment the environment asks for, before prices and defaults are filled in. */
export interface QuickSetupEntry {
  id: string;
  provider: string;
  model: string;
  baseURL?: string;
  apiKeyEnv?: string;
}

const emptyIsUnset = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/** `<prefix>_API_KEY`, `<prefix>_BASE_URL`, `<prefix>_MODEL`, validated like every other setting. */
function readVariables(prefix: string, env: Record<string, string | undefined>) {
  const schema = z.object({
    [`${prefix}_API_KEY`]: emptyIsUnset,
    [`${prefix}_BASE_URL`]: emptyIsUnset.pipe(z.url().optional()),
    [`${prefix}_MODEL`]: emptyIsUnset,
  });
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(`Invalid configuration: ${describeIssues(result.error.issues)}`);
  return {
    apiKey: result.data[`${prefix}_API_KEY`],
    baseURL: result.data[`${prefix}_BASE_URL`],
    model: result.data[`${prefix}_MODEL`],
  };
}

function entryFor(definition: ProviderDefinition, prefix: string, env: Record<string, string | undefined>) {
  const variables = readVariables(prefix, env);
  const enabled = definition.environment?.enabledBy === 'API_KEY' ? variables.apiKey : variables.baseURL;
  if (enabled === undefined) return undefined;
  const entry: QuickSetupEntry = {
    id: definition.name,
    provider: definition.name,
    model: variables.model ?? definition.defaultModel,
  };
  if (variables.baseURL) entry.baseURL = variables.baseURL;
  if (definition.capabilities.apiKey) entry.apiKeyEnv = `${prefix}_API_KEY`;
  return entry;
}

/**
 * One deployment per provider whose environment variables are set (a key, or a base URL alone for local
 * servers), in registration order. Of the providers sharing a prefix, the first one enabled wins.
 */
export function deploymentsFromEnvironment(
  registry: ProviderRegistry,
  env: Record<string, string | undefined>,
): QuickSetupEntry[] {
  const takenPrefixes = new Set<string>();
  const entries: QuickSetupEntry[] = [];
  for (const definition of registry.values()) {
    const prefix = definition.environment?.prefix;
    if (prefix === undefined || takenPrefixes.has(prefix)) continue;
    const entry = entryFor(definition, prefix, env);
    if (entry === undefined) continue;
    takenPrefixes.add(prefix);
    entries.push(entry);
  }
  return entries;
}
