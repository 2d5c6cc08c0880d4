import { z } from 'zod';
import { invalid } from '../errors.js';
import type { SpotifyApi } from './spotify-api.js';

export interface PlaylistExport {
  name: string;
  description?: string;
  /** Spotify track ids (22 characters), in playlist order. */
  trackIds: readonly string[];
  public?: boolean;
}

export interface ExportedPlaylist {
  playlistId: string;
  url: string;
  added: number;
}

const exportSchema = z.object({
  name: z.string().trim().min(1, 'empty'),
  trackIds: z
    .array(z.string().regex(/^[0-9A-Za-z]{22}$/, 'expected a 22-character Spotify track id'))
    .min(1, 'no tracks to export')
    // Spotify caps a playlist at 10,000 items.
    .max(10_000),
});

/**
 * A recommendation set as a playlist in the listener's Spotify library. Ids are checked before anything is
 * created; if adding fails part-way, the playlist exists with the tracks added so far.
 */
export async function exportPlaylist(
  api: Pick<SpotifyApi, 'createPlaylist' | 'addTracks'>,
  request: PlaylistExport,
): Promise<ExportedPlaylist> {
  const checked = exportSchema.safeParse(request);
  if (!checked.success) throw invalid(checked.error.issues);
  const playlist = await api.createPlaylist({
    name: request.name,
    description: request.description,
    public: request.public ?? false,
  });
  const uris = request.trackIds.map((id) => `spotify:track:${id}`);
  await api.addTracks(playlist.id, uris);
  return { playlistId: playlist.id, url: playlist.url, added: uris.length };
}
