import { describe, expect, expectTypeOf, it } from 'vitest';
import { type AudioFeatureName, type CatalogTrack, catalogTrackSchema } from '../../src/protocol/index.js';
import { makeTrack } from '../store/store-fixtures.js';

describe('catalog track schema', () => {
  it('types the features as one number per audio feature', () => {
    expectTypeOf<CatalogTrack['features']>().toEqualTypeOf<Record<AudioFeatureName, number>>();
    expectTypeOf<CatalogTrack['features']['danceability']>().toEqualTypeOf<number>();
  });

  it('requires every audio feature and drops names outside the list', () => {
    const track = makeTrack('t1');
    const { mode: _mode, ...withoutMode } = track.features;
    const missing = catalogTrackSchema.safeParse({ ...track, features: withoutMode });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['features.mode']);

    const parsed = catalogTrackSchema.parse({ ...track, features: { ...track.features, warmth: 0.4 } });
    expect(parsed.features).toEqual(track.features);
  });
});
