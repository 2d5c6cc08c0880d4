import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRoutingPolicy, Router } from '../../../src/providers/index.js';
import { createSharedState, type SharedState } from '../../../src/shared-state/index.js';
import { missing } from '../../support/environment.js';
import { type RedisServer, redisBinary, startRedisServer } from '../../support/redis-server.js';
import { type FakeProvider, startFakeProvider } from '../fake-servers/index.js';
import { collect } from '../support/collect.js';
import { fakeDeployment, userRequest } from '../support/deployments.js';
import { silentLogger } from '../support/silent-logger.js';

const skipped = !redisBinary && missing('shared provider health', 'redis-server is not installed');

describe.skipIf(skipped)('two instances sharing health through Redis', () => {
  let redis: RedisServer;
  let limited: FakeProvider;
  let healthy: FakeProvider;
  beforeAll(async () => {
    redis = await startRedisServer();
    limited = await startFakeProvider('openai', { fault: 'rate-limit', retryAfterSeconds: 60 });
    healthy = await startFakeProvider('anthropic', { reply: { text: 'fine' } });
  });
  afterAll(async () => {
    await limited.close();
    await healthy.close();
    await Promise.all(sharedStates.map((state) => state.close()));
    redis.stop();
  });

  const sharedStates: SharedState[] = [];

  /** One instance: its own shared state (as server.ts builds it) and a router on its health. */
  async function instance(prefix: string): Promise<Router> {
    const shared = await createSharedState({
      redisUrl: `redis://127.0.0.1:${redis.port}`,
      logger: silentLogger(),
      keyPrefix: prefix,
    });
    sharedStates.push(shared);
    return new Router({
      deployments: [
        fakeDeployment('limited', 'openai', limited.baseURL, { inputPricePerMillion: 0.1 }),
        fakeDeployment('healthy', 'anthropic', healthy.baseURL, { inputPricePerMillion: 9 }),
      ],
      logger: silentLogger(),
      policy: parseRoutingPolicy('cheapest'),
      health: shared.providerHealth,
      settings: { explorationShare: 0 },
    });
  }

  it('a 429 seen by one instance keeps the other away from that deployment', async () => {
    const prefix = `shared-${Date.now()}:`;
    const first = await instance(prefix);
    const second = await instance(prefix);
    try {
      const firstEvents = await collect(first.stream(userRequest()));
      expect(
        firstEvents
          .filter((event) => event.type === 'route')
          .map((event) => event.type === 'route' && event.deploymentId),
      ).toEqual(['limited', 'healthy']);
      const secondEvents = await collect(second.stream(userRequest()));
      expect(
        secondEvents
          .filter((event) => event.type === 'route')
          .map((event) => event.type === 'route' && event.deploymentId),
      ).toEqual(['healthy']);
      expect(limited.requests).toHaveLength(1);
      expect(second.status().find((status) => status.id === 'limited')?.circuit).toBe('open');
    } finally {
      await first.close();
      await second.close();
    }
  });
});
