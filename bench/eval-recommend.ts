/**
 * Recommendation quality on the TidyTuesday Spotify songs (npm run eval:recommend).
 * The catalog is imported with the genre columns withheld; each track's label is its primary subgenre
 * (the first playlist_subgenre it appears with). For each of the 24 subgenres, queries are seeded with
 * 3 random tracks of that subgenre; precision@20 = share of results (seeds excluded) with the same label.
 * Baselines in the same run: random, popularity, plain kNN on standardized features. Also: mood control,
 * artist cap, intra-list diversity, catalog coverage and personalization. Fixed random seed.
 */
import { performance } from 'node:perf_hooks';
import type { CatalogTrack } from '../src/protocol/index.js';
import { importRecords, openCatalogSource } from '../src/recommend/import/index.js';
import {
  createRecommender,
  type Engine,
  type RecommendQueryInput,
  recommendQuerySchema,
  sample,
  seededRandom,
} from '../src/recommend/index.js';
import { rowDistance } from '../src/recommend/similarity.js';
import { createSqliteStore } from '../src/store/index.js';
import { sharedDataset } from '../test/support/environment.js';
import { audioColumns, nearestToCentroid } from './knn-baseline.js';
import { printTable } from './print-table.js';

const seed = 20_200_121;
const queriesPerSubgenre = Number(process.env.EVAL_QUERIES ?? 25);
const seedsPerQuery = 3;
const listLength = 20;

interface Labelled {
  tracks: CatalogTrack[];
  label: Map<string, string>;
}

async function loadLabelled(path: string): Promise<Labelled> {
  const source = await openCatalogSource(path);
  const { tracks } = await importRecords(source.records, { withoutGenres: false });
  // Genres arrive as [genre, subgenre, genre, subgenre, ...] in file order: the first subgenre is index 1.
  const label = new Map(tracks.map((track) => [track.id, track.genres[1] ?? 'unknown']));
  return { tracks: tracks.map((track) => ({ ...track, genres: [] })), label };
}

type Method = (seeds: string[], limit: number) => Promise<string[]>;

function methods(engine: Engine, random: () => number): Record<string, Method> {
  const index = engine.index;
  const ids = index.tracks.map((track) => track.id);
  const byPopularity = [...index.tracks]
    .sort((left, right) => right.popularity - left.popularity)
    .map((track) => track.id);
  return {
    random: async (seeds, limit) =>
      sample(ids, limit + seeds.length, random)
        .filter((id) => !seeds.includes(id))
        .slice(0, limit),
    popularity: async (seeds, limit) => byPopularity.filter((id) => !seeds.includes(id)).slice(0, limit),
    'kNN features': async (seeds, limit) =>
      nearestToCentroid(
        index,
        seeds.map((id) => index.rowById.get(id)!),
        audioColumns,
        limit,
      ).map((row) => index.tracks[row]!.id),
    echotune: async (seeds, limit) => {
      const result = await engine.recommend(recommendQuerySchema.parse({ seed_tracks: seeds, limit }), {});
      return result.tracks.map((track) => track.id);
    },
  };
}

interface MethodFigures {
  precision: Map<string, number[]>;
  recommended: Set<string>;
  diversity: number[];
  maxPerArtist: number;
  milliseconds: number[];
}

async function precisionTable(engine: Engine, labelled: Labelled): Promise<Map<string, MethodFigures>> {
  const random = seededRandom(seed);
  const bySubgenre = new Map<string, string[]>();
  for (const [id, label] of labelled.label) bySubgenre.set(label, [...(bySubgenre.get(label) ?? []), id]);
  const all = methods(engine, seededRandom(seed + 1));
  const figures = new Map<string, MethodFigures>(
    Object.keys(all).map((name) => [
      name,
      { precision: new Map(), recommended: new Set(), diversity: [], maxPerArtist: 0, milliseconds: [] },
    ]),
  );
  for (const [subgenre, ids] of [...bySubgenre].sort()) {
    for (let query = 0; query < queriesPerSubgenre; query++) {
      const seeds = sample(ids, seedsPerQuery, random);
      for (const [name, method] of Object.entries(all)) {
        const started = performance.now();
        const result = await method(seeds, listLength);
        const entry = figures.get(name)!;
        entry.milliseconds.push(performance.now() - started);
        const hits = result.filter((id) => labelled.label.get(id) === subgenre).length;
        entry.precision.set(subgenre, [...(entry.precision.get(subgenre) ?? []), hits / listLength]);
        for (const id of result) entry.recommended.add(id);
        entry.diversity.push(intraListDistance(engine, result));
        entry.maxPerArtist = Math.max(entry.maxPerArtist, maxPerArtist(engine, result));
      }
    }
  }
  return figures;
}

function intraListDistance(engine: Engine, ids: string[]): number {
  const rows = ids.map((id) => engine.index.rowById.get(id)!);
  let sum = 0;
  let pairs = 0;
  for (let left = 0; left < rows.length; left++) {
    for (let right = left + 1; right < rows.length; right++) {
      sum += rowDistance(engine.index, rows[left]!, rows[right]!);
      pairs++;
    }
  }
  return pairs > 0 ? sum / pairs : 0;
}

function maxPerArtist(engine: Engine, ids: string[]): number {
  const counts = new Map<string, number>();
  for (const id of ids) {
    for (const artist of engine.index.tracks[engine.index.rowById.get(id)!]!.artists)
      counts.set(artist, (counts.get(artist) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
const quantile = (values: number[], fraction: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(fraction * (values.length - 1))]!;

async function moodControl(engine: Engine): Promise<Array<[string, string]>> {
  const energies = engine.index.tracks.map((track) => track.features.energy);
  const low = quantile(energies, 0.25);
  const high = quantile(energies, 0.75);
  const energyOf = async (input: RecommendQueryInput) =>
    mean(
      (await engine.recommend(recommendQuerySchema.parse({ ...input, limit: 20 }), {})).tracks.map(
        (track) => track.features.energy!,
      ),
    );
  const calm = await energyOf({ mood: 'calm' });
  const energetic = await energyOf({ mood: 'energetic' });
  const running = await energyOf(engine.extractIntent('something upbeat for my run'));
  return [
    [
      'calm: mean energy < catalog p25',
      `${calm.toFixed(3)} < ${low.toFixed(3)} ${calm < low ? 'PASS' : 'FAIL'}`,
    ],
    [
      'energetic: mean energy > catalog p75',
      `${energetic.toFixed(3)} > ${high.toFixed(3)} ${energetic > high ? 'PASS' : 'FAIL'}`,
    ],
    [
      '"something upbeat for my run" > median',
      `${running.toFixed(3)} > ${quantile(energies, 0.5).toFixed(3)} ${running > quantile(energies, 0.5) ? 'PASS' : 'FAIL'}`,
    ],
  ];
}

/** A listener whose history is one subgenre, against a new listener, on open-ended queries. */
async function personalization(labelled: Labelled): Promise<Array<[string, string]>> {
  const store = await createSqliteStore({ path: ':memory:' });
  const engine = createRecommender({ tracks: labelled.tracks, store });
  const random = seededRandom(seed + 2);
  const rows: Array<[string, string]> = [];
  const openQueries: RecommendQueryInput[] = [
    {},
    { mood: 'happy' },
    { activity: 'party' },
    { mood: 'chill' },
  ];
  const subgenres = ['hard rock', 'neo soul', 'tropical', 'electro house', 'gangster rap', 'dance pop'];
  const ratios: number[] = [];
  for (const subgenre of subgenres) {
    const ids = [...labelled.label].filter(([, label]) => label === subgenre).map(([id]) => id);
    const userId = `listener-${subgenre}`;
    const history = sample(ids, 60, random);
    await store.addListeningHistory(
      history.map((trackId, at) => ({
        userId,
        trackId,
        trackName: '',
        artistName: '',
        playedAt: new Date(Date.UTC(2024, 0, 1, 0, at)).toISOString(),
        msPlayed: 180_000,
        source: 'eval',
      })),
    );
    const share = async (user: string | undefined) => {
      let hits = 0;
      let total = 0;
      for (const query of openQueries) {
        const result = await engine.recommend(
          recommendQuerySchema.parse({ ...query, limit: 20 }),
          user ? { userId: user } : {},
        );
        hits += result.tracks.filter((track) => labelled.label.get(track.id) === subgenre).length;
        total += result.tracks.length;
      }
      return hits / total;
    };
    const personal = await share(userId);
    const fresh = await share(undefined);
    const ratio = personal / Math.max(fresh, 1 / 80);
    ratios.push(ratio);
    rows.push([
      `personalization '${subgenre}'`,
      `${(personal * 100).toFixed(1)}% vs new listener ${(fresh * 100).toFixed(1)}% (×${ratio.toFixed(1)})`,
    ]);
  }
  rows.push(['personalization ≥ 2× in every case', ratios.every((ratio) => ratio >= 2) ? 'PASS' : 'FAIL']);
  await store.close();
  return rows;
}

async function main(): Promise<void> {
  const path = sharedDataset('tidytuesday_spotify_songs.csv');
  if (!path) throw new Error('tidytuesday_spotify_songs.csv not found in ../shared/data');
  const labelled = await loadLabelled(path);
  const engine = createRecommender({ tracks: labelled.tracks });
  console.log(
    `catalog: ${engine.size()} tracks, genre columns withheld; ${queriesPerSubgenre} queries × 24 subgenres, seed ${seed}\n`,
  );
  const figures = await precisionTable(engine, labelled);
  const names = [...figures.keys()];
  const subgenres = [...figures.get('echotune')!.precision.keys()];
  printTable(
    ['subgenre', ...names],
    subgenres.map((subgenre) => [
      subgenre,
      ...names.map((name) => mean(figures.get(name)!.precision.get(subgenre)!).toFixed(3)),
    ]),
  );
  console.log('');
  printTable(
    ['metric', ...names],
    [
      [
        'precision@20 (mean of subgenres)',
        ...names.map((name) => mean([...figures.get(name)!.precision.values()].map(mean)).toFixed(3)),
      ],
      ['intra-list distance (mean)', ...names.map((name) => mean(figures.get(name)!.diversity).toFixed(2))],
      [
        'catalog coverage',
        ...names.map(
          (name) => `${((figures.get(name)!.recommended.size / engine.size()) * 100).toFixed(1)}%`,
        ),
      ],
      ['max tracks per artist in a top 20', ...names.map((name) => String(figures.get(name)!.maxPerArtist))],
      ['query ms (mean)', ...names.map((name) => mean(figures.get(name)!.milliseconds).toFixed(2))],
    ],
  );
  console.log('');
  const precision = mean([...figures.get('echotune')!.precision.values()].map(mean));
  printTable(
    ['check', 'result'],
    [
      ['precision@20 ≥ 0.30', `${precision.toFixed(3)} ${precision >= 0.3 ? 'PASS' : 'FAIL'}`],
      ['≤ 2 tracks per artist in any top 20', figures.get('echotune')!.maxPerArtist <= 2 ? 'PASS' : 'FAIL'],
      ...(await moodControl(engine)),
      ...(await personalization(labelled)),
    ],
  );
}

await main();
