import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { AdapterKind } from '../../src/shared-state/index.js';
import { freePort } from '../../test/support/environment.js';
import { type RedisServer, startRedisServer } from '../../test/support/redis-server.js';
import { type BenchChild, startChild } from './ipc.js';

/** Run at exit whatever happens (a throw, Ctrl-C): nothing the bench started may outlive it. */
const atExit = new Set<() => void>();
process.once('exit', () => {
  for (const cleanup of atExit) cleanup();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping what the bench started`);
    process.exit(130);
  });
}

export interface RedisStats {
  cpuMs: number;
  commands: Record<string, number>;
}

const DISCONNECT_GRACE_MS = 1_000;
/** After tabs leave: the grace period, then time for the cluster-wide listener checks it starts. */
export const DISCONNECT_QUIET_MS = DISCONNECT_GRACE_MS + 1_000;

/** The fake model server every EchoTune instance streams its turns from (one for the whole run). */
export async function startUpstream(): Promise<{ child: BenchChild; baseURL: string }> {
  const port = await freePort();
  const child = await startChild('upstream', ['--role', 'upstream', '--port', String(port)]);
  return { child, baseURL: `http://127.0.0.1:${port}/v1` };
}

/**
 * One adapter's world: a throwaway redis-server, EchoTune instances (startServer, each in its own process,
 * sharing REDIS_URL, JWT_SECRET and DATA_DIR) and as many bare Socket.io servers on the same Redis (their
 * own key prefix). Instance 0 of each kind is where the turns (or the bare emits) run.
 */
export interface Cluster {
  readonly adapter: AdapterKind;
  readonly echotune: BenchChild[];
  readonly bare: BenchChild[];
  /** Starts or stops instances of both kinds until each has `count` (stopping the last ones). */
  resize(count: number): Promise<void>;
  /** CPU Redis has used so far (ms), and the calls of each command so far. */
  redisStats(): Promise<RedisStats>;
  /** Warnings and errors EchoTune's instances logged (pino JSON lines, level ≥ 40). */
  echotuneWarnings(): string[];
  close(): Promise<void>;
}

export async function startCluster(adapter: AdapterKind, upstreamBaseURL: string): Promise<Cluster> {
  const redis: RedisServer = await startRedisServer();
  const stopRedis = () => redis.stop();
  atExit.add(stopRedis);
  const directory = mkdtempSync(join(tmpdir(), 'echotune-cross-bench-'));
  const removeDirectory = () => rmSync(directory, { recursive: true, force: true });
  atExit.add(removeDirectory);
  const providersFile = join(directory, 'providers.json');
  writeFileSync(
    providersFile,
    JSON.stringify({
      deployments: [
        {
          id: 'bench',
          provider: 'openai',
          model: 'gpt-4o-mini',
          baseURL: upstreamBaseURL,
          apiKeyEnv: 'OPENAI_API_KEY',
        },
      ],
      router: { explorationShare: 0 },
    }),
  );
  const redisUrl = `redis://127.0.0.1:${redis.port}`;
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: join(directory, 'data'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    REDIS_URL: redisUrl,
    REDIS_ADAPTER: adapter,
    PROVIDERS_FILE: providersFile,
    OPENAI_API_KEY: 'bench-key',
    SERVE_CLIENT: 'false',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '1000000',
    RATE_LIMIT_REQUESTS_PER_MINUTE: '1000000',
    RATE_LIMIT_SESSIONS_PER_MINUTE: '1000000',
    MAX_CONNECTIONS_PER_IP: '1000000',
    MAX_CONNECTIONS_PER_LISTENER: '1000000',
    // Every tab that disconnects makes its instance ask the whole cluster, this long after, whether its
    // session still has listeners (a fetchSockets each): short, so a level's departing tabs are done
    // asking before the next level measures (see DISCONNECT_QUIET_MS).
    DISCONNECT_GRACE_MS: String(DISCONNECT_GRACE_MS),
  };
  const echotune: BenchChild[] = [];
  const bare: BenchChild[] = [];
  const stopped: BenchChild[] = [];
  let info: Redis | undefined;

  const cluster: Cluster = {
    adapter,
    echotune,
    bare,
    async resize(count) {
      const startBare = async () => {
        while (bare.length < count) {
          bare.push(
            await startChild(`bare ${adapter} #${bare.length}`, [
              '--role',
              'bare',
              '--redis',
              redisUrl,
              '--adapter',
              adapter,
            ]),
          );
        }
      };
      const startEchoTune = async () => {
        // One after another: the first start creates the shared SQLite database and loads the catalog.
        while (echotune.length < count) {
          echotune.push(
            await startChild(`EchoTune ${adapter} #${echotune.length}`, ['--role', 'echotune'], env),
          );
        }
      };
      await Promise.all([startBare(), startEchoTune()]);
      const surplus = [...echotune.splice(count), ...bare.splice(count)];
      stopped.push(...surplus.filter((child) => child.name.startsWith('EchoTune')));
      await Promise.all(surplus.map((child) => child.stop()));
    },
    async redisStats() {
      info ??= redis.connect();
      const text = await info.info('all');
      const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(text)?.[1] ?? Number.NaN);
      const commands: Record<string, number> = {};
      for (const [, name, calls] of text.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g))
        commands[name!] = Number(calls);
      return { cpuMs: (value('used_cpu_user') + value('used_cpu_sys')) * 1000, commands };
    },
    echotuneWarnings() {
      return [...echotune, ...stopped].flatMap((child) =>
        child.output
          .filter((line) => {
            try {
              return (JSON.parse(line) as { level?: number }).level! >= 40;
            } catch {
              return true;
            }
          })
          .map((line) => `${child.name}: ${line}`),
      );
    },
    async close() {
      await cluster.resize(0);
      info?.disconnect();
      stopRedis();
      atExit.delete(stopRedis);
      removeDirectory();
      atExit.delete(removeDirectory);
    },
  };
  return cluster;
}
