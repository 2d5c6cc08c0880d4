import { describe, expect, it } from 'vitest';
import { titleFromMessage } from '../../src/chat/session-title.js';

describe('automatic session titles', () => {
  it('keeps a short message whole, with its whitespace collapsed', () => {
    expect(titleFromMessage('  calm\n\npiano\tfor   reading ')).toBe('calm piano for reading');
    expect(titleFromMessage('x'.repeat(48))).toBe('x'.repeat(48));
  });

  it('cuts a long message at a word boundary and adds an ellipsis, 48 characters at most', () => {
    const title = titleFromMessage(
      'something upbeat for my morning run along the river, maybe some eighties synth pop',
    );
    expect(title).toBe('something upbeat for my morning run along the…');
    expect([...title].length).toBeLessThanOrEqual(48);
  });

  it('keeps a word that ends exactly where the room ends, and drops punctuation before the ellipsis', () => {
    // 47 characters of words, then a space: the last word is whole.
    const words = 'aaaa bbbb cccc dddd eeee ffff gggg hhhh iiiiiii';
    expect(words).toHaveLength(47);
    expect(titleFromMessage(`${words} and more`)).toBe(`${words}…`);
    expect(titleFromMessage(`${'word '.repeat(8)}stop, ${'more '.repeat(10)}`)).toBe(
      `${'word '.repeat(8)}stop…`,
    );
  });

  it('cuts inside one long word rather than leave almost nothing', () => {
    const title = titleFromMessage(`hi ${'z'.repeat(80)}`);
    expect(title).toBe(`hi ${'z'.repeat(44)}…`);
  });

  it('never splits an emoji', () => {
    const title = titleFromMessage('🎹'.repeat(60));
    expect(title).toBe(`${'🎹'.repeat(47)}…`);
  });
});
