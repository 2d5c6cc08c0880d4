import type { CatalogTrack } from '../../protocol/index.js';
import { slugify } from '../text.js';
import { bundledRows } from './bundled-tracks.js';
import { estimateFeatures } from './estimate-features.js';

let cached: CatalogTrack[] | null = null;

/** The bundled catalog as CatalogTracks with estimated features; built once, then shared (read-only). */
export function bundledCatalog(): CatalogTrack[] {
  cached ??= Object.entries(bundledRows).flatMap(([genre, rows]) => rows.map((row) => parseRow(genre, row)));
  return cached;
}

function parseRow(primaryGenre: string, row: string): CatalogTrack {
  const [name = '', artistList = '', album = '', year = '', bpm = '', tagList = '', flag = ''] = row
    .split('|')
    .map((part) => part.trim());
  const artists = artistList.split(';').map((artist) => artist.trim());
  const tags = tagList === '' ? [] : tagList.split(',').map((tag) => tag.trim());
  const id = `echotune:${slugify(`${name} ${artists[0] ?? ''}`)}`;
  const estimated = estimateFeatures(
    id,
    primaryGenre,
    tags,
    Number(bpm),
    year === '' ? Number.NaN : Number(year),
  );
  return {
    id,
    name,
    artists,
    album,
    releaseDate: year === '' ? null : year,
    genres: [primaryGenre, ...tags.filter((tag) => tag !== primaryGenre)],
    popularity: estimated.popularity,
    durationMs: estimated.durationMs,
    explicit: flag === 'E',
    features: estimated.features,
    estimated: true,
  };
}
