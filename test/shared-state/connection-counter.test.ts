import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { LocalConnectionCounter } from '../../src/shared-state/connection-counter.js';
import { RedisConnectionCounter } from '../../src/shared-state/redis-connection-counter.js';
import { missing } from '../support/environment.js';
import { type RedisServer, redisBinary, startRedisServer } from '../support/redis-server.js';

const logger = createLogger('silent');
const BEAT_MS = 100;
const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('open connections on one instance', () => {
  it('admits up to the cap per key and frees a place on close', async () => {
    const counter = new LocalConnectionCounter(2);
    expect([await counter.open('a'), await counter.open('a'), await counter.open('a')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(await counter.open('b')).toBe(true);
    counter.close('a');
    expect(await counter.open('a')).toBe(true);
  });
});

const skipped = !redisBinary && missing('connection counts over Redis', 'redis-server is not installed');

describe.skipIf(skipped)('open connections across instances (Redis)', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const counters: RedisConnectionCounter[] = [];
  let prefix = '';
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(counters.map((counter) => counter.stop()));
    for (const client of clients) client.disconnect();
    server?.stop();
  });

  /** One instance's counter, on a Redis connection of its own (as each instance has). */
  async function instance(limit: number): Promise<{ counter: RedisConnectionCounter; redis: Redis }> {
    const redis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    await redis.connect();
    clients.push(redis);
    const counter = new RedisConnectionCounter({
      redis,
      prefix,
      logger,
      keyPrefix: 'listener',
      limit,
      beatMs: BEAT_MS,
    });
    counters.push(counter);
    return { counter, redis };
  }

  it('counts every instance against one cap', async () => {
    prefix = `shared-${Date.now()}:`;
    const [first, second] = [await instance(3), await instance(3)];
    expect(await first.counter.open('listener-1')).toBe(true);
    expect(await second.counter.open('listener-1')).toBe(true);
    expect(await first.counter.open('listener-1')).toBe(true);
    expect(await second.counter.open('listener-1')).toBe(false);
    expect(await second.counter.open('listener-2')).toBe(true);
    first.counter.close('listener-1');
    await pause(20);
    expect(await second.counter.open('listener-1')).toBe(true);
  });

  it('forgets the places of an instance that died within three beats', async () => {
    prefix = `dead-${Date.now()}:`;
    const [survivor, dying] = [await instance(2), await instance(2)];
    expect(await dying.counter.open('listener')).toBe(true);
    expect(await dying.counter.open('listener')).toBe(true);
    expect(await survivor.counter.open('listener')).toBe(false);
    // A kill: no close, no goodbye; its hash is no longer renewed.
    dying.counter.stopRenewing();
    dying.redis.disconnect();
    await pause(BEAT_MS * 4);
    expect(await survivor.counter.open('listener')).toBe(true);
    expect(await survivor.counter.open('listener')).toBe(true);
    expect(await survivor.counter.open('listener')).toBe(false);
  });

  it('counts alone while Redis is away, and writes its places back when Redis returns empty', async () => {
    prefix = `outage-${Date.now()}:`;
    const [first, second] = [await instance(2), await instance(2)];
    expect(await first.counter.open('listener')).toBe(true);
    server.stop();
    await pause(100);
    // Redis away: this instance's own count is the cap (one place left here).
    expect(await first.counter.open('listener')).toBe(true);
    expect(await first.counter.open('listener')).toBe(false);
    server = await startRedisServer({ port: server.port });
    for (const { redis } of [first, second]) {
      while (redis.status !== 'ready') await pause(50);
    }
    await pause(BEAT_MS * 2);
    // Redis lost everything; the next beat restored first's two places, so second is refused.
    expect(await second.counter.open('listener')).toBe(false);
    first.counter.close('listener');
    await pause(20);
    expect(await second.counter.open('listener')).toBe(true);
  });
});
