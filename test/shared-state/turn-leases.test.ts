import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { RedisTurnLeases } from '../../src/shared-state/redis-turn-leases.js';
import { freePort, missing } from '../support/environment.js';
import { type RedisServer, redisBinary, startRedisServer } from '../support/redis-server.js';

const skipped = !redisBinary && missing('turn leases', 'redis-server is not installed');
const logger = createLogger('silent');
const signal = () => new AbortController().signal;

describe.skipIf(skipped)('turn leases in Redis', () => {
  let redis: RedisServer;
  const connections: Redis[] = [];
  /** One instance's leases, on a connection of its own (connected before use). */
  const instance = async (prefix: string, ttlMs = 300) => {
    const connection = redis.connect();
    connections.push(connection);
    await expect.poll(() => connection.status).toBe('ready');
    return {
      connection,
      leases: new RedisTurnLeases({ redis: connection, prefix, logger, ttlMs, pollMs: 20 }),
    };
  };
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => {
    for (const connection of connections) connection.disconnect();
    redis?.stop();
  });

  it('lets one instance at a time hold a session, the next one after release, with a larger token', async () => {
    const prefix = `a-${Date.now()}:`;
    const first = (await instance(prefix)).leases;
    const second = (await instance(prefix)).leases;
    const held = await first.acquire('s1', signal());
    let secondHeld = false;
    const waiting = second.acquire('s1', signal()).then((lease) => {
      secondHeld = true;
      return lease;
    });
    // Renewed while held: still the first's well past the 300 ms TTL.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(secondHeld).toBe(false);
    await held.release();
    const next = await waiting;
    expect(next.token).toBeGreaterThan(held.token);
    await next.release();
  });

  it('hands a dead holder’s session to a waiting instance once its lease lapses', async () => {
    const prefix = `b-${Date.now()}:`;
    const dying = await instance(prefix);
    const survivor = (await instance(prefix)).leases;
    await dying.leases.acquire('s1', signal());
    // The holder's process "dies": its connection goes, and with it the renewals.
    dying.connection.disconnect();
    const started = Date.now();
    const lease = await survivor.acquire('s1', signal());
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(lease.token).toBeGreaterThan(0);
    await lease.release();
  });

  it('stops waiting when asked to', async () => {
    const prefix = `c-${Date.now()}:`;
    const holder = (await instance(prefix, 5_000)).leases;
    const waiter = (await instance(prefix, 5_000)).leases;
    const held = await holder.acquire('s1', signal());
    const controller = new AbortController();
    const waiting = waiter.acquire('s1', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled' });
    await held.release();
  });

  it('runs on this instance alone while Redis is unreachable, and takes nothing over', async () => {
    const unreachable = new Redis({ port: await freePort(), host: '127.0.0.1', lazyConnect: true });
    unreachable.on('error', () => undefined);
    const leases = new RedisTurnLeases({ redis: unreachable, prefix: 'd:', logger });
    const lease = await leases.acquire('s1', signal());
    expect(lease.token).toBe(0);
    await lease.release();
    // But it never takes a turn over then: the holder may well be alive.
    expect(await leases.tryAcquire('s1')).toBeNull();
    unreachable.disconnect();
  });
});
