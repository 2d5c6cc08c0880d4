import { createHash } from 'node:crypto';

/**
 * Spotify's JSON shapes as the fake serves them: full objects, with the fields a real answer carries,
 * so the client's schemas are tested against what Spotify sends rather than against what they read.
 */

export interface FakeTrack {
  id: string;
  name: string;
  artists: string[];
  album: string;
  durationMs: number;
  /** Left out, as for development-mode apps since February 2026. */
  popularity?: number;
  releaseDate?: string;
}

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A 22-character base62 id, stable for a seed (Spotify ids have this form). */
export function spotifyId(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  return Array.from(digest.subarray(0, 22), (byte) => base62[byte % 62]).join('');
}

export function fakeTrack(name: string, artist: string, extra: Partial<FakeTrack> = {}): FakeTrack {
  return {
    id: spotifyId(`${name}/${artist}`),
    name,
    artists: [artist],
    album: `${name} (single)`,
    durationMs: 200_000,
    popularity: 50,
    releaseDate: '2001-03-05',
    ...extra,
  };
}

function simplifiedArtist(baseUrl: string, name: string) {
  const id = spotifyId(`artist/${name}`);
  return {
    external_urls: { spotify: `https://open.spotify.com/artist/${id}` },
    href: `${baseUrl}/v1/artists/${id}`,
    id,
    name,
    type: 'artist',
    uri: `spotify:artist:${id}`,
  };
}

export function trackJson(baseUrl: string, track: FakeTrack) {
  const albumId = spotifyId(`album/${track.album}`);
  const releaseDate = track.releaseDate ?? '2001';
  return {
    album: {
      album_type: 'album',
      total_tracks: 12,
      external_urls: { spotify: `https://open.spotify.com/album/${albumId}` },
      href: `${baseUrl}/v1/albums/${albumId}`,
      id: albumId,
      images: [{ url: `https://i.scdn.co/image/${albumId}`, height: 640, width: 640 }],
      name: track.album,
      release_date: releaseDate,
      release_date_precision: releaseDate.length === 10 ? 'day' : releaseDate.length === 7 ? 'month' : 'year',
      type: 'album',
      uri: `spotify:album:${albumId}`,
      artists: track.artists.map((artist) => simplifiedArtist(baseUrl, artist)),
    },
    artists: track.artists.map((artist) => simplifiedArtist(baseUrl, artist)),
    disc_number: 1,
    duration_ms: track.durationMs,
    explicit: false,
    external_ids: { isrc: `USFAKE${track.id.slice(0, 6)}` },
    external_urls: { spotify: `https://open.spotify.com/track/${track.id}` },
    href: `${baseUrl}/v1/tracks/${track.id}`,
    id: track.id,
    is_playable: true,
    name: track.name,
    ...(track.popularity === undefined ? {} : { popularity: track.popularity }),
    preview_url: null,
    track_number: 1,
    type: 'track',
    uri: `spotify:track:${track.id}`,
    is_local: false,
  };
}

export function userJson(baseUrl: string, user: { id: string; displayName: string }) {
  return {
    display_name: user.displayName,
    external_urls: { spotify: `https://open.spotify.com/user/${user.id}` },
    href: `${baseUrl}/v1/users/${user.id}`,
    id: user.id,
    images: [],
    type: 'user',
    uri: `spotify:user:${user.id}`,
  };
}

export interface FakePlaylist {
  id: string;
  name: string;
  description: string | null;
  public: boolean;
  uris: string[];
  snapshots: number;
}

export function playlistJson(
  baseUrl: string,
  playlist: FakePlaylist,
  owner: { id: string; displayName: string },
) {
  return {
    collaborative: false,
    description: playlist.description,
    external_urls: { spotify: `https://open.spotify.com/playlist/${playlist.id}` },
    href: `${baseUrl}/v1/playlists/${playlist.id}`,
    id: playlist.id,
    images: [],
    name: playlist.name,
    owner: { ...userJson(baseUrl, owner), type: 'user' },
    public: playlist.public,
    snapshot_id: snapshotId(playlist),
    items: { href: `${baseUrl}/v1/playlists/${playlist.id}/items`, total: playlist.uris.length },
    type: 'playlist',
    uri: `spotify:playlist:${playlist.id}`,
  };
}

export function snapshotId(playlist: FakePlaylist): string {
  return Buffer.from(`${playlist.id}:${playlist.snapshots}`).toString('base64');
}

/** The Web API's error body. */
export function apiError(status: number, message: string) {
  return { error: { status, message } };
}

/** The Accounts service's OAuth error body. */
export function oauthError(error: string, description: string) {
  return { error, error_description: description };
}
