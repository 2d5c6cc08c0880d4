import { beforeAll, describe, expect, it } from 'vitest';
import { importRecords, openCatalogSource } from '../../src/recommend/import/index.js';
import {
  createRecommender,
  type Engine,
  recommendQuerySchema,
  sample,
  seededRandom,
} from '../../src/recommend/index.js';
import { missing, sharedDataset } from '../support/environment.js';

const path = sharedDataset('tidytuesday_spotify_songs.csv');
const skip = !path && missing('tidytuesday_spotify_songs.csv', 'it is not in ../shared/data');

const quantile = (values: number[], fraction: number) =>
  [...values].sort((left, right) => left - right)[Math.floor(fraction * (values.length - 1))]!;
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** A quick version of bench/eval-recommend.ts: genre columns withheld, labels kept aside. */
describe.skipIf(skip)('on the real TidyTuesday catalog (genres withheld)', () => {
  let engine: Engine;
  const label = new Map<string, string>();

  beforeAll(async () => {
    const { tracks } = await importRecords((await openCatalogSource(path!)).records);
    for (const track of tracks) label.set(track.id, track.genres[1]!);
    engine = createRecommender({ tracks: tracks.map((track) => ({ ...track, genres: [] })) });
  }, 60_000);

  it('finds tracks of the seeds’ subgenre far above the 4% base rate, at most 2 per artist', async () => {
    const random = seededRandom(1);
    const bySubgenre = new Map<string, string[]>();
    for (const [id, subgenre] of label) bySubgenre.set(subgenre, [...(bySubgenre.get(subgenre) ?? []), id]);
    const precisions: number[] = [];
    for (const [subgenre, ids] of bySubgenre) {
      for (let query = 0; query < 2; query++) {
        const seeds = sample(ids, 3, random);
        const { tracks } = await engine.recommend(
          recommendQuerySchema.parse({ seed_tracks: seeds, limit: 20 }),
          {},
        );
        precisions.push(tracks.filter((track) => label.get(track.id) === subgenre).length / 20);
        const perArtist = new Map<string, number>();
        for (const track of tracks)
          perArtist.set(track.artists[0]!, (perArtist.get(track.artists[0]!) ?? 0) + 1);
        expect(Math.max(...perArtist.values())).toBeLessThanOrEqual(2);
        expect(tracks.some((track) => seeds.includes(track.id))).toBe(false);
      }
    }
    expect(bySubgenre.size).toBe(24);
    expect(mean(precisions)).toBeGreaterThan(0.2);
  }, 30_000);

  it('keeps calm below the 25th and energetic above the 75th energy percentile', async () => {
    const energies = engine.index.tracks.map((track) => track.features.energy);
    const energyOf = async (mood: string) =>
      mean(
        (await engine.recommend(recommendQuerySchema.parse({ mood, limit: 20 }), {})).tracks.map(
          (track) => track.features.energy!,
        ),
      );
    expect(await energyOf('calm')).toBeLessThan(quantile(energies, 0.25));
    expect(await energyOf('energetic')).toBeGreaterThan(quantile(energies, 0.75));
  });

  it('reads "something upbeat for my run" into a query whose answer is more energetic than the median', async () => {
    const query = recommendQuerySchema.parse(engine.extractIntent('something upbeat for my run'));
    const { tracks } = await engine.recommend(query, {});
    const energies = engine.index.tracks.map((track) => track.features.energy);
    expect(tracks.length).toBeGreaterThanOrEqual(5);
    expect(mean(tracks.map((track) => track.features.energy!))).toBeGreaterThan(quantile(energies, 0.5));
  });
});
