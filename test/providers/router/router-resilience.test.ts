import { describe, expect, it } from 'vitest';
import { isEchoError } from '../../../src/errors.js';
import type { LanguageModel, RouterEvent } from '../../../src/providers/index.js';
import { offlineDeployment } from '../../../src/providers/index.js';
import { collect, collectUntilError, textOf } from '../support/collect.js';
import { fakeDeployment, testClock, testRouter, userRequest } from '../support/deployments.js';
import { fakeProvidersClosedAfterEach } from '../support/fake-providers.js';
import { offlineTool } from '../support/tools.js';

const replyText =
  'Here are three calm jazz tracks for studying, each slow and warm so they stay out of your way.';

const fake = fakeProvidersClosedAfterEach();

const routes = (events: RouterEvent[]) => events.flatMap((event) => (event.type === 'route' ? [event] : []));
const attempts = (events: RouterEvent[]) =>
  events.flatMap((event) => (event.type === 'attempt' ? [event.attempt] : []));

describe('failover before the first token', () => {
  it.each([
    ['429', { fault: 'rate-limit', retryAfterSeconds: 30 }],
    ['500', { fault: 'server-error' }],
    ['connection reset', { fault: 'reset' }],
    ['malformed first chunk', { fault: 'malformed', chunksBeforeFault: 0 }],
  ] as const)('moves to the next deployment after a %s and reports both attempts', async (_name, fault) => {
    const broken = await fake('openai', fault);
    const healthy = await fake('anthropic', { reply: { text: replyText } });
    const { router } = testRouter(
      [
        fakeDeployment('primary', 'openai', broken.baseURL, { inputPricePerMillion: 0.1 }),
        fakeDeployment('secondary', 'anthropic', healthy.baseURL, { inputPricePerMillion: 5 }),
      ],
      { policy: 'cheapest' },
    );
    const events = await collect(router.stream(userRequest()));
    expect(routes(events).map((route) => route.deploymentId)).toEqual(['primary', 'secondary']);
    expect(routes(events)[1]?.reason).toMatch(/failover after: primary/);
    expect(attempts(events).map((attempt) => attempt.outcome)).toEqual(['error', 'ok']);
    expect(textOf(events)).toBe(replyText);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('gives up on a slow first token after the first-token timeout and fails over', async () => {
    const slow = await fake('gemini', {
      reply: { text: 'too late' },
      fault: 'slow-first-token',
      delayMs: 5_000,
    });
    const healthy = await fake('openai', { reply: { text: replyText } });
    const { router } = testRouter(
      [
        fakeDeployment('slow', 'gemini', slow.baseURL, { inputPricePerMillion: 0 }),
        fakeDeployment('quick', 'openai', healthy.baseURL),
      ],
      // The timeout holds for the healthy deployment too: 1 s leaves room for a loaded CI machine.
      { policy: 'cheapest', settings: { firstTokenTimeoutMs: 1_000 } },
    );
    const closed = slow.nextClientClose();
    const events = await collect(router.stream(userRequest()));
    await closed; // the abandoned request was really cancelled upstream
    expect(attempts(events)[0]).toMatchObject({
      deploymentId: 'slow',
      outcome: 'error',
      error: 'no first token within 1000ms',
    });
    expect(textOf(events)).toBe(replyText);
  });
});

describe('failover after the first token', () => {
  it('continues a stream broken mid-way on the next deployment, without repeating text', async () => {
    const breaking = await fake('openai', {
      reply: { text: replyText },
      fault: 'break',
      chunksBeforeFault: 4,
    });
    // The second model repeats the whole answer: the router drops what the listener already has.
    const continuing = await fake('gemini', { reply: { text: replyText } });
    const { router } = testRouter(
      [
        fakeDeployment('first', 'openai', breaking.baseURL, { inputPricePerMillion: 0.1 }),
        fakeDeployment('second', 'gemini', continuing.baseURL, { inputPricePerMillion: 9 }),
      ],
      { policy: 'cheapest' },
    );
    const events = await collect(router.stream(userRequest()));
    expect(textOf(events)).toBe(replyText);
    expect(attempts(events).map((attempt) => [attempt.deploymentId, attempt.outcome])).toEqual([
      ['first', 'error'],
      ['second', 'ok'],
    ]);
    // The continuation request carries the partial answer and asks to go on from it.
    const body = JSON.stringify(continuing.requests[0]?.body);
    expect(body).toMatch(/continue it exactly where it stopped/i);
    const firstAttemptText = textOf(
      events.slice(
        0,
        events.findIndex((event) => event.type === 'attempt'),
      ),
    );
    expect(firstAttemptText.length).toBeGreaterThan(0);
    expect(body).toContain(firstAttemptText.trim());
  });

  it('continues a stream that stalls mid-way after the idle timeout (Anthropic prefill)', async () => {
    const stalling = await fake('gemini', {
      reply: { text: replyText },
      fault: 'stall',
      chunksBeforeFault: 3,
    });
    const continuing = await fake('anthropic', (request) => {
      const body = request.body as { messages: Array<{ content: Array<{ text?: string }> }> };
      const prefill = body.messages.at(-1)?.content[0]?.text ?? '';
      return { reply: { text: replyText.slice(prefill.length) } };
    });
    const { router } = testRouter(
      [
        fakeDeployment('stalls', 'gemini', stalling.baseURL, { inputPricePerMillion: 0.1 }),
        fakeDeployment('claude', 'anthropic', continuing.baseURL, { inputPricePerMillion: 9 }),
      ],
      { policy: 'cheapest', settings: { idleTimeoutMs: 1_000 } },
    );
    const events = await collect(router.stream(userRequest()));
    expect(attempts(events)[0]).toMatchObject({ outcome: 'error', error: 'no next chunk within 1000ms' });
    expect(textOf(events)).toBe(replyText);
  });

  it('falls back to the offline model as a last resort, keeping the partial text', async () => {
    const breaking = await fake('openai', {
      reply: { text: replyText },
      fault: 'break',
      chunksBeforeFault: 3,
    });
    const { router } = testRouter(
      [fakeDeployment('only', 'openai', breaking.baseURL), { ...offlineDeployment(offlineTool) }],
      { settings: { attemptsPerDeployment: 1 } },
    );
    const events = await collect(
      router.stream(
        userRequest({
          messages: [
            { role: 'user', content: 'calm' },
            {
              role: 'tool',
              toolCallId: 'c1',
              toolName: 'recommend_tracks',
              content: '{"tracks":[{"name":"So What","artists":["Miles Davis"]}]}',
            },
          ],
        }),
      ),
    );
    expect(routes(events).map((route) => route.deploymentId)).toEqual(['only', 'offline']);
    expect(routes(events)[1]?.reason).toMatch(/last resort/);
    const text = textOf(events);
    expect(text).toContain('So What');
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });
});

describe('retries and giving up', () => {
  it('retries the same deployment with backoff when it is the only one, and succeeds', async () => {
    const flaky = await fake('anthropic', [{ fault: 'server-error' }, { reply: { text: replyText } }]);
    const { router } = testRouter([fakeDeployment('flaky', 'anthropic', flaky.baseURL)]);
    const events = await collect(router.stream(userRequest()));
    expect(routes(events).map((route) => route.reason)).toEqual([
      expect.stringMatching(/^balanced: only healthy deployment/),
      expect.stringMatching(/^balanced: retry, only healthy deployment.*failover after: flaky: HTTP 500/),
    ]);
    expect(textOf(events)).toBe(replyText);
  });

  it('throws provider_error after reporting every failed attempt', async () => {
    const down = await fake('openai', { fault: 'server-error' });
    const { router } = testRouter([fakeDeployment('down', 'openai', down.baseURL)], {
      settings: { attemptsPerDeployment: 3 },
    });
    const { events, error } = await collectUntilError(router.stream(userRequest()));
    expect(isEchoError(error) && error.code).toBe('provider_error');
    expect(attempts(events)).toHaveLength(3);
    expect(down.requests).toHaveLength(3);
  });

  it('does not retry a non-retryable failure on the same deployment', async () => {
    let calls = 0;
    // A 400-style failure: the request itself is at fault, so a second try cannot help.
    const rejecting: LanguageModel = {
      provider: 'stub',
      model: 'rejects',
      async *stream() {
        calls += 1;
        yield { type: 'error', error: { message: 'HTTP 400: bad request', retryable: false, status: 400 } };
      },
    };
    const { router } = testRouter(
      [{ ...fakeDeployment('strict', 'openai', 'http://127.0.0.1:9'), languageModel: rejecting }],
      {
        settings: { attemptsPerDeployment: 3 },
      },
    );
    const { error } = await collectUntilError(router.stream(userRequest()));
    expect(isEchoError(error) && error.code).toBe('provider_error');
    expect(calls).toBe(1);
  });
});

describe('circuit breaker', () => {
  it('honours Retry-After as a cooldown, skips the deployment meanwhile, and recovers through a half-open probe', async () => {
    const limited = await fake('openai', [
      { fault: 'rate-limit', retryAfterSeconds: 30 },
      { reply: { text: 'back again' } },
    ]);
    const other = await fake('gemini', { reply: { text: 'from the other one' } });
    const clock = testClock();
    const { router } = testRouter(
      [
        fakeDeployment('limited', 'openai', limited.baseURL, { inputPricePerMillion: 0.1 }),
        fakeDeployment('other', 'gemini', other.baseURL, { inputPricePerMillion: 9 }),
      ],
      { policy: 'cheapest', clock },
    );
    await collect(router.stream(userRequest()));
    const open = router.status().find((status) => status.id === 'limited');
    expect(open?.circuit).toBe('open');
    expect(open?.cooldownUntil).toBe(new Date(clock.now() + 30_000).toISOString());

    const during = await collect(router.stream(userRequest()));
    expect(routes(during).map((route) => route.deploymentId)).toEqual(['other']);
    expect(limited.requests).toHaveLength(1);

    clock.advance(30_001);
    expect(router.status().find((status) => status.id === 'limited')?.circuit).toBe('half-open');
    const after = await collect(router.stream(userRequest()));
    expect(routes(after)[0]).toMatchObject({
      deploymentId: 'limited',
      reason: expect.stringMatching(/half-open probe/),
    });
    expect(textOf(after)).toBe('back again');
    expect(router.status().find((status) => status.id === 'limited')?.circuit).toBe('closed');
  });

  it('opens after consecutive failures and reports the error rate', async () => {
    const down = await fake('anthropic', { fault: 'server-error' });
    const healthy = await fake('openai', { reply: { text: 'fine' } });
    const { router } = testRouter(
      [
        fakeDeployment('down', 'anthropic', down.baseURL, { inputPricePerMillion: 0.1 }),
        fakeDeployment('healthy', 'openai', healthy.baseURL, { inputPricePerMillion: 9 }),
      ],
      { policy: 'cheapest', settings: { attemptsPerDeployment: 1 } },
    );
    for (let turn = 0; turn < 3; turn += 1) await collect(router.stream(userRequest()));
    const status = router.status().find((candidate) => candidate.id === 'down');
    expect(status).toMatchObject({ circuit: 'open', errorRate: 1, requests: 3 });
    const next = await collect(router.stream(userRequest()));
    expect(routes(next).map((route) => route.deploymentId)).toEqual(['healthy']);
    expect(down.requests).toHaveLength(3);
  });

  it('throws unavailable without any attempt when every circuit is open', async () => {
    const limited = await fake('openai', { fault: 'rate-limit', retryAfterSeconds: 60 });
    const { router } = testRouter([fakeDeployment('limited', 'openai', limited.baseURL)]);
    await collectUntilError(router.stream(userRequest()));
    const { events, error } = await collectUntilError(router.stream(userRequest()));
    expect(isEchoError(error) && error.code).toBe('unavailable');
    expect(events).toEqual([]);
  });
});

describe('cost and cancellation', () => {
  it('prices each attempt from the provider-reported tokens', async () => {
    const provider = await fake('openai', {
      reply: { text: replyText, inputTokens: 1_000, outputTokens: 500 },
    });
    const { router } = testRouter([
      fakeDeployment('priced', 'openai', provider.baseURL, {
        inputPricePerMillion: 2,
        outputPricePerMillion: 8,
      }),
    ]);
    const events = await collect(router.stream(userRequest()));
    const [attempt] = attempts(events);
    expect(attempt).toMatchObject({ inputTokens: 1_000, outputTokens: 500 });
    // 1000 × $2/M + 500 × $8/M = $0.002 + $0.004
    expect(attempt?.costUsd).toBeCloseTo(0.006, 10);
    await collect(router.stream(userRequest()));
    expect(router.status()[0]?.costUsd).toBeCloseTo(0.012, 10);
  });

  it('propagates an abort to the upstream request and throws cancelled after the cancelled attempt', async () => {
    const stalling = await fake('anthropic', {
      reply: { text: replyText },
      fault: 'stall',
      chunksBeforeFault: 5,
    });
    const { router } = testRouter([fakeDeployment('claude', 'anthropic', stalling.baseURL)], {
      settings: { idleTimeoutMs: 10_000 },
    });
    const controller = new AbortController();
    const closed = stalling.nextClientClose();
    const events: RouterEvent[] = [];
    let caught: unknown;
    try {
      for await (const event of router.stream(userRequest({ signal: controller.signal }))) {
        events.push(event);
        if (event.type === 'text-delta') setTimeout(() => controller.abort(), 20);
      }
    } catch (error) {
      caught = error;
    }
    await closed;
    expect(stalling.clientClosed).toBe(1);
    expect(isEchoError(caught) && caught.code).toBe('cancelled');
    expect(attempts(events).map((attempt) => attempt.outcome)).toEqual(['cancelled']);
    expect(router.status()[0]?.circuit).toBe('closed');
  });
});

describe('health store trouble', () => {
  it('keeps routing on the last known health when the store cannot be read or written', async () => {
    const provider = await fake('openai', { reply: { text: 'still here' } });
    const { router, health } = testRouter([fakeDeployment('steady', 'openai', provider.baseURL)]);
    health.read = async () => {
      throw new Error('redis down');
    };
    health.update = async () => {
      throw new Error('redis down');
    };
    const events = await collect(router.stream(userRequest()));
    expect(textOf(events)).toBe('still here');
  });
});
