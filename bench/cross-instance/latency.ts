import { percentile } from '../turn-overhead/turns.js';
import type { Cluster } from './cluster.js';
import { bareSession, closeSessions, echotuneSession, type SessionTabs, sleep, type Tab } from './tabs.js';

/** Time for the last deltas to cross Redis after a round's last emit. */
const SETTLE_MS = 300;

/** One side's cross-instance delays (ms), and what its second tab missed. */
export interface LatencySide {
  /** Second tab's receive time minus the first tab's, per delta that reached both. */
  delays: number[];
  /** p99 of each round, to show how much rounds differ on this machine. */
  roundP99s: number[];
  /** Deltas the first tab got and the second never did. */
  missing: number;
  duplicates: number;
  reordered: number;
  /** Turns that ended in turn:error (EchoTune only), by code. */
  turnErrors: string[];
}

export interface LatencyResult {
  adapter: string;
  echotune: LatencySide;
  bare: LatencySide;
}

const emptySide = (): LatencySide => ({
  delays: [],
  roundP99s: [],
  missing: 0,
  duplicates: 0,
  reordered: 0,
  turnErrors: [],
});

function collect(side: LatencySide, [first, second]: Tab[]): void {
  const delays: number[] = [];
  for (const [turnId, times] of first!.arrivals) {
    const other = second!.arrivals.get(turnId) ?? [];
    times.forEach((at, index) => {
      const there = other[index];
      if (at !== undefined && there !== undefined) delays.push(there - at);
    });
  }
  side.delays.push(...delays);
  side.roundP99s.push(percentile(delays, 99));
  side.missing += second!.missingAgainst(first!);
  side.duplicates += first!.duplicates + second!.duplicates;
  side.reordered += second!.reordered;
}

async function echotuneRound(session: SessionTabs, turns: number, side?: LatencySide): Promise<void> {
  for (const tab of session.tabs) tab.reset();
  for (let turn = 0; turn < turns; turn += 1) {
    const outcome = await session.turn!();
    if (!outcome.ok) side?.turnErrors.push(outcome.code);
  }
  await sleep(SETTLE_MS);
  if (side) collect(side, session.tabs);
}

async function bareRound(
  cluster: Cluster,
  session: SessionTabs,
  turns: number,
  side?: LatencySide,
): Promise<void> {
  for (const tab of session.tabs) tab.reset();
  await cluster.bare[0]!.request({ type: 'stream', rooms: [`session:${session.sessionId}`], turns });
  await sleep(SETTLE_MS);
  if (side) collect(side, session.tabs);
}

/**
 * Figure 1: one listener, two tabs of one session, the first on instance 0 (where the turn runs) and the
 * second on instance 1; each delta's delay is its arrival at the second tab minus its arrival at the
 * first. The bare pair does the same with a room and one client on each server. `turns` replies (or
 * bare bursts of as many deltas at the same pace) per side per round; the sides alternate, and which goes
 * first alternates too. A warm-up round of each side is not counted.
 */
export async function measureLatency(
  cluster: Cluster,
  options: { rounds: number; turns: number },
): Promise<LatencyResult> {
  const urls = (children: { hello: Record<string, unknown> }[]) =>
    children.map((child) => String(child.hello.url));
  const service = await echotuneSession(urls(cluster.echotune), [0, 1]);
  const bare = await bareSession(urls(cluster.bare), [0, 1]);
  try {
    await echotuneRound(service, 1);
    await bareRound(cluster, bare, 1);
    const result: LatencyResult = { adapter: cluster.adapter, echotune: emptySide(), bare: emptySide() };
    for (let round = 0; round < options.rounds; round += 1) {
      const sides = [
        () => echotuneRound(service, options.turns, result.echotune),
        () => bareRound(cluster, bare, options.turns, result.bare),
      ];
      if (round % 2 === 1) sides.reverse();
      for (const side of sides) await side();
    }
    return result;
  } finally {
    // Two departing tabs: two listener checks, nothing to wait for.
    closeSessions([service, bare]);
  }
}
