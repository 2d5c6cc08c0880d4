import { describe, expect, it } from 'vitest';
import { findTrackMentions } from '../../src/chat/track-mentions.js';

describe('findTrackMentions', () => {
  it('reads quoted titles followed by "by Artist"', () => {
    const text = 'Try “Blinding Lights” by The Weeknd, then "Levitating" by Dua Lipa for the cool-down.';
    expect(findTrackMentions(text)).toEqual([
      { title: 'Blinding Lights', artist: 'The Weeknd' },
      { title: 'Levitating', artist: 'Dua Lipa' },
    ]);
  });

  it('reads list lines of the form "Title — Artist", with markdown emphasis removed', () => {
    const text = 'Here you go:\n1. **Hey Ya!** — OutKast\n- Rolling in the Deep - Adele\n';
    expect(findTrackMentions(text)).toEqual([
      { title: 'Hey Ya!', artist: 'OutKast' },
      { title: 'Rolling in the Deep', artist: 'Adele' },
    ]);
  });

  it('finds nothing in plain prose and counts a repeated mention once', () => {
    expect(findTrackMentions('Running music should be fast and bright.')).toEqual([]);
    const twice = '"Hello" by Adele. Again: "Hello" by Adele.';
    expect(findTrackMentions(twice)).toHaveLength(1);
  });
});
