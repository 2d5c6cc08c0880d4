import { describe, expect, it } from 'vitest';
import { emptyFaultCounts } from '../../bench/load/faults.js';
import type { LoadResult } from '../../bench/load/load-result.js';
import { breachLines, checkThresholds } from '../../bench/load/thresholds.js';
import type { TurnOutcome } from '../../bench/load/turn-outcome.js';

const turn = (index: number, change: Partial<TurnOutcome> = {}): TurnOutcome => ({
  clientMsgId: `c0-t${index}`,
  sessionId: 's0',
  status: 'done',
  sends: 1,
  failures: [],
  ackMs: [3],
  overheadMs: 5,
  deliveryMs: 1,
  totalMs: 1_000,
  recoveredByJoin: false,
  ...change,
});

function result(change: Partial<LoadResult> = {}): LoadResult {
  const reading = { rssBytes: 200 * 1024 ** 2, heapUsedBytes: 80 * 1024 ** 2 };
  return {
    options: { clients: 1, rate: 1, duration: 4, faults: 0, instances: 1, chaos: false },
    seconds: 4,
    offered: 4,
    outcomes: [0, 1, 2, 3].map((index) => turn(index)),
    noIdleClient: 0,
    faults: emptyFaultCounts(),
    memory: { clients: 1, baseline: reading, connected: reading, end: reading },
    heap: [],
    store: {
      sent: 4,
      lost: 0,
      duplicated: 0,
      unexpected: 0,
      unanswered: 0,
      answeredTwice: 0,
      partialReplies: 0,
    },
    chaos: [],
    storeTime: [],
    timeline: { intervalSeconds: 5, intervals: [] },
    ...change,
  };
}

describe('load thresholds', () => {
  it('pass a clean run', () => {
    expect(breachLines(checkThresholds(result()))).toEqual([]);
  });

  it('give one line per breached threshold, naming it, its value and its limit', () => {
    const lines = breachLines(
      checkThresholds(
        result({
          outcomes: [turn(0), turn(1, { status: 'abandoned' }), turn(2), turn(3, { ackMs: [4_000] })],
          store: { ...result().store, lost: 1, answeredTwice: 2 },
        }),
      ),
    );
    expect(lines).toEqual([
      'THRESHOLD BREACHED: user messages lost (store) = 1 (limit 0)',
      'THRESHOLD BREACHED: messages answered twice (store) = 2 (limit 0)',
      'THRESHOLD BREACHED: turns abandoned (no reply in 60 s) = 1 (limit 0)',
      'THRESHOLD BREACHED: ack latency p99 = 4000 ms (limit 1000 ms)',
    ]);
  });

  it('fail a figure that could not be measured (no first delta from the upstream at all)', () => {
    const outcomes = [0, 1].map((index) => turn(index, { overheadMs: undefined }));
    const lines = breachLines(checkThresholds(result({ outcomes })));
    expect(lines.some((line) => line.includes('overhead before the first delta p50 = NaN'))).toBe(true);
  });

  it('fail a soak whose heap floor climbs', () => {
    const samples = Array.from({ length: 301 }, (_, index) => ({
      atSeconds: index * 2,
      heapUsedBytes: (80 + index * 0.1) * 1024 ** 2,
      rssBytes: 0,
    }));
    const soaked = result({
      options: { ...result().options, soak: 600 },
      seconds: 600,
      heap: [
        {
          series: 'instance 1',
          samples,
          growth: { slopeMbPerMinute: 3, thirdsGrowth: 0.3, floors: 45, verdict: 'growing' },
        },
      ],
    });
    const lines = breachLines(checkThresholds(soaked));
    expect(lines).toEqual([
      'THRESHOLD BREACHED: soak: heap floor slope, instance 1: growing, last third 30.0 % over the first = 3 MB/min (limit 1 MB/min)',
    ]);
  });
});
