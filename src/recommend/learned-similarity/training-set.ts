import type { CatalogTrack } from '../../protocol/index.js';
import { modelInputNames, modelInputs } from '../feature-index.js';
import type { Playlist } from './playlists.js';
import type { TrainingSet } from './train-similarity.js';

/** What the trainer reads: the tracks' raw model inputs and, per playlist, the track numbers it holds. */
export function trainingSetOf(tracks: readonly CatalogTrack[], playlists: readonly Playlist[]): TrainingSet {
  const rowById = new Map(tracks.map((track, row) => [track.id, row]));
  return {
    inputs: [...modelInputNames],
    columns: modelInputs(tracks).columns,
    playlists: playlists.map((playlist) =>
      Int32Array.from(
        playlist.trackIds.map((id) => rowById.get(id)).filter((row): row is number => row !== undefined),
      ),
    ),
  };
}
