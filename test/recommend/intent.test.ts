import { describe, expect, it } from 'vitest';
import { bundledCatalog, createRecommender } from '../../src/recommend/index.js';

const engine = createRecommender({ tracks: bundledCatalog() });

describe('extractIntent', () => {
  it('reads mood and activity from "something upbeat for my run"', () => {
    expect(engine.extractIntent('something upbeat for my run')).toMatchObject({
      mood: 'upbeat',
      activity: 'running',
    });
  });

  it('reads calm and study', () => {
    expect(engine.extractIntent('Calm music to study to')).toMatchObject({ mood: 'calm', activity: 'study' });
  });

  it('reads genres from the catalog vocabulary, including aliases', () => {
    expect(engine.extractIntent('some hip hop and jazz').seed_genres).toEqual(
      expect.arrayContaining(['hip-hop', 'jazz']),
    );
    expect(engine.extractIntent('play me some rnb').seed_genres).toEqual(['r&b']);
  });

  it('reads an explicit tempo and fast or slow', () => {
    expect(engine.extractIntent('something at 128 bpm').target_tempo).toBe(128);
    expect(engine.extractIntent('something fast').min_tempo).toBe(120);
    expect(engine.extractIntent('slow songs please').max_tempo).toBe(100);
  });

  it('reads named artists, multi-word and capitalized', () => {
    expect(engine.extractIntent('more like Daft Punk and Adele').seed_artists).toEqual([
      'Daft Punk',
      'Adele',
    ]);
  });

  it('does not take ordinary lower-case words for one-word artists', () => {
    expect(engine.extractIntent('i want something happy').seed_artists).toBeUndefined();
  });

  it('resolves a quoted song title to a seed track', () => {
    expect(engine.extractIntent('songs like "Blinding Lights"').seed_tracks).toEqual([
      'echotune:blinding-lights-the-weeknd',
    ]);
  });

  it('reads clean requests and a count', () => {
    expect(engine.extractIntent('10 clean songs for the kids')).toMatchObject({ explicit: false, limit: 10 });
  });

  it('returns an empty query for text without intent', () => {
    expect(engine.extractIntent('hello there')).toEqual({});
  });
});
