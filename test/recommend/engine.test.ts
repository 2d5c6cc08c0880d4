import { describe, expect, it } from 'vitest';
import type { RecommendQueryInput } from '../../src/recommend/index.js';
import { bundledCatalog, createRecommender, recommendQuerySchema } from '../../src/recommend/index.js';

const catalog = bundledCatalog();
const engine = createRecommender({ tracks: catalog });
const recommend = (input: RecommendQueryInput, excludeIds: string[] = []) =>
  engine.recommend(recommendQuerySchema.parse(input), { excludeIds });

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('recommend on the bundled catalog', () => {
  it('answers "something upbeat for my run" with at least 5 tracks more energetic than the median', async () => {
    const intent = engine.extractIntent('something upbeat for my run');
    const { tracks } = await recommend(intent);
    expect(tracks.length).toBeGreaterThanOrEqual(5);
    const catalogMedian = median(catalog.map((track) => track.features.energy));
    expect(mean(tracks.map((track) => track.features.energy!))).toBeGreaterThan(catalogMedian);
  });

  it('answers calm study requests with low energy and acoustic or instrumental tracks', async () => {
    const { tracks } = await recommend({ mood: 'calm', activity: 'study' });
    const catalogMedian = median(catalog.map((track) => track.features.energy));
    expect(mean(tracks.map((track) => track.features.energy!))).toBeLessThan(catalogMedian);
    expect(mean(tracks.map((track) => track.features.acousticness!))).toBeGreaterThan(0.5);
  });

  it('gives every track a score and at least one reason in words', async () => {
    const { tracks } = await recommend({ mood: 'upbeat', activity: 'running' });
    for (const track of tracks) {
      expect(Number.isFinite(track.score)).toBe(true);
      expect(track.reasons.length).toBeGreaterThan(0);
    }
    expect(tracks.some((track) => track.reasons.some((reason) => reason.includes('for running')))).toBe(true);
  });

  it('respects the limit', async () => {
    expect((await recommend({ limit: 7 })).tracks).toHaveLength(7);
  });

  it('never returns excluded tracks, from the query or from the session', async () => {
    const first = await recommend({ mood: 'happy', limit: 10 });
    const ids = first.tracks.map((track) => track.id);
    const second = await recommend({ mood: 'happy', limit: 10, exclude: ids.slice(0, 5) }, ids.slice(5));
    expect(second.tracks.some((track) => ids.includes(track.id))).toBe(false);
  });

  it('leaves out explicit tracks when explicit is false', async () => {
    const { tracks } = await recommend({ seed_genres: ['hip-hop'], explicit: false, limit: 20 });
    const byId = new Map(catalog.map((track) => [track.id, track]));
    expect(tracks.every((track) => byId.get(track.id)!.explicit !== true)).toBe(true);
  });

  it('warns about mood words it does not know instead of failing', async () => {
    const result = await recommend({ mood: 'sparkly' });
    expect(result.warnings).toContain("unknown mood 'sparkly'");
    expect(result.tracks.length).toBeGreaterThan(0);
  });

  it('keeps at most two tracks per artist in the top 20', async () => {
    const { tracks } = await recommend({ seed_genres: ['reggae'], limit: 20 });
    const counts = new Map<string, number>();
    for (const track of tracks)
      for (const artist of track.artists) counts.set(artist, (counts.get(artist) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
  });

  it('reports its size', () => {
    expect(engine.size()).toBe(catalog.length);
  });
});
