import { type DeploymentSettings, isFallback } from '../deployments/deployment.js';
import { costUsd } from '../deployments/pricing.js';
import { circuitState, emptyHealthRecord, type HealthRecord } from './health/index.js';
import type { RoutingPolicy } from './routing-policy.js';

export interface SelectionInput<T extends DeploymentSettings> {
  deployments: readonly T[];
  health: ReadonlyMap<string, HealthRecord>;
  policy: RoutingPolicy;
  promptTokens: number;
  expectedOutputTokens: number;
  now: number;
  /** Already tried in this request: chosen again only when nothing untried is available. */
  tried?: ReadonlySet<string>;
  /** Never again in this request (non-retryable failure, retries spent, probe lost). */
  excluded?: ReadonlySet<string>;
  /** A number in [0, 1) that decides whether to explore; below explorationShare explores. */
  explorationDraw?: number;
  explorationShare?: number;
  /** A deployment unused for this long counts as idle, worth exploring. */
  idleMs?: number;
}

export interface CandidateScore {
  id: string;
  expectedCostUsd: number;
  expectedLatencyMs: number;
  ttftMs: number | null;
  score: number | null;
  skipped?: string;
}

export interface Selection<T extends DeploymentSettings> {
  deployment: T | null;
  reason: string;
  /** True when the circuit is half-open: the request is the probe that may close it. */
  probe: boolean;
  /** True when an idle deployment was picked to measure it, not for its score. */
  explored: boolean;
  scores: CandidateScore[];
}

/** Priors for deployments without traffic yet, so they can be compared with measured ones. */
const defaultTtftMs = 1000;
const defaultOutputTokensPerSecond = 50;
/** Smoothing for ratios against the best value: a $0 or 1 ms best would make every ratio explode. */
const costSmoothingUsd = 0.00001;
const latencySmoothingMs = 50;

/** Measured values of one average (plain loop: flatMap is ten times slower on the hot path). */
function measured(
  records: readonly HealthRecord[],
  field: 'ttftMsEwma' | 'outputTokensPerSecondEwma',
): number[] {
  const values: number[] = [];
  for (const record of records) {
    const value = record[field];
    if (value !== null) values.push(value);
  }
  return values;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)];
}

function skipReason(
  deployment: DeploymentSettings,
  record: HealthRecord,
  input: SelectionInput<DeploymentSettings>,
) {
  if (input.excluded?.has(deployment.id)) return 'failed in this request';
  if (input.promptTokens + Math.min(input.expectedOutputTokens, 256) > deployment.contextWindow) {
    return `prompt of ${input.promptTokens} tokens exceeds context window ${deployment.contextWindow}`;
  }
  const state = circuitState(record, input.now);
  if (state === 'open')
    return `circuit open for ${Math.ceil(((record.cooldownUntil ?? 0) - input.now) / 1000)}s`;
  if (state === 'half-open' && record.probeUntil !== null && record.probeUntil > input.now) {
    return 'half-open, probe in flight';
  }
  if (deployment.weight <= 0) return 'weight 0';
  return undefined;
}

/**
 * Picks the deployment for one attempt. Pure: health, time and the exploration draw come in, so the
 * same inputs give the same choice and the reason can be tested. Tiers keep the order of preference:
 * untried primaries, then primaries already tried (a retry), then the fallback.
 */
export function selectDeployment<T extends DeploymentSettings>(input: SelectionInput<T>): Selection<T> {
  const records = input.deployments.map(
    (deployment) => input.health.get(deployment.id) ?? emptyHealthRecord(),
  );
  const ttftPrior = median(measured(records, 'ttftMsEwma'));
  const speedPrior = median(measured(records, 'outputTokensPerSecondEwma'));

  const scores: CandidateScore[] = [];
  const eligible: Array<{ deployment: T; record: HealthRecord; score: CandidateScore }> = [];
  input.deployments.forEach((deployment, index) => {
    const record = records[index] ?? emptyHealthRecord();
    const ttft = record.ttftMsEwma ?? ttftPrior ?? defaultTtftMs;
    const speed = record.outputTokensPerSecondEwma ?? speedPrior ?? defaultOutputTokensPerSecond;
    const score: CandidateScore = {
      id: deployment.id,
      expectedCostUsd: costUsd(deployment, input.promptTokens, input.expectedOutputTokens),
      expectedLatencyMs: ttft + (input.expectedOutputTokens / Math.max(speed, 0.1)) * 1000,
      ttftMs: record.ttftMsEwma,
      score: null,
    };
    const skipped = skipReason(deployment, record, input);
    if (skipped) score.skipped = skipped;
    else eligible.push({ deployment, record, score });
    scores.push(score);
  });

  const tiers = [
    {
      label: '',
      members: eligible.filter(
        (item) => !isFallback(item.deployment) && !input.tried?.has(item.deployment.id),
      ),
    },
    {
      label: 'retry',
      members: eligible.filter(
        (item) => !isFallback(item.deployment) && input.tried?.has(item.deployment.id),
      ),
    },
    {
      // With nothing but the fallback configured (a fresh install) it is simply the deployment.
      label: input.deployments.every(isFallback) ? '' : 'last resort',
      members: eligible.filter((item) => isFallback(item.deployment)),
    },
  ];
  const tier = tiers.find((candidate) => candidate.members.length > 0);
  if (!tier) {
    return { deployment: null, reason: 'no deployment available', probe: false, explored: false, scores };
  }

  const explored = explore(tier.members, input);
  if (explored) {
    return {
      deployment: explored.deployment,
      reason: `${input.policy.name}: exploring idle deployment (${describeTtft(explored.record)})`,
      probe: circuitState(explored.record, input.now) === 'half-open',
      explored: true,
      scores,
    };
  }

  score(tier.members, input.policy);
  const best = tier.members.reduce((left, right) =>
    (right.score.score ?? 0) < (left.score.score ?? 0) ? right : left,
  );
  const probe = circuitState(best.record, input.now) === 'half-open';
  const reason = explain(best, tier, input.policy, probe);
  return { deployment: best.deployment, reason, probe, explored: false, scores };
}

type Member<T> = { deployment: T; record: HealthRecord; score: CandidateScore };

function score<T extends DeploymentSettings>(members: Member<T>[], policy: RoutingPolicy): void {
  const minimumCost = Math.min(...members.map((item) => item.score.expectedCostUsd));
  const minimumLatency = Math.min(...members.map((item) => item.score.expectedLatencyMs));
  for (const item of members) {
    const costRatio = (item.score.expectedCostUsd + costSmoothingUsd) / (minimumCost + costSmoothingUsd);
    const latencyRatio =
      (item.score.expectedLatencyMs + latencySmoothingMs) / (minimumLatency + latencySmoothingMs);
    const weighted = policy.weights.cost * costRatio + policy.weights.latency * latencyRatio;
    item.score.score = weighted / item.deployment.weight;
  }
}

function explore<T extends DeploymentSettings>(
  members: Member<T>[],
  input: SelectionInput<T>,
): Member<T> | undefined {
  const share = input.explorationShare ?? 0;
  const draw = input.explorationDraw ?? 1;
  if (members.length < 2 || draw >= share) return undefined;
  const idleMs = input.idleMs ?? 60_000;
  const idle = members.filter(
    (item) =>
      item.record.ttftMsEwma === null ||
      item.record.lastUsedAt === null ||
      input.now - item.record.lastUsedAt > idleMs,
  );
  if (idle.length === 0) return undefined;
  // Reuses the draw (uniform below share) to pick among idle deployments without another random source.
  return idle[Math.min(idle.length - 1, Math.floor((draw / share) * idle.length))];
}

function describeTtft(record: HealthRecord): string {
  return record.ttftMsEwma === null ? 'ttft unmeasured' : `ttft ${Math.round(record.ttftMsEwma)}ms`;
}

function explain<T extends DeploymentSettings>(
  best: Member<T>,
  tier: { label: string; members: Member<T>[] },
  policy: RoutingPolicy,
  probe: boolean,
): string {
  const cheapest = tier.members.every((item) => best.score.expectedCostUsd <= item.score.expectedCostUsd);
  const fastest = tier.members.every((item) => best.score.expectedLatencyMs <= item.score.expectedLatencyMs);
  let why = 'best cost/latency trade-off';
  if (tier.members.length === 1) why = 'only healthy deployment';
  else if (cheapest && fastest) why = 'cheapest and fastest healthy';
  else if (cheapest) why = 'cheapest healthy';
  else if (fastest) why = 'fastest healthy';
  const prefix = tier.label ? `${tier.label}, ` : '';
  const cost = `est. $${best.score.expectedCostUsd.toFixed(6)}`;
  const suffix = probe ? ', half-open probe' : '';
  return `${policy.name}: ${prefix}${why}, ${describeTtft(best.record)}, ${cost}${suffix}`;
}
