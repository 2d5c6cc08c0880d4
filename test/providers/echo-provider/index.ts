import { type ProviderDefinition, requireKey } from '../../../src/providers/index.js';
import { EchoModel } from './echo-model.js';

/**
 * A provider that lives outside src/: a folder like the built-in ones, registered with one line. It
 * proves a new provider needs nothing else (no config schema, quick setup, price table or router edit).
 */
export const echoProvider: ProviderDefinition = {
  name: 'echo',
  defaultModel: 'echo-1',
  models: { 'echo-1': { inputPricePerMillion: 0.02, outputPricePerMillion: 0.04, contextWindow: 8_192 } },
  capabilities: { apiKey: true, baseURL: false, metered: true, lastResort: false },
  environment: { prefix: 'ECHO', enabledBy: 'API_KEY' },
  create: (settings, context) =>
    new EchoModel({ model: settings.model, apiKey: requireKey(settings, context) }),
};
