import { printTable } from '../print-table.js';
import { percentile } from '../turn-overhead/turns.js';
import { type LoadResult, perConnection } from './load-result.js';
import { type Check, format } from './thresholds.js';

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '–');
const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

function printTurns({ outcomes, offered, noIdleClient }: LoadResult): void {
  const count = (test: (outcome: LoadResult['outcomes'][number]) => boolean) =>
    String(outcomes.filter(test).length);
  console.log('\nTurns');
  printTable(
    [
      'offered',
      'started',
      'done',
      'done after a resend',
      'found via session:join',
      'answered by offline fallback',
      'failed',
      'abandoned',
      'resends',
      'no idle client',
    ],
    [
      [
        String(offered),
        String(outcomes.length),
        count((outcome) => outcome.status === 'done'),
        count((outcome) => outcome.status === 'done' && outcome.sends > 1),
        count((outcome) => outcome.recoveredByJoin),
        count((outcome) => outcome.provider === 'offline'),
        count((outcome) => outcome.status === 'failed'),
        count((outcome) => outcome.status === 'abandoned'),
        String(outcomes.reduce((total, outcome) => total + outcome.sends - 1, 0)),
        String(noIdleClient),
      ],
    ],
    'right',
  );
  const codes = new Map<string, number>();
  for (const code of outcomes.flatMap((outcome) => outcome.failures))
    codes.set(code, (codes.get(code) ?? 0) + 1);
  if (codes.size === 0) {
    console.log('No turn:error and no refused or lost ack.');
    return;
  }
  console.log('Failures met on the way (turn:error or refused ack by code; ack_timeout: no ack in 5 s)');
  printTable(
    ['code', 'times'],
    [...codes].sort((a, b) => b[1] - a[1]).map(([code, times]) => [code, String(times)]),
  );
}

function printLatency({ outcomes }: LoadResult): void {
  const row = (what: string, values: number[]) => [
    what,
    String(values.length),
    ms(percentile(values, 50)),
    ms(percentile(values, 95)),
    ms(percentile(values, 99)),
  ];
  console.log(
    '\nLatency, ms (overhead and delivery: first sends answered by the upstream at its first attempt)',
  );
  printTable(
    ['what', 'samples', 'p50', 'p95', 'p99'],
    [
      row(
        'ack (message:send → ack)',
        outcomes.flatMap((outcome) => outcome.ackMs),
      ),
      row(
        'overhead before the first delta',
        outcomes.flatMap((outcome) => outcome.overheadMs ?? []),
      ),
      row(
        'delivery (upstream first byte → first delta)',
        outcomes.flatMap((outcome) => outcome.deliveryMs ?? []),
      ),
      row(
        'turn (first send → reply done)',
        outcomes.filter((outcome) => outcome.status === 'done').map((outcome) => outcome.totalMs),
      ),
    ],
    'right',
  );
}

function printMemory({ memory, heap }: LoadResult): void {
  const { baseline, connected, end, clients } = memory;
  console.log(
    '\nServer memory, all instances together (per connection: over the baseline before any client)',
  );
  printTable(
    [
      'clients',
      'RSS before MB',
      'RSS connected MB',
      'RSS after load MB',
      'RSS/idle conn KB',
      'heap/idle conn KB',
      'RSS/conn after load KB',
      'heap/conn after load KB',
    ],
    [
      [
        String(clients),
        mb(baseline.rssBytes),
        mb(connected.rssBytes),
        mb(end.rssBytes),
        kb(perConnection(connected.rssBytes, baseline.rssBytes, clients)),
        kb(perConnection(connected.heapUsedBytes, baseline.heapUsedBytes, clients)),
        kb(perConnection(end.rssBytes, baseline.rssBytes, clients)),
        kb(perConnection(end.heapUsedBytes, baseline.heapUsedBytes, clients)),
      ],
    ],
    'right',
  );
  console.log('Heap over time, per process (floor: lowest reading per 5 samples, after the warm-up)');
  printTable(
    [
      'process',
      'samples',
      'heap first MB',
      'heap last MB',
      'RSS last MB',
      'floor slope MB/min',
      'last third vs first',
      'verdict',
    ],
    heap.map(({ series, samples, growth }) => [
      series,
      String(samples.length),
      mb(samples[0]?.heapUsedBytes ?? Number.NaN),
      mb(samples.at(-1)?.heapUsedBytes ?? Number.NaN),
      mb(samples.at(-1)?.rssBytes ?? Number.NaN),
      Number.isFinite(growth.slopeMbPerMinute) ? growth.slopeMbPerMinute.toFixed(2) : '–',
      Number.isFinite(growth.thirdsGrowth) ? `${(growth.thirdsGrowth * 100).toFixed(1)} %` : '–',
      growth.verdict,
    ]),
    'right',
  );
}

function printFaultsAndStore({ faults, store, chaos }: LoadResult): void {
  console.log('\nUpstream answers (faults injected by kind)');
  printTable(Object.keys(faults), [Object.values(faults).map(String)], 'right');
  console.log('\nCounted against the store');
  printTable(
    [
      'clientMsgIds sent',
      'lost',
      'duplicated',
      'unexpected',
      'without finished reply',
      'answered twice',
      'partial replies kept',
    ],
    [
      [
        store.sent,
        store.lost,
        store.duplicated,
        store.unexpected,
        store.unanswered,
        store.answeredTwice,
        store.partialReplies,
      ].map(String),
    ],
    'right',
  );
  if (chaos.length === 0) return;
  console.log('\nChaos during the load');
  printTable(
    ['at s', 'what', 'turns cut', 'back after s'],
    chaos.map((event) => [
      event.atSeconds.toFixed(1),
      event.what,
      event.turnsCut === undefined ? '–' : String(event.turnsCut),
      (event.tookMs / 1000).toFixed(1),
    ]),
  );
}

/** Where the store time went: a slow store shows here before it shows as ack timeouts. */
function printStoreTime({ storeTime }: LoadResult): void {
  if (storeTime.length === 0) return;
  console.log('\nStore calls per process (its echotune_store_operation_duration_seconds at the end)');
  printTable(
    ['process', 'calls', 'errors', 'appends', 'append mean ms', 'append p99 ≤ ms', 'most time in'],
    storeTime.map((time) => [
      time.process,
      String(time.calls),
      String(time.errors),
      String(time.appends),
      ms(time.appendMeanMs),
      ms(time.appendP99AtMostMs),
      time.busiest.map((entry) => `${entry.operation} ${(entry.share * 100).toFixed(0)} %`).join(', '),
    ]),
    'right',
  );
}

/** Per interval, so a collapse shows when it began (after which outage, or slowly). */
function printTimeline({ timeline, chaos }: LoadResult): void {
  const fixed = ['send', 'ack', 'done', 'abandoned'] as const;
  const seen = new Set(timeline.intervals.flatMap((interval) => Object.keys(interval.counts)));
  const failures = [...seen].filter((event) => !(fixed as readonly string[]).includes(event)).sort();
  const events = [...fixed.slice(0, 2), ...failures, ...fixed.slice(2)];
  const outageIn = (from: number) =>
    chaos
      .filter((event) => event.atSeconds >= from && event.atSeconds < from + timeline.intervalSeconds)
      .map((event) => event.what.split(' ')[0])
      .join(', ');
  console.log(`\nTimeline, per ${timeline.intervalSeconds} s from the first arrival (what the clients met)`);
  printTable(
    ['from s', ...events, ...(chaos.length > 0 ? ['chaos'] : [])],
    timeline.intervals.map((interval) => [
      String(interval.fromSeconds),
      ...events.map((event) => String(interval.counts[event as keyof typeof interval.counts] ?? 0)),
      ...(chaos.length > 0 ? [outageIn(interval.fromSeconds) || '–'] : []),
    ]),
    'right',
  );
}

export function printLoadReport(result: LoadResult, checks: Check[]): void {
  const { options } = result;
  console.log(
    `\nLoad: ${options.clients} clients, ${options.rate} turns/s for ${result.seconds} s, ` +
      `${options.instances} instance(s), faults ${(options.faults * 100).toFixed(0)} %${options.chaos ? ', chaos' : ''}`,
  );
  printTurns(result);
  printLatency(result);
  printTimeline(result);
  printStoreTime(result);
  printMemory(result);
  printFaultsAndStore(result);
  console.log('\nThresholds');
  printTable(
    ['', 'what', 'value', 'limit'],
    checks.map((check) => [
      check.passed ? '✔' : '✘',
      check.what,
      `${format(check.value)}${check.unit}`,
      `${format(check.limit)}${check.unit}`,
    ]),
  );
}
