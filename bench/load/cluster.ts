import type { Balancer } from '../../test/support/balancer-process.js';
import { freePort } from '../../test/support/environment.js';
import { type FerretDb, startFerretDb } from '../../test/support/ferretdb.js';
import { haproxyBinary, startHaproxy } from '../../test/support/haproxy.js';
import { findPostgresBinaries } from '../../test/support/postgres.js';
import { Scrape } from '../../test/support/prometheus-text.js';
import { type RedisServer, redisBinary, startRedisServer } from '../../test/support/redis-server.js';
import { type ServerProcess, startServerProcess } from '../../test/support/server-process.js';
import type { Topology } from './topology.js';

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

async function turnsRunning(url: string): Promise<number> {
  const response = await fetch(`${url}/metrics`).catch(() => null);
  if (!response?.ok) return 0;
  return new Scrape(await response.text()).sum('echotune_turns_running');
}

/** What a cluster needs on this machine, or why it cannot run (null: all there). */
export function clusterUnavailable(): string | null {
  if (!redisBinary) return 'redis-server is not installed';
  if (!haproxyBinary) return 'haproxy is not installed';
  if (!findPostgresBinaries()) return 'PostgreSQL (the backend FerretDB uses here) is not installed';
  return null;
}

/**
 * The production shape on loopback: `count` EchoTune processes behind HAProxy (deploy/haproxy.cfg),
 * sharing Redis and the MongoDB-compatible store (FerretDB on PostgreSQL, whose indexes keep a long run's
 * queries as fast as at its start), each killable and restartable on its port.
 */
export async function startCluster(count: number, baseEnv: Record<string, string>): Promise<Topology> {
  const unavailable = clusterUnavailable();
  if (unavailable) throw new Error(`--instances ${count}: ${unavailable}`);
  let redis: RedisServer = await startRedisServer();
  let ferret: FerretDb | null = null;
  let balancer: Balancer | undefined;
  const instances: ServerProcess[] = [];
  const close = async () => {
    await balancer?.stop();
    await Promise.all(instances.filter((instance) => instance.alive()).map((instance) => instance.stop()));
    redis.stop();
    await ferret?.stop();
  };
  try {
    ferret = await startFerretDb({ backend: 'postgresql' });
    if (!ferret) throw new Error(`--instances ${count}: FerretDB is needed (set FERRETDB_BIN)`);
    const storeEnv = { MONGODB_URI: `${ferret.uri}echotune_load` };
    const env = {
      ...baseEnv,
      ...storeEnv,
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      TRUST_PROXY: '1',
      SHUTDOWN_GRACE_MS: '3000',
    };
    const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
    // One after another: started together on a loaded 2-core machine, each can miss its start-up timeout.
    for (const port of ports) instances.push(await startServerProcess({ ...env, PORT: String(port) }));
    balancer = await startHaproxy(ports);
    const store = ferret;
    return {
      url: balancer.url,
      probes: () =>
        instances
          .map((instance, index) => ({
            instance,
            probe: { name: `instance ${index + 1}`, pid: instance.child.pid!, url: instance.url },
          }))
          .filter(({ instance }) => instance.alive())
          .map(({ probe }) => probe),
      storeEnv,
      chaos: {
        restartRedis: async (downMs) => {
          redis.stop();
          await pause(downMs);
          redis = await startRedisServer({ port: redis.port });
        },
        restartStore: (downMs, signal) => store.restart(downMs, signal),
        killInstance: async (index, downMs) => {
          await instances[index]!.stop('SIGKILL');
          await pause(downMs);
          instances[index] = await startServerProcess({ ...env, PORT: String(ports[index]) });
        },
        turnsRunning: (index) => turnsRunning(instances[index]!.url),
      },
      stopInstances: async () => {
        await Promise.all(
          instances.filter((instance) => instance.alive()).map((instance) => instance.stop()),
        );
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
