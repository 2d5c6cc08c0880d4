import { type AudioFeatureName, audioFeatureNames, type CatalogTrack } from '../protocol/index.js';
import { shippedSimilarityModel } from './learned-similarity/shipped-model.js';
import { Embedder, embeddingWidth, type SimilarityModel } from './learned-similarity/similarity-model.js';
import { type TunableAttribute, tunableAttributes } from './query.js';
import { normalizeText } from './text.js';

/** The columns of the feature matrix: every tunable attribute, in this order. */
export const indexedAttributes = Object.keys(tunableAttributes) as TunableAttribute[];
export const attributeColumn = new Map(indexedAttributes.map((name, column) => [name, column]));
/** Release year (unknown years take the catalog mean). */
export const yearColumn = indexedAttributes.length;
/** Audio features that are categories (pitch class, major/minor), not quantities to average over an artist. */
const categoricalFeatures: ReadonlySet<AudioFeatureName> = new Set(['key', 'mode']);
/**
 * The artist's profile: the mean of these attributes (and year) over all of the row's first artist's
 * tracks. Which scene a track belongs to is mostly a property of its artist, and an average over
 * their tracks is steadier than one track's features. Every audio feature but the categorical ones,
 * in the protocol's order, then popularity.
 */
export const artistProfileAttributes: readonly TunableAttribute[] = [
  ...audioFeatureNames.filter((name) => !categoricalFeatures.has(name)),
  'popularity',
];
/** The raw inputs of a similarity model, by name: every tunable attribute, then `year`. */
export const modelInputNames: readonly string[] = [...indexedAttributes, 'year'];
/**
 * The learned similarity space (learned-similarity/): a model's embedding of the track's attributes
 * and year, after the year column. The engine's sound similarity is squared distance over these.
 */
export const learnedColumns = Int32Array.from({ length: embeddingWidth }, (_, at) => yearColumn + 1 + at);
/** Physical columns of the matrix: the tunable attributes, the year and the learned embedding. */
const columnCount = yearColumn + 1 + embeddingWidth;
const profileWidth = artistProfileAttributes.length + 1;
/**
 * Virtual columns after the physical ones: the artist profile, stored once per artist (a small table
 * that stays in cache) rather than repeated in every row, so a scan streams half the bytes.
 */
export const artistProfileColumns = Int32Array.from({ length: profileWidth }, (_, at) => columnCount + at);

/**
 * The catalog laid out for scanning: z-scores column-major, one Float32Array per attribute (a query
 * plan uses a few of them, and a scan then streams only those), plus compact per-row arrays and
 * posting lists (genre, artist, album → Int32Array of rows). Built once per catalog; queries only read it.
 */
export interface FeatureIndex {
  readonly tracks: readonly CatalogTrack[];
  readonly size: number;
  /** Number of physical columns (`columnData.length`). */
  readonly columns: number;
  /** Physical plus virtual (artist-profile) columns: the width of query plans. */
  readonly width: number;
  /** z-scores, column-major: columnData[column][row]. */
  readonly columnData: readonly Float32Array[];
  /** Artist profiles in z units, profileWidth per profile, and each row's profile number. */
  readonly profiles: Float32Array;
  readonly profileWidth: number;
  readonly profileOfRow: Int32Array;
  /** Per physical column. */
  readonly means: Float64Array;
  readonly deviations: Float64Array;
  /** Smallest and largest z-score per physical column (0 for an empty catalog): bound a term's best. */
  readonly minimums: Float64Array;
  readonly maximums: Float64Array;
  /** Release year per row, NaN when unknown. */
  readonly years: Float32Array;
  /** 1 explicit, 0 clean, -1 unknown. */
  readonly explicit: Int8Array;
  /** Album key per row (title + release date); rows of one album share a number. */
  readonly albums: Int32Array;
  /** Every artist of the row, as artist numbers (artistNames[number]). */
  readonly rowArtists: readonly Int32Array[];
  readonly artistNames: readonly string[];
  readonly rowById: ReadonlyMap<string, number>;
  readonly genreRows: ReadonlyMap<string, Int32Array>;
  /** Normalized artist name → artist number. */
  readonly artistByName: ReadonlyMap<string, number>;
  readonly artistRows: readonly Int32Array[];
  readonly albumRows: ReadonlyMap<number, Int32Array>;
}

/**
 * Builds the index; `model` is the learned similarity (the shipped one unless an evaluation brings its
 * own, trained on part of the data).
 */
export function buildFeatureIndex(
  tracks: readonly CatalogTrack[],
  model: SimilarityModel = shippedSimilarityModel(),
): FeatureIndex {
  const size = tracks.length;
  const { columns: rawColumns, years } = modelInputs(tracks);
  const columnData = [...rawColumns, ...embed(model, rawColumns, size)];
  const artists = indexArtists(tracks);
  const profiles = buildArtistProfiles(columnData, artists.rowArtists, artists.artistRows);
  const { means, deviations } = standardize(columnData);
  const ranges = columnData.map(extremes);
  const minimums = Float64Array.from(ranges, ([low]) => low);
  const maximums = Float64Array.from(ranges, ([, high]) => high);
  const albums = indexAlbums(tracks);
  return {
    tracks,
    size,
    columns: columnCount,
    width: columnCount + profileWidth,
    columnData,
    profileWidth,
    ...profiles,
    means,
    deviations,
    minimums,
    maximums,
    years,
    explicit: Int8Array.from(tracks, (track) => (track.explicit === null ? -1 : track.explicit ? 1 : 0)),
    albums: albums.albums,
    albumRows: albums.albumRows,
    rowById: new Map(tracks.map((track, row) => [track.id, row])),
    genreRows: postingLists(tracks, (track) => track.genres.map((genre) => genre.toLowerCase())),
    ...artists,
  };
}

/**
 * The raw values a similarity model reads, one column per name of `modelInputNames` (unknown years take
 * the catalog's mean year), and the years as found (NaN when unknown).
 */
export function modelInputs(tracks: readonly CatalogTrack[]): {
  columns: Float32Array[];
  years: Float32Array;
} {
  const columns = modelInputNames.map(() => new Float32Array(tracks.length));
  const years = Float32Array.from(tracks, (track) => releaseYear(track.releaseDate));
  const knownYears = years.filter((year) => !Number.isNaN(year));
  const meanYear =
    knownYears.length > 0 ? knownYears.reduce((sum, year) => sum + year, 0) / knownYears.length : 2000;
  tracks.forEach((track, row) => {
    for (let column = 0; column < indexedAttributes.length; column++) {
      columns[column]![row] = rawValue(track, indexedAttributes[column]!);
    }
    columns[yearColumn]![row] = Number.isNaN(years[row]!) ? meanYear : years[row]!;
  });
  return { columns, years };
}

/** The model's embedding of every row, one column per dimension (raw; the index standardizes them). */
function embed(model: SimilarityModel, rawColumns: readonly Float32Array[], size: number): Float32Array[] {
  const order = model.inputs.map((name) => {
    const column = modelInputNames.indexOf(name);
    if (column < 0) throw new Error(`similarity model input '${name}' is not an attribute or 'year'`);
    return column;
  });
  if (model.output.units !== embeddingWidth) {
    throw new Error(`similarity model must embed in ${embeddingWidth} dimensions, not ${model.output.units}`);
  }
  const embedder = new Embedder(model);
  const raw = new Float64Array(order.length);
  const point = new Float64Array(embeddingWidth);
  const columns = Array.from({ length: embeddingWidth }, () => new Float32Array(size));
  for (let row = 0; row < size; row++) {
    for (let at = 0; at < order.length; at++) raw[at] = rawColumns[order[at]!]![row]!;
    embedder.embed(raw, point);
    for (let at = 0; at < embeddingWidth; at++) columns[at]![row] = point[at]!;
  }
  return columns;
}

/** The value of an attribute on a track, in the attribute's own units. */
export function rawValue(track: CatalogTrack, attribute: TunableAttribute): number {
  if (attribute === 'popularity') return track.popularity;
  if (attribute === 'duration_ms') return track.durationMs;
  return track.features[attribute];
}

/** An attribute value in z units of the index. */
export function toStandard(index: FeatureIndex, column: number, value: number): number {
  return (value - index.means[column]!) / index.deviations[column]!;
}

export function releaseYear(releaseDate: string | null): number {
  const year = releaseDate ? Number.parseInt(releaseDate.slice(0, 4), 10) : Number.NaN;
  return Number.isFinite(year) ? year : Number.NaN;
}

function standardize(columnData: readonly Float32Array[]): { means: Float64Array; deviations: Float64Array } {
  const means = new Float64Array(columnCount);
  const deviations = new Float64Array(columnCount);
  for (let column = 0; column < columnCount; column++) {
    const values = columnData[column]!;
    const size = values.length;
    let sum = 0;
    let squares = 0;
    for (let row = 0; row < size; row++) {
      const value = values[row]!;
      sum += value;
      squares += value * value;
    }
    const mean = size > 0 ? sum / size : 0;
    const variance = size > 0 ? squares / size - mean * mean : 0;
    // A constant column would divide by zero; a unit deviation keeps its z-scores at 0.
    means[column] = mean;
    deviations[column] = variance > 1e-12 ? Math.sqrt(variance) : 1;
  }
  // The learned columns share one scale (their mean variance becomes 1), so distances in the learned
  // space keep the model's shape; a random pair is still 2 apart per column on average, as in z units.
  const learnedVariance =
    learnedColumns.reduce((sum, column) => sum + deviations[column]! ** 2, 0) / learnedColumns.length;
  for (const column of learnedColumns) deviations[column] = Math.sqrt(learnedVariance);
  for (let column = 0; column < columnCount; column++) {
    const values = columnData[column]!;
    const mean = means[column]!;
    const deviation = deviations[column]!;
    for (let row = 0; row < values.length; row++) values[row] = (values[row]! - mean) / deviation;
  }
  return { means, deviations };
}

/** [smallest, largest] of a column; [0, 0] when empty. */
function extremes(values: Float32Array): [number, number] {
  if (values.length === 0) return [0, 0];
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let row = 0; row < values.length; row++) {
    const value = values[row]!;
    if (value < low) low = value;
    if (value > high) high = value;
  }
  return [low, high];
}

function postingLists(
  tracks: readonly CatalogTrack[],
  keysOf: (track: CatalogTrack) => string[],
): Map<string, Int32Array> {
  const lists = new Map<string, number[]>();
  tracks.forEach((track, row) => {
    for (const key of new Set(keysOf(track))) {
      const list = lists.get(key);
      if (list) list.push(row);
      else lists.set(key, [row]);
    }
  });
  return new Map([...lists].map(([key, rows]) => [key, Int32Array.from(rows)]));
}

function indexArtists(tracks: readonly CatalogTrack[]): {
  rowArtists: Int32Array[];
  artistNames: string[];
  artistByName: Map<string, number>;
  artistRows: Int32Array[];
} {
  const artistByName = new Map<string, number>();
  const artistNames: string[] = [];
  const rowsOfArtist: number[][] = [];
  const rowArtists = tracks.map((track, row) => {
    const numbers = new Set<number>();
    for (const artist of track.artists) {
      const key = normalizeText(artist);
      if (key === '') continue;
      let number = artistByName.get(key);
      if (number === undefined) {
        number = artistNames.length;
        artistByName.set(key, number);
        artistNames.push(artist);
        rowsOfArtist.push([]);
      }
      if (!numbers.has(number)) rowsOfArtist[number]!.push(row);
      numbers.add(number);
    }
    return Int32Array.from(numbers);
  });
  return {
    rowArtists,
    artistNames,
    artistByName,
    artistRows: rowsOfArtist.map((rows) => Int32Array.from(rows)),
  };
}

function indexAlbums(tracks: readonly CatalogTrack[]): {
  albums: Int32Array;
  albumRows: Map<number, Int32Array>;
} {
  const numbers = new Map<string, number>();
  const albums = Int32Array.from(tracks, (track) => {
    // Keyed by title and release date, not artist: a compilation joins the artists it gathers.
    const key = `${normalizeText(track.album)}\u0000${track.releaseDate ?? normalizeText(track.artists[0] ?? '')}`;
    let number = numbers.get(key);
    if (number === undefined) {
      number = numbers.size;
      numbers.set(key, number);
    }
    return number;
  });
  const lists = new Map<number, number[]>();
  albums.forEach((album, row) => {
    const list = lists.get(album);
    if (list) list.push(row);
    else lists.set(album, [row]);
  });
  return { albums, albumRows: new Map([...lists].map(([album, rows]) => [album, Int32Array.from(rows)])) };
}

/**
 * Each artist's profile (mean of raw values over the artist's rows; a row without artists gets its own),
 * standardized with row weights so a profile distance has the same scale as a track distance.
 */
function buildArtistProfiles(
  columnData: readonly Float32Array[],
  rowArtists: readonly Int32Array[],
  artistRows: readonly Int32Array[],
): { profiles: Float32Array; profileOfRow: Int32Array } {
  const sourceColumns = [...artistProfileAttributes.map((name) => attributeColumn.get(name)!), yearColumn];
  const profileOfRow = Int32Array.from(rowArtists, (artists) => artists[0] ?? -1);
  const artistlessRows: number[] = [];
  profileOfRow.forEach((profile, row) => {
    if (profile >= 0) return;
    profileOfRow[row] = artistRows.length + artistlessRows.length;
    artistlessRows.push(row);
  });
  const extra = artistRows.length + artistlessRows.length;
  const profiles = new Float32Array(extra * profileWidth);
  const rowsOf = (profile: number): ArrayLike<number> =>
    profile < artistRows.length ? artistRows[profile]! : [artistlessRows[profile - artistRows.length]!];
  for (let profile = 0; profile < extra; profile++) {
    const rows = rowsOf(profile);
    for (let at = 0; at < sourceColumns.length; at++) {
      const values = columnData[sourceColumns[at]!]!;
      let sum = 0;
      for (let index = 0; index < rows.length; index++) sum += values[rows[index]!]!;
      profiles[profile * profileWidth + at] = sum / Math.max(1, rows.length);
    }
  }
  for (let at = 0; at < profileWidth; at++) {
    let sum = 0;
    let squares = 0;
    for (const profile of profileOfRow) {
      const value = profiles[profile * profileWidth + at]!;
      sum += value;
      squares += value * value;
    }
    const mean = sum / Math.max(1, profileOfRow.length);
    const variance = squares / Math.max(1, profileOfRow.length) - mean * mean;
    const deviation = variance > 1e-12 ? Math.sqrt(variance) : 1;
    for (let profile = 0; profile < extra; profile++) {
      const slot = profile * profileWidth + at;
      profiles[slot] = (profiles[slot]! - mean) / deviation;
    }
  }
  return { profiles, profileOfRow };
}

/** A row's z-value in any plan column, physical or virtual (artist profile). */
export function valueAt(index: FeatureIndex, row: number, column: number): number {
  return column < index.columns
    ? index.columnData[column]![row]!
    : index.profiles[index.profileOfRow[row]! * index.profileWidth + column - index.columns]!;
}
