import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { freePort } from './environment.js';

export const redisBinary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) =>
  existsSync(path),
);

export interface RedisServer {
  port: number;
  connect(): Redis;
  stop(): void;
}

/** A throwaway redis-server on a free loopback port (or the given one, to restart), without persistence. */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    redisBinary ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  // One short-lived probe per try: a client whose first connection was refused stays "connecting", and
  // connect() on it again throws, so retrying one probe would wait out the whole loop.
  let listening = false;
  for (let tries = 0; tries < 200 && !listening; tries += 1) {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
    // Refused connections are expected until the server listens; they are retried, not errors.
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      listening = true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    } finally {
      probe.disconnect();
    }
  }
  if (!listening) {
    child.kill();
    throw new Error(`redis-server did not start on port ${port}`);
  }
  return {
    port,
    connect: () => new Redis({ port, host: '127.0.0.1' }),
    stop: () => {
      child.kill();
    },
  };
}
