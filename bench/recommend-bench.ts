/**
 * Recommendation latency, single thread: the 28k real TidyTuesday tracks and a 1M catalog made by
 * resampling them with jitter. For each size: the scan (plan + one pass over the feature matrix with a
 * top-k heap), the full recommend call (scan, nearest-seed re-rank, MMR, reasons), and a naive baseline
 * measured in the same run (score every track object, then sort them all). Targets: scan p50 ≤ 2 ms at
 * 28k and ≤ 25 ms at 1M. Run: npx tsx bench/recommend-bench.ts (BENCH_SIZES=28356,1000000 to choose).
 */
import { performance } from 'node:perf_hooks';
import type { CatalogTrack } from '../src/protocol/index.js';
import { indexedAttributes, rawValue } from '../src/recommend/feature-index.js';
import { importRecords, openCatalogSource } from '../src/recommend/import/index.js';
import {
  createRecommender,
  type Engine,
  type RecommendQuery,
  recommendQuerySchema,
  sample,
  seededRandom,
} from '../src/recommend/index.js';
import { emptyListener } from '../src/recommend/listener-signals.js';
import { buildPlan, denseBonuses, type QueryPlan } from '../src/recommend/query-plan.js';
import { ScanScratch, scan } from '../src/recommend/scan.js';
import { sharedDataset } from '../test/support/environment.js';
import { printTable } from './print-table.js';

const seed = 42;
const targets = { 28356: 2, 1000000: 25 } as Record<number, number>;

function resample(tracks: readonly CatalogTrack[], size: number, random: () => number): CatalogTrack[] {
  if (size <= tracks.length) return tracks.slice(0, size);
  const jitter = (value: number, spread: number, low: number, high: number) =>
    Math.min(high, Math.max(low, value + (random() - 0.5) * 2 * spread));
  return Array.from({ length: size }, (_, at) => {
    const source = tracks[Math.floor(random() * tracks.length)]!;
    const features = { ...source.features };
    for (const name of [
      'danceability',
      'energy',
      'valence',
      'acousticness',
      'speechiness',
      'liveness',
    ] as const) {
      features[name] = jitter(features[name], 0.03, 0, 1);
    }
    features.tempo = jitter(features.tempo, 3, 40, 250);
    features.loudness = jitter(features.loudness, 0.5, -60, 5);
    return {
      ...source,
      id: `${source.id}~${at}`,
      features,
      popularity: jitter(source.popularity, 3, 0, 100),
    };
  });
}

function queries(engine: Engine, count: number, random: () => number): RecommendQuery[] {
  const ids = engine.index.tracks.map((track) => track.id);
  const genres = [...engine.index.genreRows.keys()];
  const shapes: Array<() => object> = shapeMakers(ids, genres, random);
  return Array.from({ length: count }, (_, at) =>
    recommendQuerySchema.parse({ ...shapes[at % shapes.length]!(), limit: 20 }),
  );
}

const shapeNames = ['mood', 'activity', 'three seed tracks', 'targets + tempo range', 'genre + mood + clean'];

function shapeMakers(ids: string[], genres: string[], random: () => number): Array<() => object> {
  return [
    () => ({ mood: sample(['calm', 'upbeat', 'sad', 'energetic', 'chill'], 1, random)[0] }),
    () => ({ activity: sample(['running', 'study', 'party', 'sleep'], 1, random)[0] }),
    () => ({ seed_tracks: sample(ids, 3, random) }),
    () => ({ target_energy: random(), min_tempo: 90, max_tempo: 150, target_valence: random() }),
    () => ({ seed_genres: sample(genres, 1, random), mood: 'happy', explicit: false }),
  ];
}

/** p50 CPU ms of each query shape (queries cycle through the shapes). */
function perShape(label: string, samples: Samples): string {
  const cells = shapeNames.map((name, shape) => {
    const own = samples.cpu.filter((_, run) => run % shapeNames.length === shape);
    return `${name} ${percentile(own, 0.5).toFixed(2)}`;
  });
  return `${label} p50 CPU ms by shape: ${cells.join(', ')}`;
}

function planFor(engine: Engine, query: RecommendQuery): QueryPlan {
  return buildPlan({
    index: engine.index,
    query,
    weights: engine.weights,
    listener: emptyListener,
    excludeIds: [],
    resolveSeed: () => null,
    related: () => new Map(),
  });
}

/** The first thing one would write: score every track object from its fields, sort all of them. */
function naiveTopK(engine: Engine, plan: QueryPlan, limit: number): string[] {
  const { index } = engine;
  const blocked = new Set(plan.blockedRows);
  const bonuses = denseBonuses(plan, index.size);
  const scored = index.tracks.map((track, row) => {
    let score = bonuses[row]!;
    indexedAttributes.forEach((attribute, column) => {
      const z = (rawValue(track, attribute) - index.means[column]!) / index.deviations[column]!;
      if (z < plan.lower[column]! || z > plan.upper[column]!) score = Number.NEGATIVE_INFINITY;
      score -= (plan.quadratic[column]! * z + plan.linear[column]!) * z;
    });
    if (blocked.has(row) || (plan.forbidExplicit && track.explicit === true))
      score = Number.NEGATIVE_INFINITY;
    return { id: track.id, score };
  });
  scored.sort((left, right) => right.score - left.score);
  return scored.slice(0, limit).map((entry) => entry.id);
}

function floorPass(engine: Engine): number {
  const { columnData, size } = engine.index;
  const values = columnData[1]!;
  let best = Number.NEGATIVE_INFINITY;
  for (let row = 0; row < size; row++) {
    const value = values[row]!;
    const score = -value * value;
    if (score > best) best = score;
  }
  return best;
}

function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

interface Samples {
  wall: number[];
  /** On-CPU time of this process: unlike wall time, it does not grow when other processes share the cores. */
  cpu: number[];
}

async function time(runs: number, work: (run: number) => unknown): Promise<Samples> {
  const samples: Samples = { wall: [], cpu: [] };
  for (let run = 0; run < runs; run++) {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    await work(run);
    samples.wall.push(performance.now() - started);
    const cpu = process.cpuUsage(cpuStart);
    samples.cpu.push((cpu.user + cpu.system) / 1000);
  }
  return samples;
}

async function benchSize(tracks: readonly CatalogTrack[], size: number): Promise<string[][]> {
  const random = seededRandom(seed);
  const catalog = resample(tracks, size, random);
  const built = performance.now();
  const engine = createRecommender({ tracks: catalog });
  const buildMs = performance.now() - built;
  const runs = size > 100_000 ? 60 : 300;
  const list = queries(engine, runs, random);
  const plans = list.map((query) => planFor(engine, query));
  const scratch = new ScanScratch(engine.index.size);
  for (let warm = 0; warm < 20; warm++) scan(engine.index, plans[warm % plans.length]!, scratch, 400);
  const scanMs = await time(runs, (run) => scan(engine.index, plans[run]!, scratch, 400));
  const recommendMs = await time(runs, (run) => engine.recommend(list[run]!, {}));
  // The machine's floor: one read and one multiply per row, no scoring. Shared VMs vary a lot; the
  // scan's ratio to this floor says how much of its time is the ranking itself.
  const floorMs = await time(runs, () => floorPass(engine));
  const naiveRuns = size > 100_000 ? 8 : 40;
  const naiveMs = await time(naiveRuns, (run) => naiveTopK(engine, plans[run]!, 20));
  const naiveP50 = percentile(naiveMs.cpu, 0.5);
  const row = (name: string, samples: Samples, target?: number) => {
    const p50 = percentile(samples.cpu, 0.5);
    return [
      size.toLocaleString('en'),
      name,
      p50.toFixed(2),
      percentile(samples.cpu, 0.99).toFixed(2),
      percentile(samples.wall, 0.5).toFixed(2),
      `${(naiveP50 / p50).toFixed(1)}×`,
      target === undefined ? '' : `${p50 <= target ? 'PASS' : 'FAIL'} (≤ ${target} ms)`,
    ];
  };
  console.error(`built ${size.toLocaleString('en')} tracks in ${buildMs.toFixed(0)} ms`);
  console.error(perShape(`${size.toLocaleString('en')} scan`, scanMs));
  console.error(perShape(`${size.toLocaleString('en')} recommend`, recommendMs));
  return [
    row('scan (plan → top-k)', scanMs, targets[size]),
    row('recommend (+ re-rank, MMR, reasons)', recommendMs),
    row('naive: score objects, full sort', naiveMs),
    row('floor: one multiply per row (machine speed)', floorMs),
  ];
}

async function main(): Promise<void> {
  const path = sharedDataset('tidytuesday_spotify_songs.csv');
  if (!path) throw new Error('tidytuesday_spotify_songs.csv not found in ../shared/data');
  const { tracks } = await importRecords((await openCatalogSource(path)).records);
  const sizes = (process.env.BENCH_SIZES ?? `${tracks.length},1000000`).split(',').map(Number);
  const rows: string[][] = [];
  for (const size of sizes) rows.push(...(await benchSize(tracks, size)));
  console.log(
    `single thread, Node ${process.version}, seed ${seed}; CPU time per query (wall p50 beside it); ratio = naive p50 / p50\n`,
  );
  printTable(['tracks', 'path', 'p50 ms', 'p99 ms', 'wall p50', 'vs naive', 'target'], rows);
}

await main();
