import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterEvent } from '../../../src/providers/index.js';
import { recordAttempt } from '../../../src/providers/router/health/index.js';
import { type FakeProvider, startFakeProvider } from '../fake-servers/index.js';
import { collect } from '../support/collect.js';
import { fakeDeployment, testClock, testRouter, userRequest } from '../support/deployments.js';

function routeOf(events: RouterEvent[]) {
  const route = events.find((event) => event.type === 'route');
  if (route?.type !== 'route') throw new Error('no route event');
  return route;
}

describe('routing policies', () => {
  let cheapSlow: FakeProvider;
  let dearFast: FakeProvider;
  beforeAll(async () => {
    cheapSlow = await startFakeProvider('openai', { reply: { text: 'cheap answer' } });
    dearFast = await startFakeProvider('anthropic', { reply: { text: 'fast answer' } });
  });
  afterAll(async () => {
    await cheapSlow.close();
    await dearFast.close();
  });

  /** Two measured deployments: cheap one slow (ttft 1500ms, 30 tok/s), dear one fast (100ms, 120 tok/s). */
  async function setup(policy: string) {
    const clock = testClock();
    const deployments = [
      fakeDeployment('cheap', 'openai', cheapSlow.baseURL, {
        inputPricePerMillion: 0.15,
        outputPricePerMillion: 0.6,
      }),
      fakeDeployment('dear', 'anthropic', dearFast.baseURL, {
        inputPricePerMillion: 3,
        outputPricePerMillion: 15,
      }),
    ];
    const { router, health } = testRouter(deployments, { policy, clock });
    for (const [id, ttftMs, outputTokensPerSecond] of [
      ['cheap', 1500, 30],
      ['dear', 100, 120],
    ] as const) {
      await health.update(id, (record) =>
        recordAttempt(record, { outcome: 'ok', ttftMs, outputTokensPerSecond, costUsd: 0 }, clock.now()),
      );
    }
    return router;
  }

  it('cheapest picks the lowest expected cost and says so', async () => {
    const router = await setup('cheapest');
    const route = routeOf(await collect(router.stream(userRequest())));
    expect(route.deploymentId).toBe('cheap');
    expect(route.reason).toMatch(/^cheapest: cheapest healthy, ttft 1500ms/);
  });

  it('fastest picks the lowest measured latency and says so', async () => {
    const router = await setup('fastest');
    const route = routeOf(await collect(router.stream(userRequest())));
    expect(route.deploymentId).toBe('dear');
    expect(route.reason).toMatch(/^fastest: fastest healthy, ttft 100ms/);
  });

  it('explicit weights lean the way they are set', async () => {
    expect(
      routeOf(await collect((await setup('cost=0.9,latency=0.1')).stream(userRequest()))).deploymentId,
    ).toBe('cheap');
    expect(
      routeOf(await collect((await setup('cost=0.1,latency=0.9')).stream(userRequest()))).deploymentId,
    ).toBe('dear');
  });

  it('balanced with a twentyfold price gap prefers the cheap one despite its slower first token', async () => {
    const route = routeOf(await collect((await setup('balanced')).stream(userRequest())));
    expect(route.deploymentId).toBe('cheap');
    expect(route.reason).toMatch(/^balanced: cheapest healthy/);
  });

  it('measures time to first token from real traffic', async () => {
    const slow = await startFakeProvider('gemini', {
      reply: { text: 'slow but sure' },
      fault: 'slow-first-token',
      delayMs: 150,
    });
    try {
      const { router } = testRouter([fakeDeployment('slow', 'gemini', slow.baseURL)]);
      await collect(router.stream(userRequest()));
      const [status] = router.status();
      expect(status?.ttftMsEwma).toBeGreaterThanOrEqual(140);
      expect(status?.requests).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it('skips a deployment whose context window cannot hold the prompt', async () => {
    const deployments = [
      fakeDeployment('tiny', 'openai', cheapSlow.baseURL, {
        inputPricePerMillion: 0,
        outputPricePerMillion: 0,
        contextWindow: 50,
      }),
      fakeDeployment('roomy', 'anthropic', dearFast.baseURL),
    ];
    const { router } = testRouter(deployments, { policy: 'cheapest' });
    const long = 'tell me about music '.repeat(100);
    const route = routeOf(
      await collect(router.stream(userRequest({ messages: [{ role: 'user', content: long }] }))),
    );
    expect(route.deploymentId).toBe('roomy');
  });

  it('sends a small share of traffic to an idle deployment to measure it', async () => {
    const deployments = [
      fakeDeployment('known', 'openai', cheapSlow.baseURL, {
        inputPricePerMillion: 0.1,
        outputPricePerMillion: 0.1,
      }),
      fakeDeployment('idle', 'anthropic', dearFast.baseURL, {
        inputPricePerMillion: 5,
        outputPricePerMillion: 5,
      }),
    ];
    const clock = testClock();
    const { router, health } = testRouter(deployments, {
      policy: 'cheapest',
      clock,
      settings: { explorationShare: 0.1 },
      random: () => 0.05,
    });
    await health.update('known', (record) =>
      recordAttempt(
        record,
        { outcome: 'ok', ttftMs: 200, outputTokensPerSecond: 50, costUsd: 0 },
        clock.now(),
      ),
    );
    const route = routeOf(await collect(router.stream(userRequest())));
    expect(route.deploymentId).toBe('idle');
    expect(route.reason).toMatch(/exploring idle deployment/);
  });
});
