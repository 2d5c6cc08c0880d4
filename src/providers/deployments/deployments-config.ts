import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Config } from '../../config/index.js';
import { ConfigError } from '../../config/index.js';
import { describeIssues } from '../../errors.js';
import { providerNames, providerRegistry } from '../registry.js';
import type { RouterSettings } from '../router/router.js';
import { type DeploymentSettings, fallbackTag } from './deployment.js';
import { defaultModels, lookupKnownModel } from './pricing.js';

const defaultContextWindow = 128_000;

const entrySchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, dot, dash and underscore only'),
    provider: z.enum(providerNames as [string, ...string[]]),
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
  })
  .superRefine((entry, context) => {
    const known = lookupKnownModel(entry.model);
    const priced = entry.provider === 'offline' || known;
    for (const field of ['inputPricePerMillion', 'outputPricePerMillion'] as const) {
      if (entry[field] === undefined && !priced) {
        context.addIssue({
          code: 'custom',
          path: [field],
          message: `required: no known price for model ${entry.model}`,
        });
      }
    }
    if (providerRegistry.get(entry.provider)?.requiresBaseURL && !entry.baseURL) {
      context.addIssue({
        code: 'custom',
        path: ['baseURL'],
        message: `required for provider ${entry.provider}`,
      });
    }
  });

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

export const providersFileSchema = z
  .strictObject({
    deployments: z.array(entrySchema).min(1, 'list at least one deployment'),
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

export interface DeploymentsConfig {
  deployments: DeploymentSettings[];
  router: Partial<RouterSettings>;
  /** Where the list came from, for the start-up log. */
  source: 'file' | 'environment';
}

type Entry = z.infer<typeof entrySchema>;

function settingsFromEntry(entry: Entry): DeploymentSettings {
  const known = lookupKnownModel(entry.model);
  const apiKeyEnv = entry.apiKeyEnv ?? providerRegistry.get(entry.provider)?.defaultApiKeyEnv;
  return {
    id: entry.id,
    provider: entry.provider,
    model: entry.model,
    ...(entry.baseURL ? { baseURL: entry.baseURL } : {}),
    ...(apiKeyEnv ? { apiKeyEnv } : {}),
    inputPricePerMillion: entry.inputPricePerMillion ?? known?.inputPricePerMillion ?? 0,
    outputPricePerMillion: entry.outputPricePerMillion ?? known?.outputPricePerMillion ?? 0,
    contextWindow: entry.contextWindow ?? known?.contextWindow ?? defaultContextWindow,
    weight: entry.weight,
    tags: entry.tags,
  };
}

/** Parses a PROVIDERS_FILE's text (YAML, of which JSON is a subset); errors name the file and field. */
export function parseProvidersFile(text: string, fileName: string): Omit<DeploymentsConfig, 'source'> {
  let document: unknown;
  try {
    document = extname(fileName) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `PROVIDERS_FILE ${fileName} is not valid JSON or YAML: ${(error as Error).message}`,
    );
  }
  const shaped = Array.isArray(document) ? { deployments: document } : document;
  const result = providersFileSchema.safeParse(shaped);
  if (!result.success) {
    throw new ConfigError(`PROVIDERS_FILE ${fileName}: ${describeIssues(result.error.issues)}`);
  }
  return { deployments: result.data.deployments.map(settingsFromEntry), router: result.data.router ?? {} };
}

/** OPENAI_*, ANTHROPIC_*, GEMINI_*: each key (or an OpenAI base URL alone, for local servers) adds one. */
export function deploymentsFromEnvironment(config: Config): DeploymentSettings[] {
  const quick: Entry[] = [];
  const add = (entry: Omit<Entry, 'weight' | 'tags'>) => quick.push({ ...entry, weight: 1, tags: [] });
  if (config.OPENAI_API_KEY) {
    add({
      id: 'openai',
      provider: 'openai',
      model: config.OPENAI_MODEL ?? defaultModels.openai,
      apiKeyEnv: 'OPENAI_API_KEY',
      ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    });
  } else if (config.OPENAI_BASE_URL) {
    add({
      id: 'openai-compatible',
      provider: 'openai-compatible',
      model: config.OPENAI_MODEL ?? defaultModels.openai,
      baseURL: config.OPENAI_BASE_URL,
    });
  }
  if (config.ANTHROPIC_API_KEY) {
    add({
      id: 'anthropic',
      provider: 'anthropic',
      model: config.ANTHROPIC_MODEL ?? defaultModels.anthropic,
      apiKeyEnv: 'ANTHROPIC_API_KEY',
      ...(config.ANTHROPIC_BASE_URL ? { baseURL: config.ANTHROPIC_BASE_URL } : {}),
    });
  }
  if (config.GEMINI_API_KEY) {
    add({
      id: 'gemini',
      provider: 'gemini',
      model: config.GEMINI_MODEL ?? defaultModels.gemini,
      apiKeyEnv: 'GEMINI_API_KEY',
      ...(config.GEMINI_BASE_URL ? { baseURL: config.GEMINI_BASE_URL } : {}),
    });
  }
  return quick.map(settingsFromEntry);
}

export function offlineSettings(): DeploymentSettings {
  return {
    id: 'offline',
    provider: 'offline',
    model: 'offline-intent-v1',
    inputPricePerMillion: 0,
    outputPricePerMillion: 0,
    contextWindow: 1_000_000,
    weight: 1,
    tags: [fallbackTag],
  };
}

/**
 * The deployments this instance routes over: PROVIDERS_FILE when set, else the quick env keys; the
 * offline model is always there as the last resort (or the only deployment on a fresh install).
 */
export function loadDeploymentsConfig(config: Config): DeploymentsConfig {
  const fromFile = config.PROVIDERS_FILE ? readProvidersFile(config.PROVIDERS_FILE) : undefined;
  const deployments = fromFile?.deployments ?? deploymentsFromEnvironment(config);
  const hasOffline = deployments.some((deployment) => deployment.provider === 'offline');
  return {
    deployments: hasOffline ? deployments : [...deployments, offlineSettings()],
    router: fromFile?.router ?? {},
    source: fromFile ? 'file' : 'environment',
  };
}

function readProvidersFile(path: string): Omit<DeploymentsConfig, 'source'> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`PROVIDERS_FILE ${path} cannot be read: ${(error as Error).message}`);
  }
  return parseProvidersFile(text, path);
}
