import { audioFeatureNames } from '../../protocol/index.js';

/**
 * Recognizes the column sets catalogs come in and maps a raw record to the fields of importRowSchema.
 * - TidyTuesday 2020-01-21 spotify_songs: track_id, track_name, track_artist, track_album_name,
 *   track_album_release_date, track_popularity, playlist_genre, playlist_subgenre, features, duration_ms.
 * - Kaggle "Spotify Tracks Dataset": track_id, artists (';'-separated), album_name, track_name,
 *   popularity, duration_ms, explicit, features, time_signature, track_genre.
 * - EchoTune's own JSON (CatalogTrack objects, as exported by the store).
 */
export type ColumnSet = 'tidytuesday' | 'kaggle' | 'echotune';

export function detectColumnSet(fields: readonly string[]): ColumnSet | null {
  const has = (name: string) => fields.includes(name);
  if (has('track_id') && has('track_artist') && has('track_name')) return 'tidytuesday';
  if (has('track_id') && has('artists') && has('track_name')) return 'kaggle';
  if (has('id') && has('name') && has('artists') && has('features')) return 'echotune';
  return null;
}

export interface MapOptions {
  /** Leave genre columns out (the evaluation must not see the labels it scores against). */
  withoutGenres: boolean;
}

/** The record with the recognized columns renamed; values are left for the schema to coerce. */
export function mapRecord(
  set: ColumnSet,
  record: Record<string, unknown>,
  options: MapOptions,
): Record<string, unknown> {
  if (set === 'echotune') return options.withoutGenres ? { ...record, genres: [] } : record;
  const text = (name: string): string => {
    const value = record[name];
    return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  };
  const features = Object.fromEntries(audioFeatureNames.map((name) => [name, numberCell(record[name])]));
  if (set === 'tidytuesday') {
    return {
      id: text('track_id'),
      name: text('track_name'),
      artists: splitArtists(text('track_artist'), null),
      album: text('track_album_name'),
      releaseDate: text('track_album_release_date') || null,
      genres: options.withoutGenres
        ? []
        : [text('playlist_genre'), text('playlist_subgenre')].filter(Boolean),
      popularity: numberCell(record.track_popularity),
      durationMs: numberCell(record.duration_ms),
      explicit: null,
      features,
    };
  }
  return {
    id: text('track_id'),
    name: text('track_name'),
    artists: splitArtists(text('artists'), ';'),
    album: text('album_name'),
    releaseDate: null,
    genres: options.withoutGenres ? [] : [text('track_genre')].filter(Boolean),
    popularity: numberCell(record.popularity),
    durationMs: numberCell(record.duration_ms),
    explicit: booleanCell(record.explicit),
    features,
  };
}

function splitArtists(value: string, separator: string | null): string[] {
  const parts = separator === null ? [value] : value.split(separator);
  return parts.map((part) => part.trim()).filter(Boolean);
}

/** A cell as a number; blank is missing (undefined), text that is not a number stays NaN and is rejected. */
function numberCell(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return Number(value);
}

function booleanCell(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string' || value.trim() === '') return null;
  return ['true', '1', 'yes'].includes(value.trim().toLowerCase());
}
