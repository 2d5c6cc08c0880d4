import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/protocol/index.js';
import { estimateTokens } from '../../src/providers/stream-helpers/token-estimate.js';
import { textPieces } from '../providers/fake-servers/fake-script.js';
import { type FakeProvider, type FakeScript, startFakeProvider } from '../providers/fake-servers/index.js';
import { toolThenReply, UPBEAT_REPLY } from '../providers/fake-servers/tool-then-reply.js';
import { startTestServer, type TestClient, type TestServer } from '../support/echotune-server.js';

const ASK = 'something upbeat for my run';

/** Per-million prices: OpenAI is the cheaper, so the cheapest policy always tries it first. */
const prices = {
  openai: { input: 1, output: 0.4 },
  anthropic: { input: 0.8, output: 4 },
};

/** OpenAI calls the tool, then its answering request gets `fault` instead of the reply. */
function openAIFailingToAnswer(fault: FakeScript): (request: { body: unknown }) => FakeScript {
  return (request) => {
    const script = toolThenReply(request);
    return script.reply?.text ? { ...script, ...fault } : script;
  };
}

/** The usage rows the budget sums, straight from the instance's database. */
function usageRows(
  server: TestServer,
): Array<{ deployment_id: string; cost_usd: number; estimated: number }> {
  const database = new Database(join(server.dataDir, 'echotune.db'), { readonly: true });
  try {
    return database
      .prepare('SELECT deployment_id, cost_usd, estimated FROM usage ORDER BY rowid')
      .all() as Array<{ deployment_id: string; cost_usd: number; estimated: number }>;
  } finally {
    database.close();
  }
}

const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0);

/** What the provider's own counts cost at its prices. */
function billed(provider: 'openai' | 'anthropic', inputTokens: number, outputTokens: number): number {
  return (inputTokens * prices[provider].input + outputTokens * prices[provider].output) / 1_000_000;
}

const configDirectory = mkdtempSync(join(tmpdir(), 'echotune-accounting-'));
let fileCount = 0;

describe('a turn bills what the providers bill (real SDKs against local servers)', () => {
  let openai: FakeProvider;
  let anthropic: FakeProvider;
  let server: TestServer | null = null;

  beforeAll(async () => {
    openai = await startFakeProvider('openai');
    anthropic = await startFakeProvider('anthropic');
  });
  afterEach(async () => {
    await server?.stop();
    server = null;
  });
  afterAll(async () => {
    await openai.close();
    await anthropic.close();
    rmSync(configDirectory, { recursive: true, force: true });
  });

  const startServer = async (env: Record<string, string> = {}) => {
    fileCount += 1;
    const file = join(configDirectory, `providers-${fileCount}.json`);
    const deployment = (id: string, provider: 'openai' | 'anthropic', model: string, baseURL: string) => ({
      id,
      provider,
      model,
      baseURL,
      apiKeyEnv: `${provider.toUpperCase()}_API_KEY`,
      inputPricePerMillion: prices[provider].input,
      outputPricePerMillion: prices[provider].output,
    });
    writeFileSync(
      file,
      JSON.stringify({
        deployments: [
          deployment('openai-primary', 'openai', 'gpt-4o-mini', openai.baseURL),
          deployment('anthropic-backup', 'anthropic', 'claude-3-5-haiku-latest', anthropic.baseURL),
        ],
        router: {
          firstTokenTimeoutMs: 5_000,
          idleTimeoutMs: 5_000,
          backoffBaseMs: 5,
          backoffMaxMs: 20,
          explorationShare: 0,
        },
      }),
    );
    server = await startTestServer({
      PROVIDERS_FILE: file,
      ROUTER_POLICY: 'cheapest',
      OPENAI_API_KEY: 'k1-test',
      ANTHROPIC_API_KEY: 'k2-test',
      ...env,
    });
    const client = await server.connect((await server.guest()).token);
    const { session } = await client.ok('session:create', {});
    return { client, sessionId: session.id };
  };

  const turn = async (client: TestClient, sessionId: string, clientMsgId: string) => {
    const { messageId } = await client.ok('message:send', { sessionId, clientMsgId, text: ASK });
    const start = await client.waitFor('turn:start', (event) => event.replyTo === messageId, 20_000);
    return client.waitFor('turn:done', (event) => event.turnId === start.turnId, 20_000);
  };

  const outcomes = (attempts: Attempt[]) =>
    attempts.map((attempt) => `${attempt.deploymentId}:${attempt.outcome}`);

  it('OpenAI answers 500 and Anthropic takes over: the turn costs exactly what Anthropic reported', async () => {
    openai.setScript({ fault: 'server-error' });
    anthropic.setScript(toolThenReply);
    const { client, sessionId } = await startServer();
    const done = await turn(client, sessionId, 'a1');

    expect(outcomes(done.meta.attempts)).toContain('openai-primary:error');
    expect(outcomes(done.meta.attempts).at(-1)).toBe('anthropic-backup:ok');
    for (const refused of done.meta.attempts.filter((attempt) => attempt.outcome === 'error')) {
      expect(refused).toMatchObject({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
      expect(refused.estimated).toBeUndefined();
    }
    expect(done.usage).toEqual({ inputTokens: 1600, outputTokens: 70 });
    expect(done.meta.estimated).toBeUndefined();
    expect(done.costUsd).toBeCloseTo(billed('anthropic', 1600, 70), 12);
    expect(done.message.meta?.costUsd).toBe(done.costUsd);
  });

  it('a stream broken after some text, before any usage report: that attempt is an estimate, marked estimated', async () => {
    // A role chunk and three text pieces, then the connection drops; Anthropic continues the reply.
    openai.setScript(openAIFailingToAnswer({ fault: 'break', chunksBeforeFault: 4 }));
    anthropic.setScript(toolThenReply);
    const { client, sessionId } = await startServer();
    const done = await turn(client, sessionId, 'b1');

    expect(outcomes(done.meta.attempts)).toEqual([
      'openai-primary:ok',
      'openai-primary:error',
      'anthropic-backup:ok',
    ]);
    const [tool, broken, answer] = done.meta.attempts;
    expect(tool).toMatchObject({ inputTokens: 700, outputTokens: 30 });
    expect(answer).toMatchObject({ inputTokens: 900, outputTokens: 40 });
    expect(tool?.estimated ?? answer?.estimated).toBeUndefined();
    const delivered = textPieces(UPBEAT_REPLY).slice(0, 3).join('');
    expect(broken).toMatchObject({ outputTokens: estimateTokens(delivered), estimated: true });
    expect(broken!.inputTokens).toBeGreaterThan(0);
    expect(broken!.costUsd).toBeCloseTo(billed('openai', broken!.inputTokens, broken!.outputTokens), 12);
    expect(done.usage).toEqual({
      inputTokens: 1600 + broken!.inputTokens,
      outputTokens: 70 + broken!.outputTokens,
      estimated: true,
    });
    expect(done.meta.estimated).toBe(true);
    expect(done.message.text).toBe(UPBEAT_REPLY);
    expect(usageRows(server!).map((row) => row.estimated)).toEqual([0, 1, 0]);
  });

  it('a stream broken after OpenAI’s usage chunk: the reported counts, not estimated', async () => {
    // Role chunk, text pieces, finish chunk and usage chunk; the connection drops instead of [DONE].
    openai.setScript(
      openAIFailingToAnswer({ fault: 'break', chunksBeforeFault: textPieces(UPBEAT_REPLY).length + 3 }),
    );
    anthropic.setScript(toolThenReply);
    const { client, sessionId } = await startServer();
    const done = await turn(client, sessionId, 'c1');

    expect(outcomes(done.meta.attempts)).toEqual([
      'openai-primary:ok',
      'openai-primary:error',
      'anthropic-backup:ok',
    ]);
    expect(done.meta.attempts[1]).toMatchObject({ inputTokens: 900, outputTokens: 40 });
    expect(done.meta.attempts.some((attempt) => attempt.estimated)).toBe(false);
    expect(done.usage).toEqual({ inputTokens: 2500, outputTokens: 110 });
    expect(done.costUsd).toBeCloseTo(
      billed('openai', 700, 30) + billed('openai', 900, 40) + billed('anthropic', 900, 40),
      12,
    );
    expect(done.message.text).toBe(UPBEAT_REPLY);
  });

  it('the daily budget counts only billed usage: refused attempts do not spend it', async () => {
    openai.setScript({ fault: 'server-error' });
    anthropic.setScript(toolThenReply);
    // Room for one turn's Anthropic bill and a little more, far less than estimates of the refused prompts.
    const perTurn = billed('anthropic', 1600, 70);
    const { client, sessionId } = await startServer({ BUDGET_USD_PER_DAY: String(perTurn * 1.05) });
    const first = await turn(client, sessionId, 'd1');
    expect(first.costUsd).toBeCloseTo(perTurn, 12);
    const rows = usageRows(server!);
    expect(rows.filter((row) => row.deployment_id === 'openai-primary').map((row) => row.cost_usd)).toEqual([
      0, 0,
    ]);
    expect(total(rows.map((row) => row.cost_usd))).toBeCloseTo(perTurn, 12);

    // Under the budget: the next message is answered; after it, the spend is over and the third is refused.
    const second = await turn(client, sessionId, 'd2');
    expect(second.costUsd).toBeCloseTo(perTurn, 12);
    const refused = await client.request('message:send', { sessionId, clientMsgId: 'd3', text: ASK });
    expect(refused).toMatchObject({ ok: false, error: { code: 'budget_exceeded' } });
  });
});
