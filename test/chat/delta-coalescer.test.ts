import { describe, expect, it, vi } from 'vitest';
import { DeltaCoalescer } from '../../src/chat/delta-coalescer.js';

describe('DeltaCoalescer', () => {
  it('merges deltas that arrive within one interval into one numbered frame', () => {
    vi.useFakeTimers();
    const frames: Array<[number, string]> = [];
    const coalescer = new DeltaCoalescer(30, (index, text) => frames.push([index, text]));
    coalescer.push('Hel');
    coalescer.push('lo');
    expect(frames).toEqual([]);
    vi.advanceTimersByTime(30);
    coalescer.push(' world');
    coalescer.flush();
    expect(frames).toEqual([
      [0, 'Hello'],
      [1, ' world'],
    ]);
    vi.useRealTimers();
  });

  it('releases immediately with a zero interval and ignores empty text', () => {
    const frames: string[] = [];
    const coalescer = new DeltaCoalescer(0, (_index, text) => frames.push(text));
    coalescer.push('');
    coalescer.push('a');
    coalescer.push('b');
    expect(frames).toEqual(['a', 'b']);
  });

  it('drops buffered text on dispose', () => {
    vi.useFakeTimers();
    const frames: string[] = [];
    const coalescer = new DeltaCoalescer(30, (_index, text) => frames.push(text));
    coalescer.push('lost');
    coalescer.dispose();
    vi.advanceTimersByTime(100);
    expect(frames).toEqual([]);
    vi.useRealTimers();
  });
});
