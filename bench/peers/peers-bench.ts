/**
 * EchoTune beside the gateways people would otherwise run, on the same local upstream, in one run:
 * LiteLLM proxy and the Portkey gateway (each installed on first use under a cache folder, never into
 * the project), with EchoTune's bare relay and the OpenAI SDK called directly as baselines. Added time
 * = time to the first words at the client (EchoTune: first `turn:delta` at a Socket.io client; the
 * others: first SSE content chunk through the OpenAI SDK) − the upstream's own time to first byte. N
 * turns in flight, kept in flight (steady) or arriving at once (burst); the sides take turns in every
 * round. CPU per turn and RSS of each gateway's process tree come from /proc.
 *
 *   npm run bench:peers -- [--samples 300] [--levels 1,50,200] [--peers litellm,portkey] [--rounds 3]
 *                          [--quick] [--cache-dir ~/.cache/echotune-peers]      (~15 minutes; quick ~6)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  machineFloor,
  startEchoTune,
  startRelay,
  startUpstream,
  stopChild,
} from '../turn-overhead/harness.js';
import { type Options, parseOptions, turnsAt, USAGE } from './options.js';
import { rssOf, treeCpuMs } from './proc.js';
import { type LevelFigures, printReport, type SideFigures } from './report.js';
import { burst, runShape, SHAPES, type Shape } from './shapes.js';
import { directSide, echoTuneSide, peerSide, relaySide, type Side, type SideKey } from './sides.js';

function options(): Options {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\nusage: ${USAGE}`);
    process.exit(2);
  }
}

const cpuOf = (side: Side) => (side.pid === null ? 0 : treeCpuMs(side.pid));

/** One batch on one side, with the CPU its process tree used over exactly that batch. */
async function measureBatch(side: Side, shape: Shape, level: number, samples: number): Promise<SideFigures> {
  const before = cpuOf(side);
  const batch = await runShape(shape, level, samples, side.turn);
  return { ...batch, cpuMs: cpuOf(side) - before };
}

function add(into: SideFigures | undefined, batch: SideFigures): SideFigures {
  if (!into) return batch;
  return {
    overheads: [...into.overheads, ...batch.overheads],
    turnsRun: into.turnsRun + batch.turnsRun,
    cpuMs: into.cpuMs + batch.cpuMs,
    errors: into.errors + batch.errors,
    firstError: into.firstError ?? batch.firstError,
  };
}

/** Every round runs both shapes on every side, the sides' order rotating so none always goes first. */
async function measureLevel(level: number, sides: Side[], run: Options): Promise<LevelFigures> {
  const perRound = Math.ceil(turnsAt(run, level) / run.rounds);
  const figures: LevelFigures = {
    level,
    shapes: { steady: {}, burst: {} },
    rssMiB: {},
    loadMax: 0,
    clientLoopDelayP99: 0,
  };
  const clientLoop = monitorEventLoopDelay({ resolution: 1 });
  clientLoop.enable();
  for (let round = 0; round < run.rounds; round += 1) {
    const order = [...sides.slice(round % sides.length), ...sides.slice(0, round % sides.length)];
    for (const shape of SHAPES) {
      for (const side of order) {
        const batch = await measureBatch(side, shape, level, perRound);
        figures.shapes[shape][side.key] = add(figures.shapes[shape][side.key], batch);
        figures.loadMax = Math.max(figures.loadMax, loadavg()[0]!);
      }
    }
    console.log(
      `  ${level} in flight: round ${round + 1}/${run.rounds} done (load ${loadavg()[0]!.toFixed(2)})`,
    );
  }
  clientLoop.disable();
  figures.clientLoopDelayP99 = clientLoop.percentile(99) / 1e6;
  for (const side of sides) {
    if (side.pid !== null) figures.rssMiB[side.key] = rssOf(side.pid, side.rssWholeTree) / 2 ** 20;
  }
  return figures;
}

async function main(): Promise<void> {
  const run = options();
  const workDir = mkdtempSync(join(tmpdir(), 'echotune-peers-'));
  const upstream = await startUpstream();
  const sides: Side[] = [];
  try {
    const slots = Math.max(10, ...run.levels);
    const echo = await startEchoTune(upstream.baseURL, workDir);
    sides.push(await echoTuneSide(echo.child, echo.url, slots));
    const relay = await startRelay(upstream.baseURL);
    sides.push(await relaySide(relay.child, relay.url, slots));
    sides.push(directSide(upstream.baseURL));
    for (const peer of run.peers) {
      const side = await peerSide(peer, upstream.baseURL, run.cacheDir, workDir);
      if (side) sides.push(side);
    }
    console.log(
      `Sides: ${sides.map((side) => side.label).join(', ')}; levels ${run.levels.join('/')}, ${run.rounds} rounds, ` +
        `load ${loadavg()
          .map((load) => load.toFixed(2))
          .join(' ')} on the start`,
    );
    const floor = await machineFloor(`http://127.0.0.1:${upstream.port}/ping`);
    // Warm-up at the highest level: JIT, and connection pools as large as under load.
    for (const side of sides) await burst(slots, slots, side.turn);
    const levels: LevelFigures[] = [];
    for (const level of run.levels) levels.push(await measureLevel(level, sides, run));
    printReport(levels, sides.map((side) => side.key) satisfies SideKey[], floor);
  } finally {
    for (const side of sides) await side.close();
    await stopChild(upstream.child, 'SIGTERM');
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
