import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultBreakerSettings,
  type HealthStore,
  MemoryHealthStore,
  recordAttempt,
} from '../../../../src/providers/router/health/index.js';
import { createSharedState, type SharedState } from '../../../../src/shared-state/index.js';
import { missing } from '../../../support/environment.js';
import { type RedisServer, redisBinary, startRedisServer } from '../../../support/redis-server.js';
import { silentLogger } from '../../support/silent-logger.js';

interface Harness {
  name: string;
  /** Two stores that must see the same state (two instances sharing health). */
  create(): Promise<[HealthStore, HealthStore]>;
  skip?: string;
}

let redis: RedisServer | undefined;
/** Each Redis-backed store comes from the shared state of one "instance", as in the service. */
const sharedStates: SharedState[] = [];

async function sharedHealth(prefix: string): Promise<HealthStore> {
  if (!redis) throw new Error('redis-server did not start');
  const state = await createSharedState({
    redisUrl: `redis://127.0.0.1:${redis.port}`,
    logger: silentLogger(),
    keyPrefix: prefix,
  });
  sharedStates.push(state);
  return state.providerHealth;
}

const harnesses: Harness[] = [
  {
    name: 'memory',
    create: async () => {
      const store = new MemoryHealthStore();
      return [store, store];
    },
  },
  {
    name: 'redis',
    skip: redisBinary ? undefined : 'redis-server is not installed',
    create: async () => {
      const prefix = `test:${Math.random().toString(36).slice(2)}:`;
      return [await sharedHealth(prefix), await sharedHealth(prefix)];
    },
  },
];

beforeAll(async () => {
  if (redisBinary) redis = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(sharedStates.map((state) => state.close()));
  redis?.stop();
});

const failure = {
  outcome: 'error',
  failure: { message: 'HTTP 500', retryable: true, status: 500 },
  costUsd: 0,
} as const;

/** One contract, every health store. */
describe.each(harnesses)('$name health store', (harness) => {
  const skipped = harness.skip !== undefined && missing(`${harness.name} health store`, harness.skip);

  it.skipIf(skipped)('gives an empty record for an unknown deployment', async () => {
    const [store] = await harness.create();
    const records = await store.read(['never-seen']);
    expect(records.get('never-seen')).toMatchObject({ requests: 0, cooldownUntil: null, ttftMsEwma: null });
    await store.close();
  });

  it.skipIf(skipped)('shares circuit state between two instances', async () => {
    const [first, second] = await harness.create();
    const now = Date.now();
    for (let count = 0; count < 3; count += 1) {
      await first.update('shared', (record) => recordAttempt(record, failure, now, defaultBreakerSettings));
    }
    const seen = (await second.read(['shared'])).get('shared');
    expect(seen?.consecutiveFailures).toBe(3);
    expect(seen?.cooldownUntil).toBe(now + defaultBreakerSettings.baseCooldownMs);
    expect(second.cached('shared')?.consecutiveFailures).toBe(3);
    await first.close();
    if (second !== first) await second.close();
  });

  it.skipIf(skipped)('loses no update when instances record at the same time', async () => {
    const [first, second] = await harness.create();
    const now = Date.now();
    const success = { outcome: 'ok', ttftMs: 100, outputTokensPerSecond: 50, costUsd: 0.5 } as const;
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 ? first : second).update('busy', (record) =>
          recordAttempt(record, success, now, defaultBreakerSettings),
        ),
      ),
    );
    const record = (await first.read(['busy'])).get('busy');
    expect(record?.requests).toBe(20);
    expect(record?.costUsd).toBeCloseTo(10);
    await first.close();
    if (second !== first) await second.close();
  });

  it.skipIf(skipped)('applies no change when the change function declines', async () => {
    const [store] = await harness.create();
    const result = await store.update('declined', () => null);
    expect(result.applied).toBe(false);
    await store.close();
  });
});
