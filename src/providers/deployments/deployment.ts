import type { LanguageModel } from '../contract.js';

/** One configured model endpoint the router may send a request to. */
export interface DeploymentSettings {
  id: string;
  /** Registry name of the adapter: openai, anthropic, gemini, openai-compatible, offline. */
  provider: string;
  model: string;
  baseURL?: string;
  /** Name of the environment variable holding the key (the key itself never sits in settings or logs). */
  apiKeyEnv?: string;
  inputPricePerMillion: number;
  outputPricePerMillion: number;
  contextWindow: number;
  /** Relative preference: the policy score is divided by it. */
  weight: number;
  /** Free-form labels; `fallback` marks a last resort used only when nothing else is available. */
  tags: string[];
}

export interface Deployment extends DeploymentSettings {
  languageModel: LanguageModel;
}

export const fallbackTag = 'fallback';

export function isFallback(deployment: DeploymentSettings): boolean {
  return deployment.tags.includes(fallbackTag);
}
