import { describe, expect, it } from 'vitest';
import { bundledCatalog, createRecommender } from '../../src/recommend/index.js';
import { dice, splitMention } from '../../src/recommend/resolver.js';

const engine = createRecommender({ tracks: bundledCatalog() });

describe('resolver', () => {
  it('resolves an exact title and artist with full confidence', () => {
    const [resolved] = engine.resolve([{ title: 'Blinding Lights', artist: 'The Weeknd' }]);
    expect(resolved).toEqual({
      mention: { title: 'Blinding Lights', artist: 'The Weeknd' },
      trackId: 'echotune:blinding-lights-the-weeknd',
      confidence: 1,
    });
  });

  it('ignores case, accents, punctuation and release decorations', () => {
    const [resolved] = engine.resolve([{ title: 'bohemian rhapsody - Remastered 2011', artist: 'QUEEN' }]);
    expect(resolved!.trackId).toBe('echotune:bohemian-rhapsody-queen');
    const [accented] = engine.resolve([{ title: 'Tusa', artist: 'Karol G' }]);
    expect(accented!.trackId).toBe('echotune:tusa-karol-g');
  });

  it('tolerates small misspellings with lower confidence', () => {
    const [resolved] = engine.resolve([{ title: 'Smells Like Teen Sprit', artist: 'Nirvana' }]);
    expect(resolved!.trackId).toBe('echotune:smells-like-teen-spirit-nirvana');
    expect(resolved!.confidence).toBeLessThan(1);
    expect(resolved!.confidence).toBeGreaterThan(0.7);
  });

  it('picks the right artist when titles collide', () => {
    const [strings] = engine.resolve([{ title: 'Adagio for Strings', artist: 'Tiësto' }]);
    expect(strings!.trackId).toBe('echotune:adagio-for-strings-tiesto');
    const [barber] = engine.resolve([{ title: 'Adagio for Strings', artist: 'Samuel Barber' }]);
    expect(barber!.trackId).toBe('echotune:adagio-for-strings-samuel-barber');
  });

  it('leaves unknown songs unresolved', () => {
    const [resolved] = engine.resolve([{ title: 'A Song Nobody Wrote', artist: 'Imaginary Band' }]);
    expect(resolved!.trackId).toBeNull();
  });

  it('splits "Title — Artist", "Title - Artist" and "Title by Artist"', () => {
    expect(splitMention('Hey Jude — The Beatles')).toEqual({ title: 'Hey Jude', artist: 'The Beatles' });
    expect(splitMention('"Hey Jude" by The Beatles')).toEqual({ title: 'Hey Jude', artist: 'The Beatles' });
    expect(splitMention('Hey Jude')).toEqual({ title: 'Hey Jude' });
  });

  it('measures title similarity with bigrams', () => {
    expect(dice('night', 'night')).toBe(1);
    expect(dice('night', 'nacht')).toBeCloseTo(0.25);
  });
});
