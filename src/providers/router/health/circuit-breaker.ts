import type { ProviderFailure } from '../../contract.js';
import { circuitState, errorRate, type HealthRecord } from './health-record.js';

export interface BreakerSettings {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** Error rate over the window that opens it, once the window holds minimumRequests outcomes. */
  errorRateThreshold: number;
  minimumRequests: number;
  windowMs: number;
  windowSize: number;
  /** First cooldown; it doubles on each reopening, up to maxCooldownMs. */
  baseCooldownMs: number;
  maxCooldownMs: number;
  /** How long a half-open probe holds the deployment before another may try. */
  probeLeaseMs: number;
  /** Weight of the newest sample in the latency averages. */
  ewmaAlpha: number;
}

export const defaultBreakerSettings: BreakerSettings = {
  failureThreshold: 3,
  errorRateThreshold: 0.5,
  minimumRequests: 6,
  windowMs: 60_000,
  windowSize: 50,
  baseCooldownMs: 5_000,
  maxCooldownMs: 120_000,
  probeLeaseMs: 30_000,
  ewmaAlpha: 0.3,
};

export type AttemptReport =
  | { outcome: 'ok'; ttftMs: number | null; outputTokensPerSecond: number | null; costUsd: number }
  | { outcome: 'error'; failure: ProviderFailure; costUsd: number }
  | { outcome: 'cancelled'; costUsd: number };

function ewma(previous: number | null, sample: number | null, alpha: number): number | null {
  if (sample === null || !Number.isFinite(sample)) return previous;
  return previous === null ? sample : previous + alpha * (sample - previous);
}

function pushOutcome(
  record: HealthRecord,
  ok: boolean,
  now: number,
  settings: BreakerSettings,
): HealthRecord['recent'] {
  return [...record.recent, { at: now, ok }]
    .filter((outcome) => now - outcome.at <= settings.windowMs)
    .slice(-settings.windowSize);
}

function cooldownFor(openings: number, settings: BreakerSettings): number {
  return Math.min(settings.maxCooldownMs, settings.baseCooldownMs * 2 ** openings);
}

function shouldOpen(record: HealthRecord, now: number, settings: BreakerSettings): boolean {
  if (record.consecutiveFailures >= settings.failureThreshold) return true;
  const { rate, count } = errorRate(record, now, settings.windowMs);
  return count >= settings.minimumRequests && rate >= settings.errorRateThreshold;
}

/** The record after one attempt: latency averages, error window and circuit transitions. */
export function recordAttempt(
  record: HealthRecord,
  report: AttemptReport,
  now: number,
  settings: BreakerSettings = defaultBreakerSettings,
): HealthRecord {
  const base: HealthRecord = {
    ...record,
    requests: record.requests + 1,
    costUsd: record.costUsd + report.costUsd,
    lastUsedAt: now,
    probeUntil: null,
  };
  if (report.outcome === 'cancelled') return base;
  if (report.outcome === 'ok') return recordSuccess(base, report, now, settings);
  return recordFailure(base, report.failure, now, settings);
}

function recordSuccess(
  record: HealthRecord,
  report: Extract<AttemptReport, { outcome: 'ok' }>,
  now: number,
  settings: BreakerSettings,
): HealthRecord {
  // A success closes a half-open circuit; an open one (another instance just opened it) stays open.
  const closes = circuitState(record, now) !== 'open';
  return {
    ...record,
    consecutiveFailures: 0,
    recent: pushOutcome(record, true, now, settings),
    cooldownUntil: closes ? null : record.cooldownUntil,
    openings: closes ? 0 : record.openings,
    ttftMsEwma: ewma(record.ttftMsEwma, report.ttftMs, settings.ewmaAlpha),
    outputTokensPerSecondEwma: ewma(
      record.outputTokensPerSecondEwma,
      report.outputTokensPerSecond,
      settings.ewmaAlpha,
    ),
  };
}

function recordFailure(
  record: HealthRecord,
  failure: ProviderFailure,
  now: number,
  settings: BreakerSettings,
): HealthRecord {
  const wasHalfOpen = circuitState(record, now) === 'half-open';
  const next: HealthRecord = {
    ...record,
    consecutiveFailures: record.consecutiveFailures + 1,
    recent: pushOutcome(record, false, now, settings),
  };
  if (failure.retryAfterSeconds !== undefined) {
    // The provider said when to come back: that is the cooldown, whatever the counters say.
    const until = now + failure.retryAfterSeconds * 1000;
    return {
      ...next,
      cooldownUntil: Math.max(until, record.cooldownUntil ?? 0),
      openings: record.openings + 1,
    };
  }
  if (wasHalfOpen || shouldOpen(next, now, settings)) {
    return {
      ...next,
      cooldownUntil: now + cooldownFor(record.openings, settings),
      openings: record.openings + 1,
    };
  }
  return next;
}

/** Claims the one half-open probe, or null when another request already holds it. */
export function claimProbe(
  record: HealthRecord,
  now: number,
  settings: BreakerSettings,
): HealthRecord | null {
  if (circuitState(record, now) !== 'half-open') return record;
  if (record.probeUntil !== null && record.probeUntil > now) return null;
  return { ...record, probeUntil: now + settings.probeLeaseMs };
}
