import type {
  Deployment,
  RoutedRequest,
  RouterMetrics,
  RouterSettings,
  RoutingPolicy,
} from '../../../src/providers/index.js';
import { parseRoutingPolicy, Router } from '../../../src/providers/index.js';
import { MemoryHealthStore } from '../../../src/providers/router/health/index.js';
import { type AdapterKind, modelFor } from './models.js';
import { silentLogger } from './silent-logger.js';
import { recommendTool } from './tools.js';

export function fakeDeployment(
  id: string,
  kind: AdapterKind,
  baseURL: string,
  overrides: Partial<Omit<Deployment, 'languageModel'>> = {},
): Deployment {
  return {
    id,
    provider: kind,
    model: `${id}-model`,
    inputPricePerMillion: 1,
    outputPricePerMillion: 2,
    contextWindow: 128_000,
    weight: 1,
    tags: [],
    ...overrides,
    languageModel: modelFor(kind, baseURL, `${id}-model`),
  };
}

export interface TestClock {
  now: () => number;
  advance(milliseconds: number): void;
}

export function testClock(start = Date.parse('2026-01-01T00:00:00Z')): TestClock {
  let current = start;
  return {
    now: () => current,
    advance: (milliseconds) => {
      current += milliseconds;
    },
  };
}

/** A router with fast timeouts and backoff, no exploration unless asked, and its own health store. */
export function testRouter(
  deployments: Deployment[],
  options: {
    policy?: string | RoutingPolicy;
    settings?: Partial<RouterSettings>;
    clock?: TestClock;
    random?: () => number;
    metrics?: RouterMetrics;
  } = {},
) {
  const health = new MemoryHealthStore();
  const policy = typeof options.policy === 'string' ? parseRoutingPolicy(options.policy) : options.policy;
  const router = new Router({
    deployments,
    logger: silentLogger(),
    health,
    ...(policy ? { policy } : {}),
    settings: {
      firstTokenTimeoutMs: 2_000,
      idleTimeoutMs: 2_000,
      backoffBaseMs: 5,
      backoffMaxMs: 20,
      explorationShare: 0,
      ...options.settings,
    },
    ...(options.clock ? { now: options.clock.now } : {}),
    random: options.random ?? (() => 0.5),
    metrics: options.metrics,
  });
  return { router, health };
}

export function userRequest(overrides: Partial<RoutedRequest> = {}): RoutedRequest {
  return {
    messages: [{ role: 'user', content: 'calm jazz to study' }],
    tools: [recommendTool],
    signal: new AbortController().signal,
    userId: 'listener-1',
    ...overrides,
  };
}
