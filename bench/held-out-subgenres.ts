/**
 * The honest test of a learned similarity (issue #14): TidyTuesday's 24 subgenres split per genre, 2 of
 * each genre's 4 learned from (their playlists only) and 2 held out; artists, albums and genres removed,
 * so only the audio attributes, popularity and year remain. Queries of 3 random seed tracks of a
 * held-out subgenre; precision@20 = share of the 20 results (whole catalog, seeds excluded) of that
 * subgenre. Used by bench/eval-similarity.ts and, shortened, by test/recommend/learned-similarity.test.ts.
 */
import type { CatalogTrack } from '../src/protocol/index.js';
import { modelInputNames, yearColumn } from '../src/recommend/feature-index.js';
import {
  createRecommender,
  type Engine,
  recommendQuerySchema,
  sample,
  seededRandom,
} from '../src/recommend/index.js';
import {
  type Playlist,
  readPlaylistCatalog,
  type SimilarityModel,
  type TrainingSet,
  trainingSetOf,
  trainSimilarity,
} from '../src/recommend/learned-similarity/index.js';
import { rowDistance } from '../src/recommend/similarity.js';
import { audioColumns, closestRows, nearestToCentroid } from './knn-baseline.js';

const listLength = 20;

export interface AnonymousCatalog {
  /** Every track its own artist and album, no genres. */
  tracks: CatalogTrack[];
  /** The same tracks (same rows) with their artists and albums, still without genres. */
  named: CatalogTrack[];
  playlists: Playlist[];
  /** Track id → its primary subgenre (the first it appears with). */
  label: Map<string, string>;
  genreOf: Map<string, string>;
}

export async function loadAnonymousCatalog(path: string): Promise<AnonymousCatalog> {
  const { tracks, playlists } = await readPlaylistCatalog(path);
  // Genres arrive as [genre, subgenre, …] in file order: the first subgenre labels the track.
  const label = new Map(tracks.map((track) => [track.id, track.genres[1] ?? 'unknown']));
  const genreOf = new Map(playlists.map((playlist) => [playlist.subgenre, playlist.genre]));
  const anonymous = tracks.map((track) => ({
    ...track,
    artists: [`artist ${track.id}`],
    album: `album ${track.id}`,
    genres: [],
  }));
  const named = tracks.map((track) => ({ ...track, genres: [] }));
  return { tracks: anonymous, named, playlists, label, genreOf };
}

/** Per genre, half its subgenres to learn from and the rest held out, drawn with the split's seed. */
export function splitSubgenres(
  catalog: AnonymousCatalog,
  splitSeed: number,
): { learned: Set<string>; heldOut: string[] } {
  const random = seededRandom(splitSeed);
  const byGenre = new Map<string, string[]>();
  for (const [subgenre, genre] of catalog.genreOf) {
    byGenre.set(genre, [...(byGenre.get(genre) ?? []), subgenre]);
  }
  const learned = new Set<string>();
  const heldOut: string[] = [];
  for (const [, subgenres] of [...byGenre].sort()) {
    const picked = sample(subgenres.sort(), Math.floor(subgenres.length / 2), random);
    for (const subgenre of subgenres) {
      if (picked.includes(subgenre)) learned.add(subgenre);
      else heldOut.push(subgenre);
    }
  }
  return { learned, heldOut: heldOut.sort() };
}

type Method = (seeds: number[]) => Promise<number[]>;

/**
 * The methods compared, baseline first: plain kNN, kNN on every model input, the bare learned space,
 * the engine; then the engine with artist and album signals back (`named`: same rows, real artists).
 */
function methods(engine: Engine, named: Engine): Record<string, Method> {
  const index = engine.index;
  const allInputs = Array.from({ length: yearColumn + 1 }, (_, column) => column);
  return {
    'kNN 9 audio features': async (seeds) => nearestToCentroid(index, seeds, audioColumns, listLength),
    [`kNN all ${modelInputNames.length} inputs`]: async (seeds) =>
      nearestToCentroid(index, seeds, allInputs, listLength),
    'learned space alone (nearest seed)': async (seeds) => nearestSeed(engine, seeds),
    echotune: async (seeds) => recommended(engine, seeds),
    'echotune, all signals': async (seeds) => recommended(named, seeds),
  };
}

async function recommended(engine: Engine, seeds: number[]): Promise<number[]> {
  const index = engine.index;
  const ids = seeds.map((row) => index.tracks[row]!.id);
  const result = await engine.recommend(
    recommendQuerySchema.parse({ seed_tracks: ids, limit: listLength }),
    {},
  );
  return result.tracks.map((track) => index.rowById.get(track.id)!);
}

function nearestSeed(engine: Engine, seeds: number[]): number[] {
  const index = engine.index;
  return closestRows(index.size, seeds, listLength, (row) =>
    Math.min(...seeds.map((seed) => rowDistance(index, seed, row))),
  );
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

export interface SplitResult {
  learned: string[];
  heldOut: string[];
  trainingPlaylists: number;
  trainingSeconds: number;
  /** Method name → mean precision@20 over the held-out queries, baseline first. */
  precision: Map<string, number>;
}

/** Trains on the split's learned half, then runs every method on the same held-out queries. */
export async function evaluateSplit(
  catalog: AnonymousCatalog,
  options: {
    splitSeed: number;
    steps: number;
    queriesPerSubgenre: number;
    querySeed?: number;
    /** Trains the split's model (default: trainSimilarity with `steps`). */
    train?: (set: TrainingSet) => SimilarityModel;
  },
): Promise<SplitResult> {
  const { learned, heldOut } = splitSubgenres(catalog, options.splitSeed);
  const training = catalog.playlists.filter((playlist) => learned.has(playlist.subgenre));
  const started = Date.now();
  const train = options.train ?? ((set: TrainingSet) => trainSimilarity(set, { steps: options.steps }));
  const model = train(trainingSetOf(catalog.tracks, training));
  const trainingSeconds = (Date.now() - started) / 1000;
  const engine = createRecommender({ tracks: catalog.tracks, similarityModel: model });
  const named = createRecommender({ tracks: catalog.named, similarityModel: model });
  const rowsOf = new Map<string, number[]>();
  catalog.tracks.forEach((track, row) => {
    const subgenre = catalog.label.get(track.id)!;
    rowsOf.set(subgenre, [...(rowsOf.get(subgenre) ?? []), row]);
  });
  const random = seededRandom(options.querySeed ?? 20_200_121);
  const compared = methods(engine, named);
  const precision = new Map<string, number[]>(Object.keys(compared).map((name) => [name, []]));
  for (const subgenre of heldOut) {
    const rows = rowsOf.get(subgenre) ?? [];
    if (rows.length < 3) continue;
    for (let query = 0; query < options.queriesPerSubgenre; query++) {
      const seeds = sample(rows, 3, random);
      for (const [name, method] of Object.entries(compared)) {
        const found = await method(seeds);
        const hits = found.filter((row) => catalog.label.get(catalog.tracks[row]!.id) === subgenre).length;
        precision.get(name)!.push(hits / listLength);
      }
    }
  }
  return {
    learned: [...learned].sort(),
    heldOut,
    trainingPlaylists: training.length,
    trainingSeconds,
    precision: new Map([...precision].map(([name, values]) => [name, mean(values)])),
  };
}
