import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeltaCoalescer } from '../../src/chat/delta-coalescer.js';

describe('DeltaCoalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first piece at once and batches what arrives within the window', () => {
    const frames: Array<[number, string]> = [];
    const coalescer = new DeltaCoalescer(30, (index, text) => frames.push([index, text]));
    coalescer.push('Hel');
    expect(frames).toEqual([[0, 'Hel']]);
    coalescer.push('lo');
    coalescer.push(' wor');
    expect(frames).toHaveLength(1);
    vi.advanceTimersByTime(30);
    expect(frames).toEqual([
      [0, 'Hel'],
      [1, 'lo wor'],
    ]);
    coalescer.push('ld');
    coalescer.flush();
    expect(frames.at(-1)).toEqual([2, 'ld']);
  });

  it('starts a fresh window after a quiet interval', () => {
    const frames: string[] = [];
    const coalescer = new DeltaCoalescer(30, (_index, text) => frames.push(text));
    coalescer.push('a');
    vi.advanceTimersByTime(100);
    coalescer.push('b');
    expect(frames).toEqual(['a', 'b']);
  });

  it('releases every piece immediately with a zero interval and ignores empty text', () => {
    const frames: string[] = [];
    const coalescer = new DeltaCoalescer(0, (_index, text) => frames.push(text));
    coalescer.push('');
    coalescer.push('a');
    coalescer.push('b');
    expect(frames).toEqual(['a', 'b']);
  });

  it('drops buffered text on dispose', () => {
    const frames: string[] = [];
    const coalescer = new DeltaCoalescer(30, (_index, text) => frames.push(text));
    coalescer.push('sent');
    coalescer.push('lost');
    coalescer.dispose();
    vi.advanceTimersByTime(100);
    expect(frames).toEqual(['sent']);
  });
});
