import { describe, expect, it } from 'vitest';
import type { RouterEvent } from '../../../src/providers/index.js';
import { estimateTokens } from '../../../src/providers/stream-helpers/token-estimate.js';
import { textPieces } from '../fake-servers/fake-script.js';
import type { ScriptSource } from '../fake-servers/index.js';
import { collect, collectUntilError } from '../support/collect.js';
import { fakeDeployment, testRouter, userRequest } from '../support/deployments.js';
import { fakeProvidersClosedAfterEach } from '../support/fake-providers.js';

/** What each attempt is billed, when providers fail in the ways they do, through the real SDKs. */
const replyText =
  'Here are three calm jazz tracks for studying, each slow and warm so they stay out of your way.';
/** Per-million prices of every test deployment (fakeDeployment's): input 1, output 2. */
const billed = (inputTokens: number, outputTokens: number) =>
  (inputTokens * 1 + outputTokens * 2) / 1_000_000;

const fake = fakeProvidersClosedAfterEach();

const attempts = (events: RouterEvent[]) =>
  events.flatMap((event) => (event.type === 'attempt' ? [event.attempt] : []));

/** A broken primary of one kind, then a healthy OpenAI backup reporting 300 and 30 tokens. */
async function brokenThenHealthy(kind: 'openai' | 'anthropic' | 'gemini', script: ScriptSource) {
  const broken = await fake(kind, script);
  const healthy = await fake('openai', { reply: { text: replyText, inputTokens: 300, outputTokens: 30 } });
  const { router } = testRouter(
    [
      fakeDeployment('primary', kind, broken.baseURL, { inputPricePerMillion: 1 }),
      fakeDeployment('backup', 'openai', healthy.baseURL, { inputPricePerMillion: 3 }),
    ],
    { policy: 'cheapest', settings: { idleTimeoutMs: 500 } },
  );
  const events = await collect(router.stream(userRequest()));
  const [first, ...rest] = attempts(events);
  expect(rest.at(-1)).toMatchObject({ deploymentId: 'backup', outcome: 'ok', inputTokens: 300 });
  expect(rest.at(-1)?.estimated).toBeUndefined();
  return { first: first!, router };
}

describe('refused requests cost nothing', () => {
  it.each([
    ['500', { fault: 'server-error' }],
    ['429', { fault: 'rate-limit', retryAfterSeconds: 30 }],
    ['connection reset', { fault: 'reset' }],
    ['malformed first chunk', { fault: 'malformed', chunksBeforeFault: 0 }],
  ] as const)('%s: nothing billed, not estimated; the deployment’s spend stays 0', async (_name, fault) => {
    const { first, router } = await brokenThenHealthy('openai', fault);
    expect(first).toMatchObject({
      deploymentId: 'primary',
      outcome: 'error',
      inputTokens: 0,
      outputTokens: 0,
    });
    expect(first.costUsd).toBe(0);
    expect(first.estimated).toBeUndefined();
    expect(router.status().find((status) => status.id === 'primary')?.costUsd).toBe(0);
  });

  it('an Anthropic stream that breaks before any text is billed only the input Anthropic counted', async () => {
    // message_start (with its usage), then the connection drops.
    const { first } = await brokenThenHealthy('anthropic', { fault: 'break', chunksBeforeFault: 1 });
    expect(first).toMatchObject({ outcome: 'error', inputTokens: 50, outputTokens: 1 });
    expect(first.estimated).toBeUndefined();
  });

  it('a listener cancelling before the first token costs nothing', async () => {
    const slow = await fake('openai', {
      reply: { text: replyText },
      fault: 'slow-first-token',
      delayMs: 3_000,
    });
    const { router } = testRouter([fakeDeployment('slow', 'openai', slow.baseURL)]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const { events } = await collectUntilError(router.stream(userRequest({ signal: controller.signal })));
    expect(attempts(events)).toMatchObject([
      { outcome: 'cancelled', inputTokens: 0, outputTokens: 0, costUsd: 0 },
    ]);
  });
});

describe('a stream broken after output began', () => {
  // The OpenAI wire: a role chunk, then text pieces; usage comes only after the finish chunk.
  const piecesBefore = (count: number) => textPieces(replyText).slice(0, count).join('');

  it('without a usage report (OpenAI mid-text): the prompt estimate plus the text, marked estimated', async () => {
    const { first } = await brokenThenHealthy('openai', {
      reply: { text: replyText },
      fault: 'break',
      chunksBeforeFault: 4,
    });
    const outputTokens = estimateTokens(piecesBefore(3));
    expect(first).toMatchObject({ outcome: 'error', outputTokens, estimated: true });
    expect(first.inputTokens).toBeGreaterThan(0);
    expect(first.costUsd).toBeCloseTo(billed(first.inputTokens, outputTokens), 12);
  });

  it('a stall after text is billed the same way, marked estimated', async () => {
    const { first } = await brokenThenHealthy('openai', {
      reply: { text: replyText },
      fault: 'stall',
      chunksBeforeFault: 4,
    });
    expect(first).toMatchObject({ estimated: true, outputTokens: estimateTokens(piecesBefore(3)) });
  });

  it('after OpenAI’s usage chunk (the connection drops before [DONE]): the reported counts, not estimated', async () => {
    const pieces = textPieces(replyText).length;
    // role chunk + text pieces + finish chunk + usage chunk, then the drop instead of [DONE].
    const { first } = await brokenThenHealthy('openai', {
      reply: { text: replyText, inputTokens: 120, outputTokens: 22 },
      fault: 'break',
      chunksBeforeFault: pieces + 3,
    });
    expect(first).toMatchObject({ outcome: 'error', inputTokens: 120, outputTokens: 22 });
    expect(first.estimated).toBeUndefined();
    expect(first.costUsd).toBeCloseTo(billed(120, 22), 12);
  });

  it('after Anthropic’s message_start and some text: its input count, plus an estimate of the text since, marked estimated', async () => {
    // message_start, content_block_start, ping, then three text deltas.
    const { first } = await brokenThenHealthy('anthropic', {
      reply: { text: replyText, inputTokens: 80 },
      fault: 'break',
      chunksBeforeFault: 6,
    });
    expect(first).toMatchObject({
      outcome: 'error',
      inputTokens: 80,
      outputTokens: 1 + estimateTokens(piecesBefore(3)),
      estimated: true,
    });
  });

  it('after Anthropic’s message_delta (the drop before message_stop): the final counts, not estimated', async () => {
    const pieces = textPieces(replyText).length;
    // message_start, content_block_start, ping, the deltas, content_block_stop, message_delta.
    const { first } = await brokenThenHealthy('anthropic', {
      reply: { text: replyText, inputTokens: 80, outputTokens: 25 },
      fault: 'break',
      chunksBeforeFault: pieces + 5,
    });
    expect(first).toMatchObject({ inputTokens: 80, outputTokens: 25 });
    expect(first.estimated).toBeUndefined();
  });

  it('Gemini mid-text (its chunks’ counts do not cover their text): an estimate, marked estimated', async () => {
    const { first } = await brokenThenHealthy('gemini', {
      reply: { text: replyText },
      fault: 'break',
      chunksBeforeFault: 3,
    });
    expect(first).toMatchObject({ outputTokens: estimateTokens(piecesBefore(3)), estimated: true });
  });
});

describe('a finished stream', () => {
  it('is billed the provider’s counts exactly, for every wire format', async () => {
    for (const kind of ['openai', 'anthropic', 'gemini'] as const) {
      const provider = await fake(kind, { reply: { text: replyText, inputTokens: 64, outputTokens: 16 } });
      const { router } = testRouter([fakeDeployment('only', kind, provider.baseURL)]);
      const [attempt] = attempts(await collect(router.stream(userRequest())));
      expect(attempt, kind).toMatchObject({ outcome: 'ok', inputTokens: 64, outputTokens: 16 });
      expect(attempt?.estimated, kind).toBeUndefined();
      expect(attempt?.costUsd).toBeCloseTo(billed(64, 16), 12);
    }
  });
});
