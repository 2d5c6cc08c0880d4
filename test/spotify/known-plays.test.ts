import { describe, expect, it } from 'vitest';
import { type RecentPlay, withoutKnownPlays } from '../../src/spotify/index.js';

function recent(trackName: string, playedAt: string, id = 'a'.repeat(22)): RecentPlay {
  return {
    playedAt,
    trackId: id,
    uri: `spotify:track:${id}`,
    trackName,
    artistName: 'Artist',
    albumName: 'Album',
    durationMs: 180_000,
  };
}

describe('recent plays against imported history', () => {
  it('drops plays already imported, by URI or by name, within the track length and a margin', () => {
    const plays = [
      recent('Song', '2026-05-01T10:03:00.000Z'),
      recent('Other', '2026-05-01T11:00:00.000Z', 'b'.repeat(22)),
      recent('Song', '2026-05-02T10:00:00.000Z'),
    ];
    const known = [
      // Extended history: end time, with URI.
      {
        playedAt: '2026-05-01T10:00:30.000Z',
        trackName: 'Song',
        artistName: 'Artist',
        spotifyTrackUri: plays[0]?.uri,
      },
      // Account data: to the minute, no URI, other case.
      { playedAt: '2026-05-01T11:04:00.000Z', trackName: 'other', artistName: 'ARTIST' },
    ];
    expect(withoutKnownPlays(plays, known).map((play) => play.playedAt)).toEqual([
      '2026-05-02T10:00:00.000Z',
    ]);
  });

  it('counts a track on repeat once per known play', () => {
    const plays = [recent('Song', '2026-05-01T10:00:00.000Z'), recent('Song', '2026-05-01T10:03:00.000Z')];
    const known = [{ playedAt: '2026-05-01T10:01:00.000Z', trackName: 'Song', artistName: 'Artist' }];
    expect(withoutKnownPlays(plays, known)).toHaveLength(1);
    expect(withoutKnownPlays(plays, [])).toHaveLength(2);
  });
});
