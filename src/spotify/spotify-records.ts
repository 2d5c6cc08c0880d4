import type { TrackJson } from './spotify-api-schemas.js';

/** A catalog track, as search gives it, in this service's words. */
export interface SpotifyTrack {
  id: string;
  /** `spotify:track:<id>` */
  uri: string;
  name: string;
  /** Artist names, main artist first. */
  artists: string[];
  album: string;
  durationMs: number;
  /** 0–100; null where Spotify no longer sends it (development-mode apps since February 2026). */
  popularity: number | null;
  /** As precise as Spotify knows it: `2001`, `2001-03` or `2001-03-05`. */
  releaseDate: string | null;
  /** The track's page on open.spotify.com. */
  url: string | null;
}

/** One play from the listener's recently played list. */
export interface RecentPlay {
  /** ISO 8601 UTC. */
  playedAt: string;
  trackId: string;
  uri: string;
  trackName: string;
  /** The first credited artist, like the album artist of an export's rows. */
  artistName: string;
  albumName: string;
  durationMs: number;
}

export interface RecentPlays {
  /** Oldest first, so a caller can store them in order. */
  plays: RecentPlay[];
  /** Pass as `after` next time to get only newer plays; unchanged when nothing new was played. */
  nextAfter: number | null;
  /** Spotify has more plays after this page. */
  hasMore: boolean;
}

export interface SpotifyUser {
  id: string;
  displayName: string | null;
}

export interface CreatedPlaylist {
  id: string;
  /** open.spotify.com link for the listener. */
  url: string;
  uri: string;
}

/** Null for a local file, which has no catalog id and cannot be matched or added to a playlist. */
export function toSpotifyTrack(track: TrackJson): SpotifyTrack | null {
  if (track.id === null) return null;
  return {
    id: track.id,
    uri: track.uri,
    name: track.name,
    artists: track.artists.map((artist) => artist.name),
    album: track.album.name,
    durationMs: track.duration_ms,
    popularity: track.popularity ?? null,
    releaseDate: track.album.release_date ?? null,
    url: track.external_urls?.spotify ?? null,
  };
}

export function toRecentPlay(item: { track: TrackJson; played_at: string }): RecentPlay | null {
  const track = toSpotifyTrack(item.track);
  if (track === null) return null;
  return {
    playedAt: new Date(item.played_at).toISOString(),
    trackId: track.id,
    uri: track.uri,
    trackName: track.name,
    artistName: track.artists[0] ?? '',
    albumName: track.album,
    durationMs: track.durationMs,
  };
}
