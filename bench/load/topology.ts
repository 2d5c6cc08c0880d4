import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InstanceProbe } from './server-memory.js';

/** What a run needs of the servers it loads, one instance or several behind a balancer. */
export interface Topology {
  /** Where clients connect: the instance, or the balancer. */
  url: string;
  /** The instances as they are now (a restarted one has a new pid). */
  probes(): InstanceProbe[];
  /** The settings that select the store the instances wrote (for the count at the end). */
  storeEnv: Record<string, string>;
  /** Present with several instances: the outages a chaos run causes. */
  chaos?: ChaosActions;
  /** Stops the instances (SIGTERM: they drain), leaving the store up to be counted. */
  stopInstances(): Promise<void>;
  /** Stops everything that is left and removes its files. */
  close(): Promise<void>;
}

export interface ChaosActions {
  restartRedis(downMs: number): Promise<void>;
  /** The store stopped (SIGKILL: a crash; SIGTERM: a graceful stop) and started again after `downMs`. */
  restartStore(downMs: number, signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** kill -9 of one instance, and the same instance started again on its port after `downMs`. */
  killInstance(index: number, downMs: number): Promise<void>;
  /** The turns one instance runs now, from its /metrics (0 when it does not answer). */
  turnsRunning(index: number): Promise<number>;
}

const unlimited = '1000000';

/**
 * Settings every instance gets: the local upstream as the one deployment, and the limits that guard a
 * public service (per-IP connections, messages per minute) out of the way, as the other benches set them:
 * every client here comes from 127.0.0.1. A providers file rather than OPENAI_BASE_URL, because it also
 * sets the router's timeouts: a stalled stream is given up after 1.5 s, not the deployed 15 s.
 */
export function serverEnv(directory: string, upstreamBaseURL: string): Record<string, string> {
  const providersFile = join(directory, 'providers.json');
  writeFileSync(
    providersFile,
    JSON.stringify({
      deployments: [
        {
          id: 'load',
          provider: 'openai',
          model: 'gpt-4o-mini',
          baseURL: upstreamBaseURL,
          apiKeyEnv: 'OPENAI_API_KEY',
        },
      ],
      router: { explorationShare: 0, firstTokenTimeoutMs: 1_500, idleTimeoutMs: 1_500 },
    }),
  );
  return {
    DATA_DIR: join(directory, 'data'),
    PROVIDERS_FILE: providersFile,
    OPENAI_API_KEY: 'load-key',
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'error',
    RATE_LIMIT_MESSAGES_PER_MINUTE: unlimited,
    RATE_LIMIT_REQUESTS_PER_MINUTE: unlimited,
    RATE_LIMIT_SESSIONS_PER_MINUTE: unlimited,
    MAX_CONNECTIONS_PER_IP: unlimited,
    MAX_CONNECTIONS_PER_LISTENER: unlimited,
  };
}
