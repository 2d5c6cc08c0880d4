import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createSharedState, type SharedState } from '../../src/shared-state/index.js';
import { missing } from '../support/environment.js';
import { type RedisServer, redisBinary, startRedisServer } from '../support/redis-server.js';

const logger = createLogger('silent');

describe('shared state without REDIS_URL', () => {
  it('keeps everything in this process: no adapter, memory limits and health', async () => {
    const shared = await createSharedState({ redisUrl: undefined, logger });
    expect(shared.kind).toBe('local');
    expect(shared.socketAdapter).toBeUndefined();
    expect(shared.providerHealth.shared).toBe(false);
    const limiter = shared.rateLimiter({ keyPrefix: 'local-test', points: 2, durationSeconds: 60 });
    await limiter.consume('listener');
    await limiter.consume('listener');
    await expect(limiter.consume('listener')).rejects.toMatchObject({ remainingPoints: 0 });
    await shared.close();
  });
});

const skipped = !redisBinary && missing('shared state over Redis', 'redis-server is not installed');

describe.skipIf(skipped)('shared state over Redis', () => {
  let redis: RedisServer;
  const states: SharedState[] = [];
  const open = async (keyPrefix: string) => {
    const shared = await createSharedState({
      redisUrl: `redis://127.0.0.1:${redis.port}`,
      logger,
      keyPrefix,
    });
    states.push(shared);
    return shared;
  };
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(states.map((state) => state.close()));
    redis?.stop();
  });

  it('gives two instances one rate-limit budget, one health and a room adapter', async () => {
    const prefix = `two-${Date.now()}:`;
    const [first, second] = [await open(prefix), await open(prefix)];
    expect(first.kind).toBe('redis');
    expect(first.socketAdapter).toBeTypeOf('function');
    const settings = { keyPrefix: 'budget', points: 3, durationSeconds: 60 };
    await first.rateLimiter(settings).consume('listener');
    await second.rateLimiter(settings).consume('listener');
    await first.rateLimiter(settings).consume('listener');
    await expect(second.rateLimiter(settings).consume('listener')).rejects.toMatchObject({
      remainingPoints: 0,
    });

    expect(first.providerHealth.shared).toBe(true);
    await first.providerHealth.update('deployment-a', (record) => ({
      ...record,
      requests: record.requests + 1,
    }));
    const seen = await second.providerHealth.read(['deployment-a']);
    expect(seen.get('deployment-a')?.requests).toBe(1);
  });

  it('keeps separate installations apart by key prefix', async () => {
    const settings = { keyPrefix: 'budget', points: 1, durationSeconds: 60 };
    await (await open(`a-${Date.now()}:`)).rateLimiter(settings).consume('listener');
    await expect(
      (await open(`b-${Date.now()}:`)).rateLimiter(settings).consume('listener'),
    ).resolves.toMatchObject({
      remainingPoints: 0,
    });
  });

  it('closes at once while Redis is away, instead of waiting for it to return', async () => {
    const own = await startRedisServer();
    const shared = await createSharedState({ redisUrl: `redis://127.0.0.1:${own.port}`, logger });
    own.stop();
    await expect.poll(() => shared.status().connected).toBe(false);
    const started = Date.now();
    await shared.close();
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('closes every connection it opened, so the process can exit', async () => {
    const shared = await createSharedState({ redisUrl: `redis://127.0.0.1:${redis.port}`, logger });
    await shared.rateLimiter({ keyPrefix: 'close', points: 5, durationSeconds: 60 }).consume('x');
    const clientsBefore = await clientCount(redis);
    await shared.close();
    await expect.poll(() => clientCount(redis)).toBe(clientsBefore - 3);
  });
});

describe.skipIf(skipped)('shared state when Redis goes away', () => {
  it('logs one warning per connection, never an unhandled error, and recovers when Redis returns', async () => {
    const lines: { level: number; msg: string; role?: string }[] = [];
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const unhandled = vi.spyOn(console, 'error');
    let redis = await startRedisServer();
    const shared = await createSharedState({
      redisUrl: `redis://127.0.0.1:${redis.port}`,
      logger: createLogger('info', capture),
      keyPrefix: `outage-${Date.now()}:`,
    });
    try {
      const limiter = shared.rateLimiter({ keyPrefix: 'outage', points: 100, durationSeconds: 60 });
      await limiter.consume('listener');
      await shared.providerHealth.read(['deployment-a']);

      redis.stop();
      const warnings = () => lines.filter((line) => line.msg === 'redis connection error; reconnecting');
      await expect.poll(() => warnings().length, { timeout: 10_000 }).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(
        warnings()
          .map((line) => line.role)
          .sort(),
      ).toEqual(['adapter', 'commands', 'provider-health']);

      redis = await startRedisServer({ port: redis.port });
      const restored = () => lines.filter((line) => line.msg === 'redis connection restored');
      await expect.poll(() => restored().length, { timeout: 15_000 }).toBe(3);
      await expect(limiter.consume('listener')).resolves.toMatchObject({ consumedPoints: 1 });
      expect(unhandled).not.toHaveBeenCalledWith(
        expect.stringContaining('Unhandled error'),
        expect.anything(),
      );
    } finally {
      unhandled.mockRestore();
      await shared.close();
      redis.stop();
    }
  });
});

/** Connected clients as the server counts them (CLIENT LIST, through a connection of the test's own). */
async function clientCount(redis: RedisServer): Promise<number> {
  const probe = redis.connect();
  try {
    const list = (await probe.client('LIST')) as string;
    return list.trim().split('\n').length - 1;
  } finally {
    probe.disconnect();
  }
}
