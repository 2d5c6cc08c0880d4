import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { builtInProviders, createProviders } from '../../src/providers/index.js';
import { echoProvider } from './echo-provider/index.js';
import { collect, textOf } from './support/collect.js';
import { userRequest } from './support/deployments.js';
import { silentLogger } from './support/silent-logger.js';
import { offlineTool } from './support/tools.js';

/** The built-in providers plus one registered from a test folder: the one line a new provider needs. */
const providers = [...builtInProviders(offlineTool), echoProvider];

function withEcho(env: Record<string, string>) {
  return createProviders({ config: loadConfig(env), env, logger: silentLogger(), offlineTool, providers });
}

describe('a provider registered from its own folder', () => {
  it('is set up from its environment variables, priced from its own list, and routed to', async () => {
    const built = withEcho({ ECHO_API_KEY: 'ekey-123', ROUTER_POLICY: 'cheapest' });
    const { router, deployments } = built;
    expect(deployments.map(({ id, provider, model }) => ({ id, provider, model }))).toEqual([
      { id: 'echo', provider: 'echo', model: 'echo-1' },
      { id: 'offline', provider: 'offline', model: 'offline-intent-v1' },
    ]);
    expect(deployments[0]).toMatchObject({
      apiKeyEnv: 'ECHO_API_KEY',
      inputPricePerMillion: 0.02,
      outputPricePerMillion: 0.04,
      contextWindow: 8_192,
    });

    const events = await collect(router.stream(userRequest({ tools: [] })));
    expect(textOf(events)).toBe('ekey: calm jazz to study');
    const route = events.find((event) => event.type === 'route');
    expect(route).toMatchObject({ deploymentId: 'echo' });
    await built.close();
  });

  it('honours ECHO_MODEL and is left out without its key', () => {
    expect(withEcho({ ECHO_API_KEY: 'k', ECHO_MODEL: 'echo-1-2026-01-01' }).deployments[0]).toMatchObject({
      model: 'echo-1-2026-01-01',
      inputPricePerMillion: 0.02,
    });
    expect(withEcho({}).deployments.map(({ id }) => id)).toEqual(['offline']);
  });

  it('is accepted in PROVIDERS_FILE, which checks its prices and key like any other', () => {
    const directory = mkdtempSync(join(tmpdir(), 'echotune-echo-'));
    const file = join(directory, 'providers.json');
    writeFileSync(file, JSON.stringify([{ id: 'mine', provider: 'echo', model: 'echo-1' }]));
    const built = withEcho({ PROVIDERS_FILE: file, ECHO_API_KEY: 'k' });
    expect(built.deployments.map(({ id }) => id)).toEqual(['mine', 'offline']);

    writeFileSync(file, JSON.stringify([{ id: 'mine', provider: 'echo', model: 'echo-2' }]));
    expect(() => withEcho({ PROVIDERS_FILE: file, ECHO_API_KEY: 'k' })).toThrow(
      /deployments\.0\.inputPricePerMillion: required: no known price for model echo-2/,
    );
    writeFileSync(file, JSON.stringify([{ id: 'mine', provider: 'echo', model: 'echo-1' }]));
    expect(() => withEcho({ PROVIDERS_FILE: file })).toThrow(ConfigError);
    expect(() => withEcho({ PROVIDERS_FILE: file })).toThrow(/ECHO_API_KEY is not set/);
  });

  it('is unknown where it is not registered', () => {
    const directory = mkdtempSync(join(tmpdir(), 'echotune-echo-'));
    const file = join(directory, 'providers.json');
    writeFileSync(file, JSON.stringify([{ id: 'mine', provider: 'echo', model: 'echo-1' }]));
    const env = { PROVIDERS_FILE: file, ECHO_API_KEY: 'k' };
    expect(() =>
      createProviders({ config: loadConfig(env), env, logger: silentLogger(), offlineTool }),
    ).toThrow(/deployments\.0\.provider/);
  });

  it('refuses two providers registered under one name', () => {
    const twice = [...providers, echoProvider];
    expect(() =>
      createProviders({
        config: loadConfig({}),
        env: {},
        logger: silentLogger(),
        offlineTool,
        providers: twice,
      }),
    ).toThrow(/provider echo is registered twice/);
  });
});
