import { describe, expect, it } from 'vitest';
import { catalogTrackSchema } from '../../src/protocol/index.js';
import {
  bundledCatalog,
  createRecommender,
  estimateFeatures,
  genreProfiles,
  recommendQuerySchema,
} from '../../src/recommend/index.js';

const requiredGenres = [
  'pop',
  'rock',
  'hip-hop',
  'r&b',
  'edm',
  'latin',
  'jazz',
  'classical',
  'ambient',
  'folk',
  'metal',
  'country',
  'soul',
  'reggae',
  'indie',
];

describe('bundled catalog', () => {
  const catalog = bundledCatalog();

  it('holds 250–400 valid tracks with unique stable ids, all flagged estimated', () => {
    expect(catalog.length).toBeGreaterThanOrEqual(250);
    expect(catalog.length).toBeLessThanOrEqual(400);
    expect(new Set(catalog.map((track) => track.id)).size).toBe(catalog.length);
    for (const track of catalog) {
      expect(catalogTrackSchema.safeParse(track).success).toBe(true);
      expect(track.id).toMatch(/^echotune:[a-z0-9-]+$/);
      expect(track.estimated).toBe(true);
    }
  });

  it('covers every genre family with a profile', () => {
    for (const genre of requiredGenres) {
      expect(genreProfiles[genre]).toBeDefined();
      expect(catalog.filter((track) => track.genres[0] === genre).length).toBeGreaterThanOrEqual(15);
    }
  });

  it('estimates the same features for the same input, and more energy for a faster tempo', () => {
    const slow = estimateFeatures('echotune:test', 'rock', [], 80);
    expect(estimateFeatures('echotune:test', 'rock', [], 80)).toEqual(slow);
    expect(estimateFeatures('echotune:test', 'rock', [], 160).features.energy).toBeGreaterThan(
      slow.features.energy,
    );
  });

  it('tells eras and instruments apart within a genre: old recordings more acoustic, modern ones louder', () => {
    const old = estimateFeatures('echotune:test', 'jazz', [], 120, 1959).features;
    const modern = estimateFeatures('echotune:test', 'jazz', [], 120, 2015).features;
    const undated = estimateFeatures('echotune:test', 'jazz', [], 120).features;
    expect(old.acousticness).toBeGreaterThan(undated.acousticness);
    expect(modern.acousticness).toBeLessThan(undated.acousticness);
    expect(modern.loudness).toBeGreaterThan(old.loudness);
    const strings = estimateFeatures('echotune:test', 'classical', ['strings'], 120).features;
    const plain = estimateFeatures('echotune:test', 'classical', [], 120).features;
    expect(strings.energy).toBeLessThan(plain.energy);
  });

  it('keeps unit features within [0, 1]', () => {
    for (const track of catalog) {
      for (const name of ['energy', 'danceability', 'valence', 'acousticness', 'instrumentalness'] as const) {
        expect(track.features[name]).toBeGreaterThanOrEqual(0);
        expect(track.features[name]).toBeLessThanOrEqual(1);
      }
    }
  });

  it('answers a mood with many genres: “something upbeat for my morning run” is not a Latin list', async () => {
    const engine = createRecommender({ tracks: catalog });
    const intent = engine.extractIntent('something upbeat for my morning run');
    expect(intent).toMatchObject({ mood: 'upbeat', activity: 'running' });
    const { tracks } = await engine.recommend(recommendQuerySchema.parse({ ...intent, limit: 8 }), {});
    expect(tracks).toHaveLength(8);
    const families = tracks.map((track) => track.genres[0]!);
    const most = Math.max(
      ...[...new Set(families)].map((family) => families.filter((f) => f === family).length),
    );
    expect(most).toBeLessThanOrEqual(2);
    expect(families.filter((family) => family === 'latin' || family === 'reggae').length).toBeLessThanOrEqual(
      4,
    );
    expect(new Set(families).size).toBeGreaterThanOrEqual(4);
    for (const track of tracks) expect(track.features.energy).toBeGreaterThan(0.6);
  });
});
