import { printTable } from '../print-table.js';
import { percentile } from '../turn-overhead/turns.js';
import type { FanoutResult, FanoutSide } from './fanout.js';
import type { LatencyResult } from './latency.js';

/** EchoTune p99 − bare p99 must stay within this (ms). */
export const LATENCY_TARGET_MS = 5;
/** EchoTune's deltas per second must reach this share of the bare servers'. */
export const FANOUT_TARGET = 0.8;

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '—');
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const whole = (value: number) => Math.round(value).toLocaleString('en-US');
const percent = (value: number) => `${Math.round(value * 100)} %`;
const calls = (side: FanoutSide) =>
  Object.values(side.redisCalls).reduce((sum, value) => sum + value, 0) / side.perSecond.length;

export function addedP99(result: LatencyResult): number {
  return percentile(result.echotune.delays, 99) - percentile(result.bare.delays, 99);
}

export function fanoutRatio(result: FanoutResult): number {
  return mean(result.echotune.perSecond) / mean(result.bare.perSecond);
}

export function printLatency(results: LatencyResult[], turnMs: number): void {
  console.log(
    "\nCross-instance delivery: a delta's arrival at the tab on instance 1 minus its arrival at the tab on " +
      'instance 0 (where the turn runs), ms. One session streaming (~20 deltas/s). Bare: two plain Socket.io',
  );
  console.log(
    `servers with the same adapter, one emitting frames of the same size at the same pace (${turnMs} ms ` +
      'per reply). Negative delays: the local copy left after the Redis write.',
  );
  printTable(
    [
      'adapter',
      'deltas',
      'EchoTune p50',
      'EchoTune p99',
      'bare p50',
      'bare p99',
      'added p50',
      'added p99',
      'added p99 per round',
      'missed at 2nd tab (EchoTune / bare)',
    ],
    results.map(({ adapter, echotune, bare }) => [
      adapter,
      `${echotune.delays.length} / ${bare.delays.length}`,
      ms(percentile(echotune.delays, 50)),
      ms(percentile(echotune.delays, 99)),
      ms(percentile(bare.delays, 50)),
      ms(percentile(bare.delays, 99)),
      ms(percentile(echotune.delays, 50) - percentile(bare.delays, 50)),
      ms(percentile(echotune.delays, 99) - percentile(bare.delays, 99)),
      echotune.roundP99s.map((p99, round) => (p99 - bare.roundP99s[round]!).toFixed(1)).join(', '),
      `${echotune.missing} / ${bare.missing}`,
    ]),
    'right',
  );
}

export function printFanout(results: FanoutResult[]): void {
  console.log(
    '\nDelta fan-out: turn:delta events received per second across all clients (all sessions streaming on ' +
      'instance 0, tabs spread round-robin).',
  );
  console.log(
    'Offered: what they would get with no break between replies (EchoTune pauses briefly between turns). ' +
      'Text: reply characters',
  );
  console.log(
    "received per second, EchoTune / bare: EchoTune's pacing (DELTA_FRAMES_PER_SECOND) merges frames when " +
      'many replies stream on one instance, which lowers deltas/s but not text.',
  );
  printTable(
    [
      'adapter',
      'instances',
      'clients',
      'sessions',
      'offered/s',
      'EchoTune/s',
      'bare/s',
      'EchoTune / bare',
      'per round',
      'text EchoTune / bare',
      'missed (EchoTune / bare)',
    ],
    results.map((result) => [
      result.adapter,
      String(result.instances),
      String(result.clients),
      String(result.sessions),
      whole(result.offeredPerSecond),
      whole(mean(result.echotune.perSecond)),
      whole(mean(result.bare.perSecond)),
      percent(fanoutRatio(result)),
      result.echotune.perSecond
        .map((value, round) => percent(value / result.bare.perSecond[round]!))
        .join(', '),
      percent(mean(result.echotune.charsPerSecond) / mean(result.bare.charsPerSecond)),
      `${result.echotune.missing} / ${result.bare.missing}`,
    ]),
    'right',
  );
  console.log("\nWhat the fan-out costs (CPU of the side's server processes summed; Redis; this process):");
  const perThousand = (side: FanoutSide) => (1000 * mean(side.serverCpu)) / mean(side.perSecond);
  printTable(
    [
      'adapter',
      'instances',
      'EchoTune CPU ms/s',
      'bare CPU ms/s',
      'EchoTune CPU ms per 1k deltas',
      'bare CPU ms per 1k deltas',
      'Redis CPU ms/s (EchoTune / bare)',
      'Redis calls/s (EchoTune / bare)',
      'client loop p99 ms (EchoTune / bare)',
    ],
    results.map(({ adapter, instances, echotune, bare }) => [
      adapter,
      String(instances),
      whole(mean(echotune.serverCpu)),
      whole(mean(bare.serverCpu)),
      ms(perThousand(echotune)),
      ms(perThousand(bare)),
      `${whole(mean(echotune.redisCpu))} / ${whole(mean(bare.redisCpu))}`,
      `${whole(calls(echotune))} / ${whole(calls(bare))}`,
      `${Math.max(...echotune.clientLoopP99).toFixed(1)} / ${Math.max(...bare.clientLoopP99).toFixed(1)}`,
    ]),
    'right',
  );
  console.log("Redis calls/s EchoTune makes beyond the bare servers' (the rest of its shared state):");
  for (const { adapter, instances, echotune, bare } of results) {
    const rounds = echotune.perSecond.length;
    const extra = Object.entries(echotune.redisCalls)
      .map(([command, total]) => [command, (total - (bare.redisCalls[command] ?? 0)) / rounds] as const)
      .filter(([, perSecond]) => perSecond >= 0.5)
      .sort((a, b) => b[1] - a[1])
      .map(([command, perSecond]) => `${command} ${whole(perSecond)}`);
    console.log(`  ${adapter}, ${instances}: ${extra.join(', ') || 'none'}`);
  }
}

/** One line per target, met or not, with the figure; returns whether all were met. */
export function printSummary(latency: LatencyResult[], fanout: FanoutResult[]): boolean {
  console.log('');
  let allMet = true;
  for (const result of latency) {
    const added = addedP99(result);
    const met = added <= LATENCY_TARGET_MS;
    allMet &&= met;
    console.log(
      `${met ? 'MET    ' : 'NOT MET'} ${result.adapter}: cross-instance delivery, EchoTune added p99 ${ms(added)} ms ` +
        `(EchoTune ${ms(percentile(result.echotune.delays, 99))} − bare ${ms(percentile(result.bare.delays, 99))}); ` +
        `target ≤ ${LATENCY_TARGET_MS} ms`,
    );
  }
  for (const result of fanout) {
    const ratio = fanoutRatio(result);
    const met = ratio >= FANOUT_TARGET;
    allMet &&= met;
    console.log(
      `${met ? 'MET    ' : 'NOT MET'} ${result.adapter}, ${result.instances} instance${result.instances === 1 ? '' : 's'}: ` +
        `fan-out ${whole(mean(result.echotune.perSecond))} deltas/s = ${percent(ratio)} of bare ` +
        `(${whole(mean(result.bare.perSecond))}/s); target ≥ ${percent(FANOUT_TARGET)}`,
    );
  }
  return allMet;
}

/** Whatever looked wrong in delivery or in EchoTune's logs; empty when nothing did. */
export function anomalies(latency: LatencyResult[], fanout: FanoutResult[], warnings: string[]): string[] {
  const found: string[] = [];
  const side = (
    label: string,
    figures: { missing: number; duplicates: number; reordered: number; turnErrors?: string[] },
  ) => {
    if (figures.missing > 0)
      found.push(`${label}: ${figures.missing} deltas never reached another instance's tab`);
    if (figures.duplicates > 0) found.push(`${label}: ${figures.duplicates} deltas arrived twice`);
    if (figures.reordered > 0) found.push(`${label}: ${figures.reordered} deltas arrived after a later one`);
    const errors = figures.turnErrors ?? [];
    if (errors.length > 0)
      found.push(`${label}: ${errors.length} turns ended in turn:error (${[...new Set(errors)].join(', ')})`);
  };
  for (const result of latency) {
    side(`latency, EchoTune ${result.adapter}`, result.echotune);
    side(`latency, bare ${result.adapter}`, result.bare);
  }
  for (const result of fanout) {
    side(`fan-out ${result.instances}, EchoTune ${result.adapter}`, result.echotune);
    side(`fan-out ${result.instances}, bare ${result.adapter}`, result.bare);
  }
  if (warnings.length > 0) {
    found.push(
      `EchoTune logged ${warnings.length} warnings or errors, first: ${warnings.slice(0, 3).join(' | ')}`,
    );
  }
  return found;
}
