import { printTable } from '../print-table.js';
import { type Overhead, percentile, total } from '../turn-overhead/turns.js';
import type { PeerName } from './options.js';
import type { Shape } from './shapes.js';
import { LABELS, type SideKey } from './sides.js';

/** One side's batches at one level and shape, added up. */
export interface SideFigures {
  overheads: Overhead[];
  turnsRun: number;
  cpuMs: number;
  errors: number;
  firstError: string | null;
}

export interface LevelFigures {
  level: number;
  shapes: Record<Shape, Partial<Record<SideKey, SideFigures>>>;
  /** Resident memory after the level, MiB (absent for the direct SDK). */
  rssMiB: Partial<Record<SideKey, number>>;
  /** The machine's 1-minute load average: highest seen after a batch of this level. */
  loadMax: number;
  clientLoopDelayP99: number;
}

/** Targets of issue #16, as ratios of added time from the same run. */
const PEER_TARGET: Record<PeerName, number> = { litellm: 10, portkey: 5 };
const RELAY_TARGET_MS = 0.5;
const RELAY_TARGET_LEVEL = 50;

const ms = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1));
const at = (side: SideFigures | undefined, p: number) =>
  side && side.overheads.length > 0 ? percentile(side.overheads.map(total), p) : Number.NaN;
const pair = (side: SideFigures | undefined) =>
  side ? `${ms(at(side, 50))} / ${ms(at(side, 99))}` : 'skipped';

type Row = { level: LevelFigures; shape: Shape; sides: Partial<Record<SideKey, SideFigures>> };

function rowsOf(levels: LevelFigures[]): Row[] {
  return levels.flatMap((level) =>
    (Object.keys(level.shapes) as Shape[]).map((shape) => ({ level, shape, sides: level.shapes[shape] })),
  );
}

function ratioCell(peer: SideFigures | undefined, echo: SideFigures | undefined, p: number, target: number) {
  const ratio = at(peer, p) / at(echo, p);
  if (!Number.isFinite(ratio)) return '—';
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}× ${ratio >= target ? '✔' : '✘'}`;
}

function printAdded(rows: Row[], keys: SideKey[]): void {
  console.log('\nAdded time before the first words, ms p50 / p99 (time to the first content chunk or');
  console.log("turn:delta at the client − the upstream's own time to first byte):");
  printTable(
    ['in flight', 'arrival', 'turns', ...keys.map((key) => LABELS[key]), 'load 1m'],
    rows.map(({ level, shape, sides }) => [
      String(level.level),
      shape,
      String(Math.min(...keys.map((key) => sides[key]?.overheads.length ?? Number.POSITIVE_INFINITY))),
      ...keys.map((key) => pair(sides[key])),
      level.loadMax.toFixed(2),
    ]),
    'right',
  );
}

function printRatios(rows: Row[], peers: PeerName[]): void {
  if (peers.length === 0) return;
  console.log("\nEchoTune against the gateways: the gateway's added time ÷ EchoTune's (higher is better for");
  console.log(
    `EchoTune; ✔ when at least ${peers.map((peer) => `${PEER_TARGET[peer]}× ${LABELS[peer]}`).join(', ')}):`,
  );
  printTable(
    ['in flight', 'arrival', ...peers.flatMap((peer) => [`${LABELS[peer]} ÷ EchoTune p50`, 'p99'])],
    rows.map(({ level, shape, sides }) => [
      String(level.level),
      shape,
      ...peers.flatMap((peer) => [
        ratioCell(sides[peer], sides.echotune, 50, PEER_TARGET[peer]),
        ratioCell(sides[peer], sides.echotune, 99, PEER_TARGET[peer]),
      ]),
    ]),
    'right',
  );
}

function printOverRelay(rows: Row[]): void {
  console.log(
    `\nEchoTune over its bare relay (socket.io + the OpenAI SDK, nothing else), ms; target at ${RELAY_TARGET_LEVEL} in flight: p50 ≤ ${RELAY_TARGET_MS} ms:`,
  );
  printTable(
    ['in flight', 'arrival', 'p50 added', 'p99 added', 'target'],
    rows.map(({ level, shape, sides }) => {
      const p50 = at(sides.echotune, 50) - at(sides.relay, 50);
      const verdict = p50 <= RELAY_TARGET_MS ? '✔' : '✘';
      return [
        String(level.level),
        shape,
        ms(p50),
        ms(at(sides.echotune, 99) - at(sides.relay, 99)),
        level.level === RELAY_TARGET_LEVEL ? verdict : '',
      ];
    }),
    'right',
  );
}

function printCost(rows: Row[], levels: LevelFigures[], keys: SideKey[]): void {
  const served = keys.filter((key) => key !== 'direct');
  console.log('\nCPU per turn (the whole ~2 s stream relayed; /proc utime+stime of the process tree), ms:');
  printTable(
    ['in flight', 'arrival', ...served.map((key) => LABELS[key]), 'client loop delay p99 ms'],
    rows.map(({ level, shape, sides }) => [
      String(level.level),
      shape,
      ...served.map((key) => {
        const side = sides[key];
        return side && side.turnsRun > 0 ? (side.cpuMs / side.turnsRun).toFixed(1) : '—';
      }),
      level.clientLoopDelayP99.toFixed(1),
    ]),
    'right',
  );
  console.log('\nRSS after each level, MiB (LiteLLM: its whole process tree):');
  printTable(
    ['after level', ...served.map((key) => LABELS[key])],
    levels.map((level) => [
      String(level.level),
      ...served.map((key) => level.rssMiB[key]?.toFixed(0) ?? '—'),
    ]),
    'right',
  );
}

function printErrors(rows: Row[], keys: SideKey[]): void {
  for (const { level, shape, sides } of rows) {
    for (const key of keys) {
      const side = sides[key];
      if (side?.errors) {
        console.log(
          `${LABELS[key]} at ${level.level} ${shape}: ${side.errors} turns failed (first: ${side.firstError})`,
        );
      }
    }
  }
}

export function printReport(
  levels: LevelFigures[],
  keys: SideKey[],
  floor: { p50: number; p99: number },
): void {
  const rows = rowsOf(levels);
  const peers = keys.filter((key): key is PeerName => key === 'litellm' || key === 'portkey');
  printAdded(rows, keys);
  printRatios(rows, peers);
  printOverRelay(rows);
  printCost(rows, levels, keys);
  printErrors(rows, keys);
  console.log(
    `\nThis machine's floor, an idle loopback HTTP round trip: p50 ${floor.p50.toFixed(2)} ms, p99 ${floor.p99.toFixed(2)} ms.`,
  );
}
