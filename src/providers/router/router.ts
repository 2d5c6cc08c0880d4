import { EchoError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { DeploymentStatus, ModelRouter, RoutedRequest, RouterEvent } from '../contract.js';
import { type Deployment, isFallback } from '../deployments/deployment.js';
import { abortableDelay } from '../stream-helpers/abortable-delay.js';
import { estimatePromptTokens } from '../stream-helpers/token-estimate.js';
import {
  type AttemptReport,
  type BreakerSettings,
  circuitState,
  claimProbe,
  defaultBreakerSettings,
  emptyHealthRecord,
  errorRate,
  type HealthRecord,
  type HealthStore,
  MemoryHealthStore,
  recordAttempt,
} from './health/index.js';
import type { RouteCause, RouterMetrics } from './router-metrics.js';
import { namedPolicies, type RoutingPolicy } from './routing-policy.js';
import { type AttemptResult, runAttempt } from './run-attempt.js';
import { type Selection, selectDeployment } from './select-deployment.js';
import { streamContinuation } from './stream-continuation.js';

export interface RouterSettings {
  /** Longest wait for an attempt's first text or tool call before failing over. */
  firstTokenTimeoutMs: number;
  /** Longest silence inside a started stream before continuing elsewhere. */
  idleTimeoutMs: number;
  /** Attempts on configured deployments per request; the fallback may add one more. */
  maxAttempts: number;
  /** Attempts on one deployment per request (a retry comes only when nothing untried is left). */
  attemptsPerDeployment: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Share of requests sent to an idle deployment to measure it. */
  explorationShare: number;
  idleMs: number;
  /** Output tokens expected before any traffic is measured. */
  expectedOutputTokens: number;
}

export const defaultRouterSettings: RouterSettings = {
  firstTokenTimeoutMs: 20_000,
  idleTimeoutMs: 15_000,
  maxAttempts: 4,
  attemptsPerDeployment: 2,
  backoffBaseMs: 250,
  backoffMaxMs: 4_000,
  explorationShare: 0.05,
  idleMs: 5 * 60_000,
  expectedOutputTokens: 300,
};

export interface RouterOptions {
  deployments: Deployment[];
  logger: Logger;
  policy?: RoutingPolicy;
  health?: HealthStore;
  settings?: Partial<RouterSettings>;
  breaker?: Partial<BreakerSettings>;
  /** Injected for deterministic tests: exploration draws and backoff jitter. */
  random?: () => number;
  now?: () => number;
  /** Where decisions and attempts are counted (the service's metrics). */
  metrics?: RouterMetrics;
}

interface RequestState {
  tried: Set<string>;
  excluded: Set<string>;
  failures: Map<string, number>;
  /** Text already delivered to the listener in this step. */
  delivered: string;
  primaryAttempts: number;
  attempts: number;
  lastFailure: string | undefined;
  log: Logger;
}

/**
 * Routes each model step to the deployment the policy prefers among the healthy ones, and keeps the
 * step alive through failures: failover before the first token, continuation after it, retries with
 * jittered backoff, circuit breakers shared through the health store.
 */
export class Router implements ModelRouter {
  private readonly deployments: Deployment[];
  private readonly ids: string[];
  private readonly logger: Logger;
  private readonly policy: RoutingPolicy;
  private readonly health: HealthStore;
  private readonly settings: RouterSettings;
  private readonly breaker: BreakerSettings;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly metrics: RouterMetrics | undefined;
  private expectedOutputTokens: number;

  constructor(options: RouterOptions) {
    if (options.deployments.length === 0) throw new Error('the router needs at least one deployment');
    this.deployments = options.deployments;
    this.ids = options.deployments.map((deployment) => deployment.id);
    this.logger = options.logger;
    this.policy = options.policy ?? { name: 'balanced', weights: { ...namedPolicies.balanced } };
    this.health = options.health ?? new MemoryHealthStore();
    this.settings = { ...defaultRouterSettings, ...options.settings };
    this.breaker = { ...defaultBreakerSettings, ...options.breaker };
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics;
    this.expectedOutputTokens = this.settings.expectedOutputTokens;
  }

  async *stream(request: RoutedRequest): AsyncIterable<RouterEvent> {
    const promptTokens = estimatePromptTokens(request.messages, request.tools);
    const state: RequestState = {
      tried: new Set(),
      excluded: new Set(),
      failures: new Map(),
      delivered: request.continueFrom ?? '',
      primaryAttempts: 0,
      attempts: 0,
      lastFailure: undefined,
      log: request.logger ?? this.logger,
    };
    while (true) {
      if (request.signal.aborted) throw new EchoError('cancelled');
      const deployment = await this.choose(request, state, promptTokens);
      if (!deployment) break;
      if (deployment.retry) await this.backoff(deployment.value.id, state, request.signal);
      state.attempts += 1;
      this.metrics?.routed({ ...deploymentLabels(deployment.value), cause: deployment.cause });
      yield {
        type: 'route',
        deploymentId: deployment.value.id,
        provider: deployment.value.provider,
        model: deployment.value.model,
        reason: state.lastFailure
          ? `${deployment.reason}; failover after: ${state.lastFailure}`
          : deployment.reason,
        attempt: state.attempts,
      };
      const result = yield* streamContinuation(
        runAttempt(
          deployment.value,
          {
            messages: request.messages,
            tools: request.tools,
            signal: request.signal,
            ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
            ...(state.delivered ? { continueFrom: state.delivered } : {}),
          },
          { firstTokenMs: this.settings.firstTokenTimeoutMs, idleMs: this.settings.idleTimeoutMs },
          promptTokens,
        ),
        state.delivered,
      );
      state.delivered += result.delivered;
      this.metrics?.attempted(result.attempt);
      yield { type: 'attempt', attempt: result.attempt };
      await this.record(deployment.value, result, state.log);
      if (result.attempt.outcome === 'cancelled') throw new EchoError('cancelled');
      if (result.attempt.outcome === 'ok') {
        yield { type: 'finish', reason: result.finishReason ?? 'stop' };
        return;
      }
      this.noteFailure(deployment.value, result, state);
      // Tool calls arrive complete; once one is out, the step has its answer even if the stream broke.
      if (result.toolCalls > 0) {
        yield { type: 'finish', reason: 'tool-calls' };
        return;
      }
    }
    if (state.attempts === 0) throw new EchoError('unavailable', 'No language model deployment is available');
    throw new EchoError(
      'provider_error',
      `Every model attempt failed (last: ${state.lastFailure ?? 'unknown'})`,
    );
  }

  private async choose(
    request: RoutedRequest,
    state: RequestState,
    promptTokens: number,
  ): Promise<{ value: Deployment; reason: string; retry: boolean; cause: RouteCause } | null> {
    while (true) {
      const excluded = new Set(state.excluded);
      if (state.primaryAttempts >= this.settings.maxAttempts) {
        for (const deployment of this.deployments) if (!isFallback(deployment)) excluded.add(deployment.id);
      }
      const now = this.now();
      const selection = selectDeployment({
        deployments: this.deployments,
        health: await this.readHealth(state.log),
        policy: this.policy,
        promptTokens,
        expectedOutputTokens: Math.min(
          request.maxOutputTokens ?? Number.POSITIVE_INFINITY,
          this.expectedOutputTokens,
        ),
        now,
        tried: state.tried,
        excluded,
        explorationDraw: state.attempts === 0 ? this.random() : 1,
        explorationShare: this.settings.explorationShare,
        idleMs: this.settings.idleMs,
      });
      state.log.debug(
        {
          userId: request.userId,
          chosen: selection.deployment?.id ?? null,
          reason: selection.reason,
          scores: selection.scores,
        },
        'routing decision',
      );
      if (!selection.deployment) return null;
      const chosen = selection.deployment;
      if (selection.probe) {
        // Another request (maybe on another instance) holds the probe: look elsewhere.
        if (!(await this.claimProbe(chosen.id, state.log))) {
          state.excluded.add(chosen.id);
          continue;
        }
      }
      const retry = state.tried.has(chosen.id);
      const cause = this.causeOf(selection, chosen, retry, state.lastFailure !== undefined);
      return { value: chosen, reason: selection.reason, retry, cause };
    }
  }

  private causeOf(
    selection: Selection<Deployment>,
    chosen: Deployment,
    retry: boolean,
    failedOver: boolean,
  ): RouteCause {
    if (selection.probe) return 'probe';
    if (retry) return 'retry';
    // With nothing but the fallback configured (a fresh install) it is simply the policy's choice.
    if (isFallback(chosen) && !this.deployments.every(isFallback)) return 'last_resort';
    if (failedOver) return 'failover';
    return selection.explored ? 'exploration' : 'policy';
  }

  /** Shared health is advisory: if the store fails, route on what this instance last saw. */
  private async readHealth(log: Logger): Promise<Map<string, HealthRecord>> {
    try {
      return await this.health.read(this.ids);
    } catch (error) {
      log.warn({ error: String(error) }, 'could not read deployment health; using the last known');
      return new Map(this.ids.map((id) => [id, this.health.cached(id) ?? emptyHealthRecord()]));
    }
  }

  private async claimProbe(id: string, log: Logger): Promise<boolean> {
    try {
      const claim = await this.health.update(id, (record) => claimProbe(record, this.now(), this.breaker));
      return claim.applied;
    } catch (error) {
      log.warn({ deploymentId: id, error: String(error) }, 'could not claim the half-open probe');
      return true;
    }
  }

  private async backoff(id: string, state: RequestState, signal: AbortSignal): Promise<void> {
    const failures = state.failures.get(id) ?? 1;
    const ceiling = Math.min(this.settings.backoffMaxMs, this.settings.backoffBaseMs * 2 ** (failures - 1));
    // Jitter spreads retries of many listeners hitting the same outage.
    const delay = ceiling * (0.5 + this.random() * 0.5);
    if (!(await abortableDelay(delay, signal))) throw new EchoError('cancelled');
  }

  private noteFailure(deployment: Deployment, result: AttemptResult, state: RequestState): void {
    const failures = (state.failures.get(deployment.id) ?? 0) + 1;
    state.failures.set(deployment.id, failures);
    state.tried.add(deployment.id);
    if (!isFallback(deployment)) state.primaryAttempts += 1;
    const retryable = result.failure?.retryable ?? true;
    if (!retryable || failures >= this.settings.attemptsPerDeployment || isFallback(deployment)) {
      state.excluded.add(deployment.id);
    }
    state.lastFailure = `${deployment.id}: ${result.failure?.message ?? 'failed'}`;
    state.log.warn(
      {
        deploymentId: deployment.id,
        error: result.failure?.message,
        status: result.failure?.status,
        retryable,
      },
      'model attempt failed',
    );
  }

  private async record(deployment: Deployment, result: AttemptResult, log: Logger): Promise<void> {
    const { attempt } = result;
    const report: AttemptReport =
      attempt.outcome === 'ok'
        ? {
            outcome: 'ok',
            ttftMs: attempt.ttftMs,
            outputTokensPerSecond: result.outputTokensPerSecond,
            costUsd: attempt.costUsd,
          }
        : attempt.outcome === 'error'
          ? {
              outcome: 'error',
              failure: result.failure ?? { message: 'failed', retryable: true },
              costUsd: attempt.costUsd,
            }
          : { outcome: 'cancelled', costUsd: attempt.costUsd };
    if (attempt.outcome === 'ok' && attempt.outputTokens > 0) {
      this.expectedOutputTokens +=
        this.breaker.ewmaAlpha * (attempt.outputTokens - this.expectedOutputTokens);
    }
    try {
      await this.health.update(deployment.id, (record) =>
        recordAttempt(record, report, this.now(), this.breaker),
      );
    } catch (error) {
      // Shared health is advisory: a Redis hiccup must not fail the listener's turn.
      log.warn({ deploymentId: deployment.id, error: String(error) }, 'could not record deployment health');
    }
  }

  status(): DeploymentStatus[] {
    const now = this.now();
    return this.deployments.map((deployment) => {
      const record = this.health.cached(deployment.id) ?? emptyHealthRecord();
      const circuit = circuitState(record, now);
      return {
        id: deployment.id,
        provider: deployment.provider,
        model: deployment.model,
        circuit,
        ttftMsEwma: record.ttftMsEwma === null ? null : Math.round(record.ttftMsEwma),
        outputTokensPerSecondEwma:
          record.outputTokensPerSecondEwma === null
            ? null
            : Math.round(record.outputTokensPerSecondEwma * 10) / 10,
        errorRate: errorRate(record, now, this.breaker.windowMs).rate,
        requests: record.requests,
        costUsd: record.costUsd,
        cooldownUntil:
          circuit === 'open' && record.cooldownUntil ? new Date(record.cooldownUntil).toISOString() : null,
      };
    });
  }

  /** Stops using the health store (its connection, if any, belongs to whoever made it). */
  async close(): Promise<void> {
    await this.health.close();
  }
}

function deploymentLabels(deployment: Deployment) {
  return { deploymentId: deployment.id, provider: deployment.provider, model: deployment.model };
}
