import { describe, expect, it } from 'vitest';
import { describeIssues } from '../../src/errors.js';
import { bundledCatalog, createRecommender, recommendQuerySchema } from '../../src/recommend/index.js';

const engine = createRecommender({ tracks: bundledCatalog() });
const ask = (input: Record<string, unknown>) => engine.recommend(recommendQuerySchema.parse(input), {});

describe('years, exclusions and instruments in the one query schema', () => {
  it('release-year bounds filter inclusively; every track says its year', async () => {
    const { tracks } = await ask({ min_release_year: 1990, max_release_year: 1999, limit: 20 });
    expect(tracks.length).toBe(20);
    for (const track of tracks) {
      const year = Number(track.releaseDate?.slice(0, 4));
      expect(year).toBeGreaterThanOrEqual(1990);
      expect(year).toBeLessThanOrEqual(1999);
    }
  });

  it('a target year pulls without bounding', async () => {
    const near = await ask({ seed_genres: ['rock'], target_release_year: 1975, limit: 8 });
    const mean = near.tracks.reduce((sum, track) => sum + Number(track.releaseDate?.slice(0, 4)), 0) / 8;
    expect(Math.abs(mean - 1975)).toBeLessThan(15);
  });

  it('excluded genres and artists never come back; unknown ones are warnings', async () => {
    const { tracks, warnings } = await ask({
      mood: 'upbeat',
      exclude_genres: ['latin', 'reggae', 'polka'],
      exclude_artists: ['Daft Punk'],
      limit: 30,
    });
    expect(tracks).toHaveLength(30);
    expect(tracks.some((track) => track.genres.includes('latin') || track.genres.includes('reggae'))).toBe(
      false,
    );
    expect(tracks.some((track) => track.artists.includes('Daft Punk'))).toBe(false);
    expect(warnings).toContain("unknown genre 'polka' (not excluded)");
  });

  it('an instrument finds its tagged tracks first', async () => {
    const { tracks } = await ask({ instruments: ['saxophone'], limit: 5 });
    expect(tracks.filter((track) => track.genres.includes('saxophone')).length).toBeGreaterThanOrEqual(4);
  });

  it('refuses bad values, naming the field', () => {
    const backwards = recommendQuerySchema.safeParse({ min_release_year: 2000, max_release_year: 1990 });
    expect(backwards.success).toBe(false);
    expect(describeIssues(backwards.error!.issues)).toMatch(
      /min_release_year: must not be after max_release_year/,
    );
    const kazoo = recommendQuerySchema.safeParse({ instruments: ['kazoo'] });
    expect(describeIssues(kazoo.error!.issues)).toMatch(/instruments\.0/);
    const tooOld = recommendQuerySchema.safeParse({ min_release_year: 1500 });
    expect(describeIssues(tooOld.error!.issues)).toMatch(/min_release_year/);
  });
});
