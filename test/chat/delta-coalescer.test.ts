import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeltaCoalescer } from '../../src/chat/delta-coalescer.js';
import { DeltaPacer } from '../../src/chat/delta-pacer.js';

const fixed = (windowMs: number) => new DeltaPacer(windowMs, 0);

describe('DeltaCoalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first piece at once and batches what arrives within the window', () => {
    const frames: Array<[number, string]> = [];
    const coalescer = new DeltaCoalescer(fixed(30), (index, text) => frames.push([index, text]));
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
    const coalescer = new DeltaCoalescer(fixed(30), (_index, text) => frames.push(text));
    coalescer.push('a');
    vi.advanceTimersByTime(100);
    coalescer.push('b');
    expect(frames).toEqual(['a', 'b']);
  });

  it('releases every piece immediately with a zero interval and ignores empty text', () => {
    const frames: string[] = [];
    const coalescer = new DeltaCoalescer(fixed(0), (_index, text) => frames.push(text));
    coalescer.push('');
    coalescer.push('a');
    coalescer.push('b');
    expect(frames).toEqual(['a', 'b']);
  });

  it('drops buffered text on dispose', () => {
    const frames: string[] = [];
    const coalescer = new DeltaCoalescer(fixed(30), (_index, text) => frames.push(text));
    coalescer.push('sent');
    coalescer.push('lost');
    coalescer.dispose();
    vi.advanceTimersByTime(100);
    expect(frames).toEqual(['sent']);
  });

  it('widens its window when many turns stream on the instance', () => {
    const pacer = new DeltaPacer(30, 100);
    const frames: string[] = [];
    const busy = Array.from({ length: 9 }, () => new DeltaCoalescer(pacer, () => undefined));
    const coalescer = new DeltaCoalescer(pacer, (_index, text) => frames.push(text));
    coalescer.push('a');
    coalescer.push('b');
    vi.advanceTimersByTime(30);
    expect(frames).toEqual(['a']);
    vi.advanceTimersByTime(70);
    expect(frames).toEqual(['a', 'b']);
    for (const other of busy) other.dispose();
    vi.advanceTimersByTime(100);
    coalescer.push('c');
    coalescer.push('d');
    vi.advanceTimersByTime(30);
    expect(frames).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('DeltaPacer', () => {
  it('keeps the floor while few turns stream and stays within the frame budget beyond', () => {
    const pacer = new DeltaPacer(30, 2000);
    expect(pacer.windowMs()).toBe(30);
    for (let turn = 0; turn < 60; turn += 1) pacer.begin();
    expect(pacer.windowMs()).toBe(30);
    for (let turn = 0; turn < 140; turn += 1) pacer.begin();
    expect(pacer.windowMs()).toBe(100);
    for (let turn = 0; turn < 800; turn += 1) pacer.begin();
    expect(pacer.windowMs()).toBe(250);
    for (let turn = 0; turn < 1000; turn += 1) pacer.end();
    expect(pacer.windowMs()).toBe(30);
  });

  it('never paces when coalescing is off or there is no budget', () => {
    const off = new DeltaPacer(0, 2000);
    const unbudgeted = new DeltaPacer(30, 0);
    for (let turn = 0; turn < 1000; turn += 1) {
      off.begin();
      unbudgeted.begin();
    }
    expect(off.windowMs()).toBe(0);
    expect(unbudgeted.windowMs()).toBe(30);
  });

  it('counts a disposed coalescer once, however often it is disposed', () => {
    const pacer = new DeltaPacer(10, 1000);
    const coalescers = Array.from({ length: 30 }, () => new DeltaCoalescer(pacer, () => undefined));
    expect(pacer.windowMs()).toBe(30);
    for (let round = 0; round < 3; round += 1) coalescers[0]!.dispose();
    expect(pacer.windowMs()).toBe(29);
  });
});
