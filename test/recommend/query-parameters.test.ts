import { describe, expect, it } from 'vitest';
import {
  bundledCatalog,
  createRecommender,
  type RecommendQueryInput,
  recommendQuerySchema,
  tunableAttributes,
} from '../../src/recommend/index.js';
import type { TunableAttribute } from '../../src/recommend/query.js';
import type { CatalogTrack } from '../../src/store/index.js';

const catalog = bundledCatalog();
const byId = new Map(catalog.map((track) => [track.id, track]));
const engine = createRecommender({ tracks: catalog });
const recommend = (input: RecommendQueryInput) => engine.recommend(recommendQuerySchema.parse(input), {});

function attributeValue(track: CatalogTrack, attribute: TunableAttribute): number {
  if (attribute === 'popularity') return track.popularity;
  if (attribute === 'duration_ms') return track.durationMs;
  return track.features[attribute];
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const attributes = Object.keys(tunableAttributes) as TunableAttribute[];

describe('every tunable attribute', () => {
  for (const attribute of attributes) {
    const [floor, ceiling] = tunableAttributes[attribute];
    // Clamped to what a query may ask (a 286 bpm bebop tune is beyond the query's tempo range).
    const values = catalog
      .map((track) => Math.min(ceiling, Math.max(floor, attributeValue(track, attribute))))
      .sort((left, right) => left - right);
    const low = values[Math.floor(values.length * 0.25)]!;
    const high = values[Math.floor(values.length * 0.75)]!;

    it(`min_${attribute} and max_${attribute} bound every result`, async () => {
      // A real range between the quartiles, so the bounds cut on both sides.
      expect(low).toBeLessThan(high);
      const { tracks } = await recommend({
        [`min_${attribute}`]: low,
        [`max_${attribute}`]: high,
        limit: 30,
      });
      expect(tracks.length).toBeGreaterThan(0);
      for (const track of tracks) {
        const value = attributeValue(byId.get(track.id)!, attribute);
        expect(value).toBeGreaterThanOrEqual(low);
        expect(value).toBeLessThanOrEqual(high);
      }
    });

    it(`target_${attribute} pulls results toward the target`, async () => {
      // The targets are the column's extremes; a constant column could not be targeted at all.
      expect(values[0]!).toBeLessThan(values[values.length - 1]!);
      const toLow = await recommend({ [`target_${attribute}`]: values[0]!, limit: 10 });
      const toHigh = await recommend({ [`target_${attribute}`]: values[values.length - 1]!, limit: 10 });
      const meanOf = (tracks: Array<{ id: string }>) =>
        mean(tracks.map((track) => attributeValue(byId.get(track.id)!, attribute)));
      expect(meanOf(toLow.tracks)).toBeLessThan(meanOf(toHigh.tracks));
    });
  }
});

describe('seeds', () => {
  it('seed tracks bring tracks like them, and never the seeds themselves', async () => {
    const seeds = ['echotune:master-of-puppets-metallica', 'echotune:raining-blood-slayer'];
    const { tracks } = await recommend({ seed_tracks: seeds, limit: 10 });
    expect(tracks.some((track) => seeds.includes(track.id))).toBe(false);
    const metal = tracks.filter(
      (track) => track.genres.includes('metal') || track.genres.includes('rock'),
    ).length;
    expect(metal).toBeGreaterThanOrEqual(6);
    expect(
      tracks.some((track) => track.reasons.some((reason) => reason.startsWith('close to your seed'))),
    ).toBe(true);
  });

  it('accepts a seed named as "Title — Artist" and warns about unknown ones', async () => {
    const result = await recommend({ seed_tracks: ['Blinding Lights — The Weeknd', 'no-such-id'], limit: 5 });
    expect(result.tracks.some((track) => track.id === 'echotune:blinding-lights-the-weeknd')).toBe(false);
    expect(result.warnings).toEqual(["unknown seed track 'no-such-id'"]);
  });

  it('seed artists bring the artist and similar music, with a reason', async () => {
    const { tracks } = await recommend({ seed_artists: ['Daft Punk'], limit: 10 });
    expect(tracks.filter((track) => track.artists.includes('Daft Punk')).length).toBeGreaterThanOrEqual(2);
    expect(tracks[0]!.reasons.join(' ')).toMatch(/Daft Punk/);
  });

  it('seed genres bring tracks of that genre', async () => {
    const { tracks } = await recommend({ seed_genres: ['classical'], limit: 10 });
    expect(tracks.filter((track) => track.genres.includes('classical')).length).toBeGreaterThanOrEqual(8);
  });

  it('warns about unknown genres and artists', async () => {
    const { warnings } = await recommend({ seed_genres: ['polka'], seed_artists: ['Nobody Known'] });
    expect(warnings).toEqual(["unknown seed artist 'Nobody Known'", "unknown genre 'polka'"]);
  });
});

describe('mood and activity', () => {
  it('maps sleep to quiet, acoustic, instrumental tracks', async () => {
    const { tracks } = await recommend({ activity: 'sleep', limit: 10 });
    expect(mean(tracks.map((track) => track.features.energy!))).toBeLessThan(0.3);
    expect(mean(tracks.map((track) => track.features.instrumentalness!))).toBeGreaterThan(0.5);
  });

  it('maps party to danceable tracks', async () => {
    const { tracks } = await recommend({ activity: 'party', limit: 10 });
    const catalogMean = mean(catalog.map((track) => track.features.danceability));
    expect(mean(tracks.map((track) => track.features.danceability!))).toBeGreaterThan(catalogMean);
  });

  it('accepts synonyms ("gym" is a workout)', async () => {
    const result = await recommend({ activity: 'gym', limit: 5 });
    expect(result.warnings).toEqual([]);
    expect(result.tracks[0]!.reasons.join(' ')).toMatch(/workout/);
  });
});
