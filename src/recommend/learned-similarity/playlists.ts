import { z } from 'zod';
import type { CatalogTrack } from '../../protocol/index.js';
import { importRecords, openCatalogSource } from '../import/index.js';

/** A playlist of a catalog file: the tracks that share it, and its genre and subgenre labels when the file has them. */
export interface Playlist {
  id: string;
  genre: string;
  subgenre: string;
  trackIds: string[];
}

export interface PlaylistCatalog {
  tracks: CatalogTrack[];
  playlists: Playlist[];
}

const membershipSchema = z.object({
  track_id: z.string().min(1),
  playlist_id: z.string().min(1),
  playlist_genre: z.string().default(''),
  playlist_subgenre: z.string().default(''),
});

/**
 * A catalog file whose rows name their playlist (TidyTuesday `spotify_songs`: one row per track and
 * playlist): the tracks as the importer reads them, and which tracks share each playlist. Rows without
 * a playlist id are not memberships; the error names the first one when none has it.
 */
export async function readPlaylistCatalog(location: string): Promise<PlaylistCatalog> {
  const source = await openCatalogSource(location);
  const records: Record<string, unknown>[] = [];
  for await (const record of source.records) records.push(record);
  const { tracks } = await importRecords(records);
  const known = new Set(tracks.map((track) => track.id));
  const playlists = new Map<string, Playlist>();
  let firstProblem: string | null = null;
  records.forEach((record, at) => {
    const parsed = membershipSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      firstProblem ??= `row ${at + 1}: ${issue.path.join('.')}: ${issue.message}`;
      return;
    }
    const {
      track_id: trackId,
      playlist_id: id,
      playlist_genre: genre,
      playlist_subgenre: subgenre,
    } = parsed.data;
    if (!known.has(trackId)) return;
    const playlist = playlists.get(id) ?? { id, genre, subgenre, trackIds: [] };
    if (!playlist.trackIds.includes(trackId)) playlist.trackIds.push(trackId);
    playlists.set(id, playlist);
  });
  if (playlists.size === 0) {
    throw new Error(`${location} names no playlists (${firstProblem ?? 'it has no rows'})`);
  }
  return { tracks, playlists: [...playlists.values()] };
}
