import { describe, expect, it } from 'vitest';
import {
  circuitState,
  claimProbe,
  defaultBreakerSettings,
  emptyHealthRecord,
  type HealthRecord,
  isAvailable,
  recordAttempt,
} from '../../../../src/providers/router/health/index.js';

const settings = defaultBreakerSettings;
const start = 1_000_000;
const serverError = {
  outcome: 'error',
  failure: { message: 'HTTP 500', retryable: true, status: 500 },
  costUsd: 0,
} as const;
const success = { outcome: 'ok', ttftMs: 200, outputTokensPerSecond: 40, costUsd: 0.001 } as const;

function apply(
  record: HealthRecord,
  reports: ReadonlyArray<Parameters<typeof recordAttempt>[1]>,
  at = start,
) {
  return reports.reduce((current, report) => recordAttempt(current, report, at, settings), record);
}

describe('circuit breaker', () => {
  it('stays closed below the consecutive-failure threshold and opens at it', () => {
    const twice = apply(emptyHealthRecord(), [serverError, serverError]);
    expect(circuitState(twice, start)).toBe('closed');
    const thrice = apply(twice, [serverError]);
    expect(circuitState(thrice, start)).toBe('open');
    expect(thrice.cooldownUntil).toBe(start + settings.baseCooldownMs);
  });

  it('opens on a high rolling error rate even without consecutive failures', () => {
    const mixed = apply(emptyHealthRecord(), [
      success,
      serverError,
      serverError,
      success,
      serverError,
      serverError,
    ]);
    expect(mixed.consecutiveFailures).toBe(2);
    expect(circuitState(mixed, start)).toBe('open');
  });

  it('forgets failures that left the rolling window', () => {
    const old = apply(emptyHealthRecord(), [
      serverError,
      serverError,
      success,
      serverError,
      serverError,
      success,
    ]);
    const later = recordAttempt(old, serverError, start + settings.windowMs + 1, settings);
    expect(later.recent).toHaveLength(1);
  });

  it('uses Retry-After as the cooldown on a 429', () => {
    const limited = recordAttempt(
      emptyHealthRecord(),
      {
        outcome: 'error',
        failure: { message: '429', retryable: true, status: 429, retryAfterSeconds: 42 },
        costUsd: 0,
      },
      start,
      settings,
    );
    expect(circuitState(limited, start + 41_999)).toBe('open');
    expect(circuitState(limited, start + 42_000)).toBe('half-open');
  });

  it('lets exactly one probe through when half-open; success closes, failure reopens for twice as long', () => {
    const open = apply(emptyHealthRecord(), [serverError, serverError, serverError]);
    const later = start + settings.baseCooldownMs;
    expect(isAvailable(open, later)).toBe(true);
    const probing = claimProbe(open, later, settings);
    expect(probing).not.toBeNull();
    if (!probing) return;
    expect(claimProbe(probing, later, settings)).toBeNull();
    expect(isAvailable(probing, later)).toBe(false);

    expect(circuitState(recordAttempt(probing, success, later, settings), later)).toBe('closed');
    const reopened = recordAttempt(probing, serverError, later, settings);
    expect(circuitState(reopened, later)).toBe('open');
    expect(reopened.cooldownUntil).toBe(later + settings.baseCooldownMs * 2);
  });

  it('averages latency with an EWMA and counts requests and cost', () => {
    const record = apply(emptyHealthRecord(), [success, { ...success, ttftMs: 400 }]);
    expect(record.ttftMsEwma).toBeCloseTo(200 + settings.ewmaAlpha * 200);
    expect(record.requests).toBe(2);
    expect(record.costUsd).toBeCloseTo(0.002);
  });

  it('does not count a cancelled attempt as a failure but releases the probe', () => {
    const probing = { ...emptyHealthRecord(), cooldownUntil: start - 1, probeUntil: start + 1000 };
    const after = recordAttempt(probing, { outcome: 'cancelled', costUsd: 0 }, start, settings);
    expect(after.consecutiveFailures).toBe(0);
    expect(after.probeUntil).toBeNull();
  });
});
