import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import {
  builtInProviders,
  createProviderRegistry,
  createProviders,
  loadDeploymentsConfig,
  parseProvidersFile,
  parseRoutingPolicy,
} from '../../src/providers/index.js';
import { startFakeProvider } from './fake-servers/index.js';
import { collect, textOf } from './support/collect.js';
import { silentLogger } from './support/silent-logger.js';
import { offlineTool } from './support/tools.js';

function writeTemporary(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'echotune-providers-')), name);
  writeFileSync(path, text);
  return path;
}

const registry = createProviderRegistry(builtInProviders(offlineTool));

/** The deployments a quick setup in `env` gives (no PROVIDERS_FILE). */
function fromEnvironment(env: Record<string, string>) {
  return loadDeploymentsConfig(loadConfig(env), registry, env);
}

describe('quick environment setup', () => {
  it('adds one deployment per key, priced from the known models, with offline as the last resort', () => {
    const loaded = fromEnvironment({
      OPENAI_API_KEY: 'sk-test',
      ANTHROPIC_API_KEY: 'ak-test',
      ANTHROPIC_MODEL: 'claude-sonnet-4-5',
    });
    expect(
      loaded.deployments.map(
        ({ id, provider, model, inputPricePerMillion, outputPricePerMillion, tags }) => ({
          id,
          provider,
          model,
          inputPricePerMillion,
          outputPricePerMillion,
          tags,
        }),
      ),
    ).toEqual([
      {
        id: 'openai',
        provider: 'openai',
        model: 'gpt-4o-mini',
        inputPricePerMillion: 0.15,
        outputPricePerMillion: 0.6,
        tags: [],
      },
      {
        id: 'anthropic',
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        inputPricePerMillion: 3,
        outputPricePerMillion: 15,
        tags: [],
      },
      {
        id: 'offline',
        provider: 'offline',
        model: 'offline-intent-v1',
        inputPricePerMillion: 0,
        outputPricePerMillion: 0,
        tags: ['fallback'],
      },
    ]);
  });

  it('treats an OpenAI base URL without a key as an OpenAI-compatible local server', () => {
    const loaded = fromEnvironment({
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      OPENAI_MODEL: 'llama3.2',
    });
    expect(loaded.deployments[0]).toMatchObject({
      id: 'openai-compatible',
      provider: 'openai-compatible',
      model: 'llama3.2',
    });
  });

  it('names the variable and the problem when a value is bad, and treats empty strings as unset', () => {
    expect(() => fromEnvironment({ OPENAI_BASE_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => fromEnvironment({ OPENAI_BASE_URL: 'not a url' })).toThrow(/OPENAI_BASE_URL/);
    expect(
      fromEnvironment({ OPENAI_API_KEY: '', GEMINI_API_KEY: '' }).deployments.map(({ id }) => id),
    ).toEqual(['offline']);
  });
});

describe('PROVIDERS_FILE', () => {
  it('reads YAML with defaults from the known models and a router section', () => {
    const parsed = parseProvidersFile(
      [
        'deployments:',
        '  - id: mini',
        '    provider: openai',
        '    model: gpt-4o-mini-2024-07-18',
        '  - id: local',
        '    provider: openai-compatible',
        '    model: qwen2.5',
        '    baseURL: http://127.0.0.1:8000/v1',
        '    inputPricePerMillion: 0',
        '    outputPricePerMillion: 0',
        '    contextWindow: 32768',
        '    weight: 0.5',
        '    tags: [local]',
        'router:',
        '  firstTokenTimeoutMs: 5000',
      ].join('\n'),
      'providers.yaml',
      registry,
    );
    expect(parsed.deployments[0]).toMatchObject({
      id: 'mini',
      inputPricePerMillion: 0.15,
      contextWindow: 128_000,
      apiKeyEnv: 'OPENAI_API_KEY',
    });
    expect(parsed.deployments[1]).toMatchObject({
      id: 'local',
      weight: 0.5,
      contextWindow: 32_768,
      tags: ['local'],
    });
    expect(parsed.router).toEqual({ firstTokenTimeoutMs: 5000 });
  });

  it('reads a JSON array of deployments', () => {
    const parsed = parseProvidersFile(
      JSON.stringify([
        { id: 'g', provider: 'gemini', model: 'gemini-2.5-flash', apiKeyEnv: 'MY_GEMINI_KEY' },
      ]),
      'providers.json',
      registry,
    );
    expect(parsed.deployments[0]).toMatchObject({
      id: 'g',
      apiKeyEnv: 'MY_GEMINI_KEY',
      outputPricePerMillion: 2.5,
    });
  });

  it.each([
    [
      [{ id: 'x', provider: 'openai', model: 'unknown-model' }],
      /deployments\.0\.inputPricePerMillion: required/,
    ],
    [[{ id: 'x', provider: 'mystery', model: 'm' }], /deployments\.0\.provider/],
    [
      [
        {
          id: 'x',
          provider: 'openai-compatible',
          model: 'm',
          inputPricePerMillion: 0,
          outputPricePerMillion: 0,
        },
      ],
      /deployments\.0\.baseURL: required/,
    ],
    [[{ id: 'x', provider: 'openai', model: 'gpt-4o', weight: -1 }], /deployments\.0\.weight/],
    [
      [
        { id: 'same', provider: 'openai', model: 'gpt-4o' },
        { id: 'same', provider: 'openai', model: 'gpt-4o' },
      ],
      /deployments\.1\.id: duplicate id same/,
    ],
    [{ deployments: [{ id: 'x', provider: 'openai', model: 'gpt-4o', colour: 'red' }] }, /deployments\.0/],
  ])('names the field in error %#', (document, message) => {
    expect(() => parseProvidersFile(JSON.stringify(document), 'providers.json', registry)).toThrow(message);
  });

  it('reports a file that is not YAML', () => {
    expect(() => parseProvidersFile('deployments: [', 'providers.yaml', registry)).toThrow(ConfigError);
  });

  it('fails start-up when a deployment names a key variable that is not set', () => {
    const file = writeTemporary(
      'providers.json',
      JSON.stringify([{ id: 'o', provider: 'openai', model: 'gpt-4o', apiKeyEnv: 'UNSET_KEY_FOR_TEST' }]),
    );
    expect(() =>
      createProviders({
        config: loadConfig({ PROVIDERS_FILE: file }),
        logger: silentLogger(),
        offlineTool,
        env: {},
      }),
    ).toThrow(/apiKeyEnv UNSET_KEY_FOR_TEST is not set/);
  });
});

describe('ROUTER_POLICY', () => {
  it('accepts the named policies and normalized weights', () => {
    expect(parseRoutingPolicy('fastest').weights).toEqual({ cost: 0, latency: 1 });
    expect(parseRoutingPolicy('cost=3,latency=1').weights).toEqual({ cost: 0.75, latency: 0.25 });
  });

  it.each(['speediest', 'cost=abc', 'cost=0,latency=0', 'colour=1'])(
    'rejects %s with a readable message',
    (text) => {
      expect(() => parseRoutingPolicy(text)).toThrow(/ROUTER_POLICY/);
    },
  );

  it('stops createProviders with a ConfigError', () => {
    expect(() =>
      createProviders({
        config: loadConfig({ ROUTER_POLICY: 'random' }),
        logger: silentLogger(),
        offlineTool,
      }),
    ).toThrow(ConfigError);
  });
});

describe('createProviders', () => {
  it('routes to a keyed deployment read from a providers file, and never logs the key', async () => {
    const fake = await startFakeProvider('anthropic', { reply: { text: 'hello from claude' } });
    const lines: string[] = [];
    const logger = createLogger(
      'debug',
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const file = writeTemporary(
      'providers.yaml',
      `deployments:\n  - id: claude\n    provider: anthropic\n    model: claude-haiku-4-5\n    baseURL: ${fake.baseURL}\n    apiKeyEnv: TEST_ANTHROPIC_SECRET\n`,
    );
    const providers = createProviders({
      config: loadConfig({ PROVIDERS_FILE: file }),
      logger,
      offlineTool,
      env: { TEST_ANTHROPIC_SECRET: 'sk-ant-very-secret-value' },
    });
    try {
      expect(providers.deployments.map((deployment) => deployment.id)).toEqual(['claude', 'offline']);
      const events = await collect(
        providers.router.stream({
          messages: [{ role: 'user', content: 'hi' }],
          tools: [],
          signal: new AbortController().signal,
          userId: 'u1',
        }),
      );
      expect(textOf(events)).toBe('hello from claude');
      const headers = fake.requests[0]?.headers ?? {};
      expect(`${headers['x-api-key'] ?? ''} ${headers.authorization ?? ''}`).toContain(
        'sk-ant-very-secret-value',
      );
      expect(lines.join('')).toContain('routing decision');
      expect(lines.join('')).not.toContain('very-secret');
    } finally {
      await providers.close();
      await fake.close();
    }
  });
});

describe('quick environment setup, end to end', () => {
  it('routes over OpenAI, Anthropic and Gemini keys by price and fails over to the next cheapest', async () => {
    const openai = await startFakeProvider('openai', { fault: 'server-error' });
    const anthropic = await startFakeProvider('anthropic', { reply: { text: 'from claude' } });
    const gemini = await startFakeProvider('gemini', { reply: { text: 'from gemini' } });
    const env = {
      ROUTER_POLICY: 'cheapest',
      OPENAI_API_KEY: 'sk-test-openai',
      OPENAI_BASE_URL: openai.baseURL,
      ANTHROPIC_API_KEY: 'sk-test-anthropic',
      ANTHROPIC_BASE_URL: anthropic.baseURL,
      GEMINI_API_KEY: 'test-gemini',
      GEMINI_BASE_URL: gemini.baseURL,
    };
    const providers = createProviders({
      config: loadConfig(env),
      env,
      logger: silentLogger(),
      offlineTool,
      routerSettings: { explorationShare: 0, attemptsPerDeployment: 1 },
    });
    try {
      expect(providers.deployments.map((deployment) => deployment.id)).toEqual([
        'openai',
        'anthropic',
        'gemini',
        'offline',
      ]);
      const events = await collect(
        providers.router.stream({
          messages: [{ role: 'user', content: 'hi' }],
          tools: [],
          signal: new AbortController().signal,
          userId: 'u1',
        }),
      );
      // gpt-4o-mini ($0.15/$0.6) first, then gemini-2.5-flash ($0.3/$2.5), before claude-haiku-4-5 ($1/$5).
      expect(events.flatMap((event) => (event.type === 'route' ? [event.deploymentId] : []))).toEqual([
        'openai',
        'gemini',
      ]);
      expect(textOf(events)).toBe('from gemini');
    } finally {
      await providers.close();
      await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
    }
  });
});
