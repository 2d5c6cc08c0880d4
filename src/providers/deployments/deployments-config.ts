import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Config } from '../../config/index.js';
import { ConfigError } from '../../config/index.js';
import { describeIssues } from '../../errors.js';
import type { ProviderDefinition } from '../provider-definition.js';
import type { ProviderRegistry } from '../registry.js';
import type { RouterSettings } from '../router/router.js';
import { type DeploymentSettings, fallbackTag } from './deployment.js';
import { lookupKnownModel } from './pricing.js';
import { deploymentsFromEnvironment } from './quick-setup.js';

const defaultContextWindow = 128_000;

const entryFields = {
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, dot, dash and underscore only'),
  model: z.string().min(1),
  baseURL: z.url().optional(),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
    .optional(),
  inputPricePerMillion: z.number().min(0).optional(),
  outputPricePerMillion: z.number().min(0).optional(),
  contextWindow: z.number().int().min(1).optional(),
  weight: z.number().min(0).default(1),
  tags: z.array(z.string().min(1)).default([]),
};

/** One deployment entry, checked against the registered providers: name, prices, base URL. */
function entrySchemaFor(registry: ProviderRegistry) {
  return z
    .strictObject({ ...entryFields, provider: z.enum([...registry.keys()] as [string, ...string[]]) })
    .superRefine((entry, context) => {
      const definition = registry.get(entry.provider);
      const priced = !definition?.capabilities.metered || lookupKnownModel(registry, entry.model);
      for (const field of ['inputPricePerMillion', 'outputPricePerMillion'] as const) {
        if (entry[field] === undefined && !priced) {
          context.addIssue({
            code: 'custom',
            path: [field],
            message: `required: no known price for model ${entry.model}`,
          });
        }
      }
      if (definition?.capabilities.baseURL && !entry.baseURL) {
        context.addIssue({
          code: 'custom',
          path: ['baseURL'],
          message: `required for provider ${entry.provider}`,
        });
      }
    });
}

type Entry = z.infer<ReturnType<typeof entrySchemaFor>>;

/** Router tuning that may sit in the providers file next to the deployments. */
const routerSectionSchema = z
  .strictObject({
    firstTokenTimeoutMs: z.number().int().min(100),
    idleTimeoutMs: z.number().int().min(100),
    maxAttempts: z.number().int().min(1).max(20),
    attemptsPerDeployment: z.number().int().min(1).max(10),
    backoffBaseMs: z.number().int().min(0),
    backoffMaxMs: z.number().int().min(0),
    explorationShare: z.number().min(0).max(1),
    idleMs: z.number().int().min(0),
    expectedOutputTokens: z.number().int().min(1),
  })
  .partial();

function providersFileSchemaFor(registry: ProviderRegistry) {
  return z
    .strictObject({
      deployments: z.array(entrySchemaFor(registry)).min(1, 'list at least one deployment'),
      router: routerSectionSchema.optional(),
    })
    .superRefine((file, context) => {
      const seen = new Set<string>();
      file.deployments.forEach((entry, index) => {
        if (seen.has(entry.id)) {
          context.addIssue({
            code: 'custom',
            path: ['deployments', index, 'id'],
            message: `duplicate id ${entry.id}`,
          });
        }
        seen.add(entry.id);
      });
    });
}

export interface DeploymentsConfig {
  deployments: DeploymentSettings[];
  router: Partial<RouterSettings>;
  /** Where the list came from, for the start-up log. */
  source: 'file' | 'environment';
}

function settingsFromEntry(
  registry: ProviderRegistry,
  entry: Pick<Entry, 'id' | 'provider' | 'model' | 'baseURL' | 'apiKeyEnv'> & Partial<Entry>,
): DeploymentSettings {
  const known = lookupKnownModel(registry, entry.model);
  const apiKeyEnv = entry.apiKeyEnv ?? defaultApiKeyEnv(registry.get(entry.provider));
  return {
    id: entry.id,
    provider: entry.provider,
    model: entry.model,
    ...(entry.baseURL ? { baseURL: entry.baseURL } : {}),
    ...(apiKeyEnv ? { apiKeyEnv } : {}),
    inputPricePerMillion: entry.inputPricePerMillion ?? known?.inputPricePerMillion ?? 0,
    outputPricePerMillion: entry.outputPricePerMillion ?? known?.outputPricePerMillion ?? 0,
    contextWindow: entry.contextWindow ?? known?.contextWindow ?? defaultContextWindow,
    weight: entry.weight ?? 1,
    tags: entry.tags ?? [],
  };
}

/** Where a provider that needs a key reads it by default: its quick-setup variable. */
function defaultApiKeyEnv(definition: ProviderDefinition | undefined): string | undefined {
  if (!definition?.capabilities.apiKey || !definition.environment) return undefined;
  return `${definition.environment.prefix}_API_KEY`;
}

/** Parses a PROVIDERS_FILE's text (YAML, of which JSON is a subset); errors name the file and field. */
export function parseProvidersFile(
  text: string,
  fileName: string,
  registry: ProviderRegistry,
): Omit<DeploymentsConfig, 'source'> {
  let document: unknown;
  try {
    document = extname(fileName) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `PROVIDERS_FILE ${fileName} is not valid JSON or YAML: ${(error as Error).message}`,
    );
  }
  const shaped = Array.isArray(document) ? { deployments: document } : document;
  const result = providersFileSchemaFor(registry).safeParse(shaped);
  if (!result.success) {
    throw new ConfigError(`PROVIDERS_FILE ${fileName}: ${describeIssues(result.error.issues)}`);
  }
  return {
    deployments: result.data.deployments.map((entry) => settingsFromEntry(registry, entry)),
    router: result.data.router ?? {},
  };
}

/** The deployment of a last-resort provider (offline) when none is configured. */
export function lastResortSettings(definition: ProviderDefinition): DeploymentSettings {
  const known = definition.models[definition.defaultModel];
  return {
    id: definition.name,
    provider: definition.name,
    model: definition.defaultModel,
    inputPricePerMillion: known?.inputPricePerMillion ?? 0,
    outputPricePerMillion: known?.outputPricePerMillion ?? 0,
    contextWindow: known?.contextWindow ?? defaultContextWindow,
    weight: 1,
    tags: [fallbackTag],
  };
}

/**
 * The deployments this instance routes over: PROVIDERS_FILE when set, else the quick env variables of
 * each registered provider; a last-resort provider (offline) is always there, at the end (or the only
 * deployment on a fresh install).
 */
export function loadDeploymentsConfig(
  config: Pick<Config, 'PROVIDERS_FILE'>,
  registry: ProviderRegistry,
  env: Record<string, string | undefined>,
): DeploymentsConfig {
  const fromFile = config.PROVIDERS_FILE ? readProvidersFile(config.PROVIDERS_FILE, registry) : undefined;
  const deployments =
    fromFile?.deployments ??
    deploymentsFromEnvironment(registry, env).map((entry) => settingsFromEntry(registry, entry));
  const lastResorts = [...registry.values()]
    .filter((definition) => definition.capabilities.lastResort)
    .filter((definition) => !deployments.some((deployment) => deployment.provider === definition.name))
    .map(lastResortSettings);
  return {
    deployments: [...deployments, ...lastResorts],
    router: fromFile?.router ?? {},
    source: fromFile ? 'file' : 'environment',
  };
}

function readProvidersFile(path: string, registry: ProviderRegistry): Omit<DeploymentsConfig, 'source'> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`PROVIDERS_FILE ${path} cannot be read: ${(error as Error).message}`);
  }
  return parseProvidersFile(text, path, registry);
}
