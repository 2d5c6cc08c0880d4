import type { LanguageModel } from './contract.js';
import type { DeploymentSettings } from './deployments/deployment.js';

/** A model's list prices (US dollars per million tokens) and context window. */
export interface KnownModel {
  inputPricePerMillion: number;
  outputPricePerMillion: number;
  contextWindow: number;
}

export interface ModelContext {
  /** The key read from the deployment's apiKeyEnv; undefined when none is configured. */
  apiKey: string | undefined;
}

/**
 * Everything EchoTune knows about one provider; each provider folder exports one, and the registry
 * lists them. Quick setup, prices, validation of PROVIDERS_FILE and model building all read from here.
 */
export interface ProviderDefinition {
  /** Registry name, as written in a PROVIDERS_FILE entry's `provider`. */
  name: string;
  /** The model a deployment gets when none is named. */
  defaultModel: string;
  /**
   * List prices and context windows of the models it serves, so a quick env setup (just a key) still
   * routes by cost; a PROVIDERS_FILE entry overrides them. Dated snapshots match by prefix.
   */
  models: Readonly<Record<string, KnownModel>>;
  capabilities: {
    /** A deployment needs an API key (start-up fails without it). */
    apiKey: boolean;
    /** A deployment needs a base URL (self-hosted and compatible servers). */
    baseURL: boolean;
    /** Charges per token: a model without a known price must be given one in PROVIDERS_FILE. */
    metered: boolean;
    /** Always present as the last resort (tagged `fallback`), when not configured otherwise. */
    lastResort: boolean;
  };
  /**
   * Quick setup from the environment: `<prefix>_API_KEY`, `<prefix>_BASE_URL` and `<prefix>_MODEL`; the
   * variable named by `enabledBy` being set adds the deployment. Of the providers sharing a prefix, the
   * first registered whose variable is set wins (OPENAI_API_KEY → openai, else OPENAI_BASE_URL alone →
   * openai-compatible).
   */
  environment?: { prefix: string; enabledBy: 'API_KEY' | 'BASE_URL' };
  create(settings: DeploymentSettings, context: ModelContext): LanguageModel;
}

export class MissingKeyError extends Error {
  override name = 'MissingKeyError';
}

export function requireKey(settings: DeploymentSettings, context: ModelContext): string {
  if (context.apiKey) return context.apiKey;
  throw new MissingKeyError(
    `deployment ${settings.id} needs an API key in ${settings.apiKeyEnv ?? 'its apiKeyEnv'}`,
  );
}

/** What a hosted provider's model class is built from. */
export interface HostedModelSettings {
  model: string;
  apiKey: string;
  baseURL: string | undefined;
}

/**
 * The common shape of a hosted, metered provider (OpenAI, Anthropic, Gemini): it needs a key, is set up
 * from `<prefix>_API_KEY` / `_BASE_URL` / `_MODEL`, and builds its model from model, key and base URL.
 */
export function hostedProvider(options: {
  name: string;
  defaultModel: string;
  models: Readonly<Record<string, KnownModel>>;
  environmentPrefix: string;
  createModel: (settings: HostedModelSettings) => LanguageModel;
}): ProviderDefinition {
  return {
    name: options.name,
    defaultModel: options.defaultModel,
    models: options.models,
    capabilities: { apiKey: true, baseURL: false, metered: true, lastResort: false },
    environment: { prefix: options.environmentPrefix, enabledBy: 'API_KEY' },
    create: (settings, context) =>
      options.createModel({
        model: settings.model,
        apiKey: requireKey(settings, context),
        baseURL: settings.baseURL,
      }),
  };
}
