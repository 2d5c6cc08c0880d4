import { describe, expect, it } from 'vitest';
import { listeningSignal, signalThresholds } from '../../src/listening/index.js';
import { fixture, readAll, readFile } from './read-all.js';

const play = (msPlayed: number, reasonEnd: string | null, skipped: boolean | null) => ({
  msPlayed,
  reasonEnd,
  skipped,
});

describe('listeningSignal', () => {
  it('calls a play skipped when Spotify flagged it, however long it ran', () => {
    expect(listeningSignal(play(211_000, 'trackdone', true))).toBe('skip');
  });

  it('calls next or back within the first 30 s a skip, later ones neutral', () => {
    expect(listeningSignal(play(29_999, 'fwdbtn', false))).toBe('skip');
    expect(listeningSignal(play(12_000, 'backbtn', null))).toBe('skip');
    expect(listeningSignal(play(30_000, 'fwdbtn', false))).toBe('neutral');
  });

  it('calls a play to the end of a minute or more positive, a shorter one neutral', () => {
    expect(listeningSignal(play(60_000, 'trackdone', false))).toBe('positive');
    expect(listeningSignal(play(59_999, 'trackdone', false))).toBe('neutral');
    expect(listeningSignal(play(240_000, 'trackdone', null))).toBe('positive');
  });

  it('calls a short play without skip information a weak skip (all of account data)', () => {
    expect(listeningSignal(play(29_000, null, null))).toBe('weak-skip');
    expect(listeningSignal(play(0, null, null))).toBe('weak-skip');
    expect(listeningSignal(play(30_000, null, null))).toBe('neutral');
    expect(listeningSignal(play(600_000, null, null))).toBe('neutral');
    expect(listeningSignal(play(5_000, 'endplay', false))).toBe('neutral');
  });

  it('takes other thresholds', () => {
    expect(
      listeningSignal(play(45_000, 'trackdone', false), { ...signalThresholds, positiveMinMs: 40_000 }),
    ).toBe('positive');
  });

  it('reads both extended vintages into the signals the fixtures were written for', async () => {
    const current = (await readAll(readFile(fixture('Streaming_History_Audio_2023_0.json')))).plays;
    expect(current.map((row) => [row.trackName, listeningSignal(row)])).toEqual([
      ['Midnight Harbour', 'positive'],
      ['Paper Planes Over Oslo', 'skip'],
      ['Glass Houses', 'skip'],
      ['Saltwater Hymn', 'neutral'],
      ['Interlude (Tide)', 'neutral'],
      ['東京 Nights', 'neutral'],
    ]);
    const legacy = (await readAll(readFile(fixture('endsong_0.json')))).plays;
    expect(legacy.map((row) => listeningSignal(row))).toEqual(['positive', 'skip', 'neutral', 'skip']);
  });
});
