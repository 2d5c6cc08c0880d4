import { monitorEventLoopDelay } from 'node:perf_hooks';
import { TURN_MS } from '../turn-overhead/upstream.js';
import { DELTA_INTERVAL_MS } from './bare-server.js';
import { type Cluster, DISCONNECT_QUIET_MS } from './cluster.js';
import type { BenchChild } from './ipc.js';
import { bareSession, closeSessions, echotuneSession, type SessionTabs, sleep } from './tabs.js';

/** Sessions start at random points of one reply's length; counting begins once all stream. */
const WARM_MS = TURN_MS + 250;
const SETTLE_MS = 300;

export interface FanoutSide {
  /** Deltas received per second across all clients, one figure per round. */
  perSecond: number[];
  /** Characters of reply text received per second across all clients, per round. */
  charsPerSecond: number[];
  /** Deltas a session's first tab (on the emitting instance) got that another of its tabs never did. */
  missing: number;
  duplicates: number;
  reordered: number;
  /** CPU of the side's server processes, summed, ms per second of window (average over rounds). */
  serverCpu: number[];
  redisCpu: number[];
  /** Redis calls per second in the window, by command (summed over rounds, divide by rounds). */
  redisCalls: Record<string, number>;
  /** This process's event-loop delay p99 in the windows (ms): high means the clients were the limit. */
  clientLoopP99: number[];
  turnErrors: string[];
}

export interface FanoutResult {
  adapter: string;
  instances: number;
  clients: number;
  sessions: number;
  /** What the clients would receive per second if every session streamed without a break. */
  offeredPerSecond: number;
  echotune: FanoutSide;
  bare: FanoutSide;
}

const emptySide = (): FanoutSide => ({
  perSecond: [],
  charsPerSecond: [],
  missing: 0,
  duplicates: 0,
  reordered: 0,
  serverCpu: [],
  redisCpu: [],
  redisCalls: {},
  clientLoopP99: [],
  turnErrors: [],
});

/** Which instance each tab of each session connects to: the sender on 0, the rest round-robin. */
function placement(sessions: number, tabsPerSession: number, instances: number): number[][] {
  let next = 1;
  return Array.from({ length: sessions }, () => [
    0,
    ...Array.from({ length: tabsPerSession - 1 }, () => next++ % instances),
  ]);
}

async function openSessions(
  open: (urls: string[], instances: number[]) => Promise<SessionTabs>,
  children: BenchChild[],
  places: number[][],
): Promise<SessionTabs[]> {
  const urls = children.map((child) => String(child.hello.url));
  // A few at a time: a burst of hundreds of handshakes would only measure the connect path.
  const sessions: SessionTabs[] = [];
  for (let start = 0; start < places.length; start += 10) {
    sessions.push(...(await Promise.all(places.slice(start, start + 10).map((tabs) => open(urls, tabs)))));
  }
  return sessions;
}

/** Runs `stream` and measures a window of `seconds` once everything streams; returns when all is quiet. */
async function measureWindow(
  side: FanoutSide,
  sessions: SessionTabs[],
  children: BenchChild[],
  cluster: Cluster,
  seconds: number,
  stream: { start(): void; stop(): Promise<void> },
): Promise<void> {
  for (const session of sessions) for (const tab of session.tabs) tab.reset();
  const cpu = async () =>
    (await Promise.all(children.map((child) => child.request<number>({ type: 'cpu' })))).reduce(
      (sum, value) => sum + value,
      0,
    );
  const loop = monitorEventLoopDelay({ resolution: 5 });
  stream.start();
  await sleep(WARM_MS);
  const [cpuBefore, redisBefore] = [await cpu(), await cluster.redisStats()];
  const from = performance.now();
  loop.enable();
  await sleep(seconds * 1000);
  const to = performance.now();
  loop.disable();
  const [cpuAfter, redisAfter] = [await cpu(), await cluster.redisStats()];
  await stream.stop();
  await sleep(SETTLE_MS);

  const tabs = sessions.flatMap((session) => session.tabs);
  const elapsed = (to - from) / 1000;
  const received = tabs.map((tab) => tab.receivedBetween(from, to));
  side.perSecond.push(received.reduce((sum, { deltas }) => sum + deltas, 0) / elapsed);
  side.charsPerSecond.push(received.reduce((sum, { chars }) => sum + chars, 0) / elapsed);
  side.serverCpu.push((cpuAfter - cpuBefore) / elapsed);
  side.redisCpu.push((redisAfter.cpuMs - redisBefore.cpuMs) / elapsed);
  for (const [command, calls] of Object.entries(redisAfter.commands)) {
    const during = (calls - (redisBefore.commands[command] ?? 0)) / elapsed;
    // Without the probe's own INFO.
    if (command !== 'info') side.redisCalls[command] = (side.redisCalls[command] ?? 0) + during;
  }
  side.clientLoopP99.push(loop.percentile(99) / 1e6);
  for (const {
    tabs: [first, ...others],
  } of sessions) {
    for (const tab of others) side.missing += tab.missingAgainst(first!);
  }
  side.duplicates += tabs.reduce((sum, tab) => sum + tab.duplicates, 0);
  side.reordered += tabs.reduce((sum, tab) => sum + tab.reordered, 0);
}

/**
 * Figure 2: `clients` tabs in `sessions` sessions (one listener each), spread over `instances` instances,
 * every session's turns running back to back on instance 0; the deltas all clients receive per second in
 * a window of `seconds`. The bare servers emit to as many rooms with as many clients, placed the same
 * way, at the fake upstream's pace. Sides alternate in rounds, which goes first alternating too.
 */
export async function measureFanout(
  cluster: Cluster,
  options: { instances: number; clients: number; sessions: number; rounds: number; seconds: number },
): Promise<FanoutResult> {
  const tabsPerSession = Math.max(1, Math.round(options.clients / options.sessions));
  const places = placement(options.sessions, tabsPerSession, options.instances);
  const service = await openSessions(echotuneSession, cluster.echotune, places);
  const bare = await openSessions(bareSession, cluster.bare, places);
  const result: FanoutResult = {
    adapter: cluster.adapter,
    instances: options.instances,
    clients: options.sessions * tabsPerSession,
    sessions: options.sessions,
    offeredPerSecond: (options.sessions * tabsPerSession * 1000) / DELTA_INTERVAL_MS,
    echotune: emptySide(),
    bare: emptySide(),
  };
  try {
    const serviceRound = () => {
      let stopping = false;
      let failure: unknown;
      let loops: Promise<void>[] = [];
      return measureWindow(result.echotune, service, cluster.echotune, cluster, options.seconds, {
        start() {
          loops = service.map(async (session) => {
            await sleep(Math.random() * TURN_MS);
            while (!stopping && failure === undefined) {
              const outcome = await session.turn!().catch((error: unknown) => {
                failure ??= error;
                return { ok: true } as const;
              });
              if (!outcome.ok) result.echotune.turnErrors.push(outcome.code);
            }
          });
        },
        async stop() {
          stopping = true;
          await Promise.all(loops);
          if (failure !== undefined) throw failure;
        },
      });
    };
    const bareRound = () => {
      let streaming: Promise<unknown> = Promise.resolve();
      const emitter = cluster.bare[0]!;
      return measureWindow(result.bare, bare, cluster.bare, cluster, options.seconds, {
        start() {
          const rooms = bare.map((session) => `session:${session.sessionId}`);
          streaming = emitter.request({ type: 'stream', rooms, turns: 0, staggerMs: TURN_MS });
        },
        async stop() {
          await emitter.request({ type: 'stop' });
          await streaming;
        },
      });
    };
    for (let round = 0; round < options.rounds; round += 1) {
      const sides = [serviceRound, bareRound];
      if (round % 2 === 1) sides.reverse();
      for (const side of sides) await side();
    }
    return result;
  } finally {
    closeSessions([...service, ...bare]);
    await sleep(DISCONNECT_QUIET_MS);
  }
}
