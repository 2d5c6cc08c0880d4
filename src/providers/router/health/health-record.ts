/**
 * What the router knows about one deployment, from real traffic. Plain JSON (times are epoch
 * milliseconds) so a shared store can keep it as one value.
 */
export interface HealthRecord {
  consecutiveFailures: number;
  /** Recent outcomes, oldest first, for the rolling error rate. */
  recent: Array<{ at: number; ok: boolean }>;
  /** While in the future the circuit is open; once past, half-open until a request succeeds. */
  cooldownUntil: number | null;
  /** How many times in a row the circuit opened: each opening doubles the cooldown. */
  openings: number;
  /** A half-open probe is in flight until then; others keep away. */
  probeUntil: number | null;
  ttftMsEwma: number | null;
  outputTokensPerSecondEwma: number | null;
  requests: number;
  costUsd: number;
  lastUsedAt: number | null;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export function emptyHealthRecord(): HealthRecord {
  return {
    consecutiveFailures: 0,
    recent: [],
    cooldownUntil: null,
    openings: 0,
    probeUntil: null,
    ttftMsEwma: null,
    outputTokensPerSecondEwma: null,
    requests: 0,
    costUsd: 0,
    lastUsedAt: null,
  };
}

export function circuitState(record: HealthRecord, now: number): CircuitState {
  if (record.cooldownUntil === null) return 'closed';
  return now < record.cooldownUntil ? 'open' : 'half-open';
}

export function errorRate(
  record: HealthRecord,
  now: number,
  windowMs: number,
): { rate: number; count: number } {
  const inWindow = record.recent.filter((outcome) => now - outcome.at <= windowMs);
  if (inWindow.length === 0) return { rate: 0, count: 0 };
  const failures = inWindow.filter((outcome) => !outcome.ok).length;
  return { rate: failures / inWindow.length, count: inWindow.length };
}

/** True when a request may go there now: closed, or half-open with no probe in flight. */
export function isAvailable(record: HealthRecord, now: number): boolean {
  const state = circuitState(record, now);
  if (state === 'closed') return true;
  return state === 'half-open' && (record.probeUntil === null || record.probeUntil <= now);
}
