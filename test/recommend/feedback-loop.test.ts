import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bundledCatalog,
  CooccurrenceModel,
  createRecommender,
  type RecommendQueryInput,
  recommendQuerySchema,
} from '../../src/recommend/index.js';
import { createSqliteStore, type Store } from '../../src/store/index.js';

const catalog = bundledCatalog();
const query = (input: RecommendQueryInput) => recommendQuerySchema.parse(input);

describe('feedback loop (store-backed)', () => {
  let store: Store;
  beforeEach(async () => {
    store = await createSqliteStore({ path: ':memory:' });
    await store.createUser({ id: 'listener', kind: 'guest' });
  });
  afterEach(async () => {
    await store.close();
  });

  const feedback = (trackId: string, signal: 'like' | 'dislike' | 'skip' | 'play') =>
    store.addFeedback({ userId: 'listener', sessionId: 'session', recommendationId: 'rec', trackId, signal });

  it('a dislike removes the track and its artist from the next answer in the same session', async () => {
    const engine = createRecommender({ tracks: catalog, store });
    const before = await engine.recommend(query({ mood: 'upbeat', limit: 10 }), { userId: 'listener' });
    const disliked = before.tracks[0]!;
    await feedback(disliked.id, 'dislike');
    const after = await engine.recommend(query({ mood: 'upbeat', limit: 10 }), { userId: 'listener' });
    expect(after.tracks.map((track) => track.id)).not.toContain(disliked.id);
    expect(
      after.tracks.some((track) => track.artists.some((artist) => disliked.artists.includes(artist))),
    ).toBe(false);
  });

  it('a skip removes the track from the next answer', async () => {
    const engine = createRecommender({ tracks: catalog, store });
    const before = await engine.recommend(query({ mood: 'chill', limit: 5 }), { userId: 'listener' });
    await feedback(before.tracks[1]!.id, 'skip');
    const after = await engine.recommend(query({ mood: 'chill', limit: 5 }), { userId: 'listener' });
    expect(after.tracks.map((track) => track.id)).not.toContain(before.tracks[1]!.id);
  });

  it('likes pull open-ended answers toward what was liked, with a reason', async () => {
    const engine = createRecommender({ tracks: catalog, store });
    const jazz = catalog.filter((track) => track.genres[0] === 'jazz').slice(0, 4);
    const fresh = await engine.recommend(query({ limit: 10 }), { userId: 'listener' });
    for (const track of jazz) await feedback(track.id, 'like');
    const after = await engine.recommend(query({ limit: 10 }), { userId: 'listener' });
    const jazzShare = (tracks: Array<{ genres: string[] }>) =>
      tracks.filter((track) => track.genres[0] === 'jazz').length;
    expect(jazzShare(after.tracks)).toBeGreaterThan(jazzShare(fresh.tracks));
    expect(after.tracks.flatMap((track) => track.reasons).join(' ')).toMatch(
      /you liked similar tracks|you often play|close to your taste/,
    );
  });

  it('listening history counts, resolved by title and artist when it has no track id', async () => {
    const engine = createRecommender({ tracks: catalog, store });
    await store.addListeningHistory(
      ['Schism', 'Walk', 'Du Hast'].map((trackName, at) => ({
        userId: 'listener',
        trackId: null,
        trackName,
        artistName: ['Tool', 'Pantera', 'Rammstein'][at]!,
        playedAt: `2024-01-0${at + 1}T10:00:00.000Z`,
        msPlayed: 200_000,
        source: 'test',
      })),
    );
    const { tracks } = await engine.recommend(query({ limit: 10 }), { userId: 'listener' });
    expect(tracks.filter((track) => track.genres[0] === 'metal').length).toBeGreaterThanOrEqual(5);
  });

  it('co-occurrence from other listeners relates tracks, with a reason', async () => {
    const [anchor, partner] = [catalog[0]!, catalog.find((track) => track.genres[0] === 'soul')!];
    for (const userId of ['a', 'b', 'c']) {
      for (const track of [anchor, partner]) {
        await store.addFeedback({
          userId,
          sessionId: 's',
          recommendationId: 'r',
          trackId: track.id,
          signal: 'like',
        });
      }
    }
    const engine = createRecommender({ tracks: catalog, store });
    const { tracks } = await engine.recommend(query({ seed_tracks: [anchor.id], limit: 20 }), {
      userId: 'listener',
    });
    const related = tracks.find((track) => track.id === partner.id);
    expect(related?.reasons.join(' ')).toMatch(/listeners who played 'Blinding Lights' also played it/);
  });
});

describe('store outage', () => {
  it('answers without personalization, with a warning, when the store fails', async () => {
    const store = await createSqliteStore({ path: ':memory:' });
    const engine = createRecommender({ tracks: catalog, store });
    await engine.recommend(query({ limit: 3 }), {});
    await store.close();
    const result = await engine.recommend(query({ mood: 'calm', limit: 5 }), { userId: 'listener' });
    expect(result.tracks).toHaveLength(5);
    expect(result.warnings.join(' ')).toMatch(/not personalized/);
  });
});

describe('co-occurrence model', () => {
  it('relates rows that share baskets, normalized by frequency', () => {
    const model = CooccurrenceModel.fromBaskets([
      [1, 2],
      [1, 2, 3],
      [3, 4],
    ]);
    const related = model.related([1]);
    expect(related.get(2)!.score).toBeGreaterThan(related.get(3)!.score);
    expect(related.has(4)).toBe(false);
  });

  it('can be given to the engine directly', async () => {
    const partner = catalog.findIndex((track) => track.genres[0] === 'r&b');
    const rows = [0, partner];
    const engine = createRecommender({
      tracks: catalog,
      cooccurrence: CooccurrenceModel.fromBaskets([rows, rows]),
    });
    const { tracks } = await engine.recommend(query({ seed_tracks: [catalog[0]!.id], limit: 20 }), {});
    expect(tracks.map((track) => track.id)).toContain(catalog[partner]!.id);
  });
});
