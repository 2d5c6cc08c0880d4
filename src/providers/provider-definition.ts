import type { LanguageModel } from './contract.js';
import type { DeploymentSettings } from './deployments/deployment.js';

export interface ModelContext {
  /** The key read from the deployment's apiKeyEnv; undefined when none is configured. */
  apiKey: string | undefined;
  /** The recommendation engine's intent reader (used by the offline model). */
  extractIntent: (text: string) => Record<string, unknown>;
}

/** What the registry knows about one provider; each provider folder exports one. */
export interface ProviderDefinition {
  name: string;
  /** Environment variable a quick setup reads the key from, when the provider needs one. */
  defaultApiKeyEnv?: string;
  requiresBaseURL?: boolean;
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
