import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeFault, type FakeProvider, startFakeProvider } from '../providers/fake-servers/index.js';
import { toolThenReply, UPBEAT_REPLY } from '../providers/fake-servers/tool-then-reply.js';
import { startTestServer, type TestServer } from '../support/echotune-server.js';
import { accountDataFile, importHistory } from '../support/history-uploads.js';

const UPBEAT = 'something upbeat for my run';

const configDirectory = mkdtempSync(join(tmpdir(), 'echotune-providers-'));
let fileCount = 0;

function providersFile(content: unknown): string {
  fileCount += 1;
  const path = join(configDirectory, `providers-${fileCount}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe('a chat turn through each provider’s real SDK against a local server', () => {
  const fakes: Partial<Record<'openai' | 'anthropic' | 'gemini', FakeProvider>> = {};
  let server: TestServer | null = null;

  beforeAll(async () => {
    for (const kind of ['openai', 'anthropic', 'gemini'] as const)
      fakes[kind] = await startFakeProvider(kind);
  });
  afterEach(async () => {
    await server?.stop();
    server = null;
  });
  afterAll(async () => {
    for (const fake of Object.values(fakes)) await fake.close();
    rmSync(configDirectory, { recursive: true, force: true });
  });

  const quickEnv = (kind: 'openai' | 'anthropic' | 'gemini'): Record<string, string> => {
    const prefix = kind.toUpperCase();
    const models = {
      openai: 'gpt-4o-mini',
      anthropic: 'claude-3-5-haiku-latest',
      gemini: 'gemini-2.0-flash',
    };
    return {
      [`${prefix}_API_KEY`]: 'test-key-never-sent-anywhere-else',
      [`${prefix}_BASE_URL`]: fakes[kind]!.baseURL,
      [`${prefix}_MODEL`]: models[kind],
    };
  };

  const runTurn = async (env: Record<string, string>) => {
    server = await startTestServer(env);
    const client = await server.connect((await server.guest()).token);
    const { session } = await client.ok('session:create', {});
    await client.ok('message:send', { sessionId: session.id, clientMsgId: 'p1', text: UPBEAT });
    const done = await client.waitFor('turn:done', () => true, 20_000);
    return { client, done };
  };

  for (const kind of ['openai', 'anthropic', 'gemini'] as const) {
    it(`${kind}: tool call, recommendations, streamed answer, usage and cost`, async () => {
      const fake = fakes[kind]!;
      fake.setScript(toolThenReply);
      const before = fake.requests.length;
      const { client, done } = await runTurn(quickEnv(kind));

      expect(client.of('turn:start')[0]).toMatchObject({ provider: kind });
      const recs = client.of('turn:recs');
      expect(recs[0]?.tracks.length).toBeGreaterThanOrEqual(5);
      expect(done.message.text).toBe(UPBEAT_REPLY);
      // "Clair de Lune" was named in the text, not returned by the tool: the resolver adds its card.
      expect(recs.at(-1)?.tracks.map((track) => track.name)).toContain('Clair de Lune');
      expect(done.usage).toEqual({ inputTokens: 1600, outputTokens: 70 });
      expect(done.costUsd).toBeGreaterThan(0);
      expect(done.meta.attempts.map((attempt) => attempt.outcome)).toEqual(['ok', 'ok']);

      const answerRequest = JSON.stringify(fake.requests.at(-1)?.body);
      expect(fake.requests.length - before).toBe(2);
      expect(answerRequest).toContain(recs[0]!.recommendationId);
    });
  }

  for (const kind of ['openai', 'anthropic', 'gemini'] as const) {
    it(`${kind}: the listening_stats tool reaches the model in its wire format and answers with real numbers`, async () => {
      const fake = fakes[kind]!;
      fake.setScript((request) =>
        JSON.stringify(request.body).includes('listeningMinutes')
          ? { reply: { text: 'You mostly play Artist A.' } }
          : {
              reply: {
                toolCalls: [{ name: 'listening_stats', args: { period: 'all', focus: 'artists', top: 3 } }],
              },
            },
      );
      server = await startTestServer(quickEnv(kind));
      const { token } = await server.guest();
      const client = await server.connect(token);
      const plays = [1, 2, 3].map((day) => ({
        endTime: `2024-05-0${day} 10:00`,
        artistName: 'Artist A',
        trackName: 'Song A',
        msPlayed: 180_000,
      }));
      await importHistory(server.url, token, client, [accountDataFile(plays)]);
      const { session } = await client.ok('session:create', {});
      const before = fake.requests.length;
      await client.ok('message:send', {
        sessionId: session.id,
        clientMsgId: 's1',
        text: 'who do I play most?',
      });
      const done = await client.waitFor('turn:done', () => true, 20_000);

      expect(done.message.text).toBe('You mostly play Artist A.');
      const [ask, answer] = fake.requests.slice(before).map((request) => JSON.stringify(request.body));
      expect(ask).toContain('listening_stats');
      expect(ask).toContain('recommend_tracks');
      // The tool result the model read (a JSON string, or Gemini's object): 3 plays of Artist A, 9 minutes.
      expect(answer).toMatch(/\\?"plays\\?":3/);
      expect(answer).toMatch(/\\?"artist\\?":\\?"Artist A\\?"/);
      expect(answer).toMatch(/\\?"listeningMinutes\\?":9/);
      expect(client.of('turn:recs')).toHaveLength(0);
    });
  }

  it('openai-compatible: the OpenAI SDK with a base URL from PROVIDERS_FILE', async () => {
    fakes.openai!.setScript(toolThenReply);
    const file = providersFile({
      deployments: [
        {
          id: 'local-llama',
          provider: 'openai-compatible',
          model: 'llama3.1:8b',
          baseURL: fakes.openai!.baseURL,
          inputPricePerMillion: 0.1,
          outputPricePerMillion: 0.2,
        },
      ],
    });
    const { client, done } = await runTurn({ PROVIDERS_FILE: file });
    expect(client.of('turn:start')[0]).toMatchObject({ provider: 'openai-compatible', model: 'llama3.1:8b' });
    expect(done.message.text).toBe(UPBEAT_REPLY);
    expect(done.costUsd).toBeCloseTo((1600 * 0.1 + 70 * 0.2) / 1_000_000, 10);
  });

  it('refuses the next message once stored usage reaches the listener’s daily budget', async () => {
    fakes.openai!.setScript(toolThenReply);
    // gpt-4o-mini: 1600 input and 70 output tokens cost about $0.00028, over a $0.0002 budget.
    const { client, done } = await runTurn({ ...quickEnv('openai'), BUDGET_USD_PER_DAY: '0.0002' });
    expect(done.costUsd).toBeGreaterThan(0.0002);
    const sessionId = done.sessionId;
    const refused = await client.request('message:send', {
      sessionId,
      clientMsgId: 'p2',
      text: 'more please',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'budget_exceeded', retryable: false } });
    expect(refused.ok || refused.error.message).toMatch(/resets at 00:00 UTC/);
  });

  const faults: Array<{ fault: FakeFault; chunksBeforeFault?: number; delayMs?: number }> = [
    { fault: 'rate-limit' },
    { fault: 'server-error' },
    { fault: 'reset' },
    { fault: 'slow-first-token', delayMs: 6_000 },
    { fault: 'stall', chunksBeforeFault: 3 },
    { fault: 'break', chunksBeforeFault: 3 },
    { fault: 'malformed', chunksBeforeFault: 3 },
  ];
  for (const { fault, chunksBeforeFault, delayMs } of faults) {
    it(`survives ${fault} on the answering step by failing over to a healthy deployment`, async () => {
      // OpenAI is cheapest, so it is tried first; it calls the tool, then fails while answering.
      fakes.openai!.setScript((request) => {
        const script = toolThenReply(request);
        return script.reply?.text
          ? { ...script, fault, chunksBeforeFault, delayMs, retryAfterSeconds: 30 }
          : script;
      });
      fakes.anthropic!.setScript(toolThenReply);
      const file = providersFile({
        deployments: [
          {
            id: 'openai-primary',
            provider: 'openai',
            model: 'gpt-4o-mini',
            baseURL: fakes.openai!.baseURL,
            apiKeyEnv: 'OPENAI_API_KEY',
            inputPricePerMillion: 0.1,
            outputPricePerMillion: 0.4,
          },
          {
            id: 'anthropic-backup',
            provider: 'anthropic',
            model: 'claude-3-5-haiku-latest',
            baseURL: fakes.anthropic!.baseURL,
            apiKeyEnv: 'ANTHROPIC_API_KEY',
            inputPricePerMillion: 0.8,
            outputPricePerMillion: 4,
          },
        ],
        // No exploration: the test needs OpenAI tried first on both steps.
        // Short enough to keep the test quick, long enough for the healthy backup's first request on a
        // loaded CI machine (a cold Anthropic client took 750 ms to its first token in one run).
        router: {
          firstTokenTimeoutMs: 1_500,
          idleTimeoutMs: 1_000,
          backoffBaseMs: 5,
          backoffMaxMs: 20,
          explorationShare: 0,
        },
      });
      const { client, done } = await runTurn({
        PROVIDERS_FILE: file,
        ROUTER_POLICY: 'cheapest',
        OPENAI_API_KEY: 'k1-test',
        ANTHROPIC_API_KEY: 'k2-test',
      });

      expect(client.of('turn:start')[0]).toMatchObject({ provider: 'openai' });
      expect(client.of('turn:error')).toEqual([]);
      const deployments = done.meta.attempts.map((attempt) => `${attempt.deploymentId}:${attempt.outcome}`);
      expect(deployments[0], JSON.stringify(done.meta.attempts)).toBe('openai-primary:ok');
      expect(deployments, JSON.stringify(done.meta.attempts)).toHaveLength(3);
      expect(deployments).toContain('openai-primary:error');
      expect(deployments.at(-1)).toBe('anthropic-backup:ok');
      expect(done.meta.provider).toBe('anthropic');
      // One coherent reply: whatever OpenAI streamed before breaking is continued, not repeated.
      expect(done.message.text.endsWith('Claude Debussy.')).toBe(true);
      expect(done.message.text.match(/Clair de Lune/g)).toHaveLength(1);
      const deltas = client
        .of('turn:delta')
        .map((delta) => delta.text)
        .join('');
      expect(deltas).toBe(done.message.text);
    });
  }
});
