import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerHealthRoutes } from '../../src/gateway/routes/health-routes.js';
import { useZodSchemas } from '../../src/gateway/schema-compilers.js';

/** A store whose ping never settles: a database client that stopped answering, as a driver can. */
const hangingStore = { kind: 'mongo' as const, ping: () => new Promise<void>(() => {}) };

describe('health routes with a store that stops answering', () => {
  const app = Fastify();
  afterEach(async () => {
    await app.close();
  });

  it('answer 503 within the ping timeout instead of hanging with the store', async () => {
    useZodSchemas(app);
    registerHealthRoutes(app, {
      store: hangingStore,
      shared: { kind: 'local', status: () => ({ connected: true, reasons: [] }) },
      router: { status: () => [] },
      startedAt: Date.now(),
      draining: () => false,
      pingTimeoutMs: 100,
    });
    const started = performance.now();
    const health = await app.inject({ method: 'GET', url: '/health' });
    const ready = await app.inject({ method: 'GET', url: '/ready' });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'unavailable', store: 'mongo' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().reasons).toContain('store (mongo) unreachable');
  });
});
