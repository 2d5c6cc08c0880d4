import { albumMates } from './artist-graph.js';
import {
  artistProfileColumns,
  attributeColumn,
  type FeatureIndex,
  indexedAttributes,
  toStandard,
  yearColumn,
} from './feature-index.js';
import { instrumentTable } from './instruments.js';
import type { ListenerSignals } from './listener-signals.js';
import { lookupActivity, lookupMood } from './mood-table.js';
import type { RecommendQuery, TunableAttribute } from './query.js';
import { centroid, similarityColumns } from './similarity.js';
import { normalizeText } from './text.js';
import type { Weights } from './weights.js';

/** One closeness term: the weight and the point (z per column, NaN where the source says nothing). */
export interface TargetSource {
  kind: 'target' | 'mood' | 'activity' | 'seeds' | 'seed-profile' | 'taste' | 'taste-profile' | 'dislike';
  /** Words for reasons: the mood's phrase, or empty. */
  label: string;
  weight: number;
  point: Float64Array;
}

/** A related track found through co-occurrence, with the anchor that led to it. */
export interface RelatedRow {
  score: number;
  anchor: number;
}

export interface PlanInputs {
  index: FeatureIndex;
  query: RecommendQuery;
  weights: Weights;
  listener: ListenerSignals;
  excludeIds: readonly string[];
  /** Maps a seed that is not a catalog id ("Title — Artist") to a row. */
  resolveSeed: (text: string) => number | null;
  /** Rows played or liked together with the anchors, by all listeners. */
  related: (anchors: readonly number[]) => Map<number, RelatedRow>;
}

/**
 * Everything a scan needs, compiled from the query and the listener: all closeness terms folded into
 * one quadratic per column (Σ w(z−t)² = a·z² + b·z + c), hard bounds in z units, sparse bonuses, blocks.
 */
export interface QueryPlan {
  quadratic: Float64Array;
  linear: Float64Array;
  constant: number;
  activeColumns: Int32Array;
  lower: Float64Array;
  upper: Float64Array;
  boundedColumns: Int32Array;
  yearTarget: number;
  yearWeight: number;
  forbidExplicit: boolean;
  blockedRows: number[];
  bonuses: Map<number, number>;
  /**
   * Bonuses shared by a whole posting list (genres): kept as the list, not per row in `bonuses`, since
   * a genre can hold a sixth of the catalog and a Map entry per row costs far more than the scan.
   */
  bonusLists: BonusList[];
  sources: TargetSource[];
  seedRows: number[];
  seedArtists: Set<number>;
  requestedArtists: Set<number>;
  seedAlbums: Set<number>;
  genres: string[];
  /**
   * Nothing in the query names a sound (no seeds, artists, genres or instruments): only moods, numbers
   * or nothing. Then no one genre may fill the list, because a mood is not a genre.
   */
  openEnded: boolean;
  related: Map<number, RelatedRow>;
  listener: ListenerSignals;
  warnings: string[];
}

/** A bonus for every row of a posting list. */
export interface BonusList {
  rows: Int32Array;
  value: number;
}

/** Every row's bonus, dense (tests, baselines; the scan writes the same sums into its scratch). */
export function denseBonuses(plan: QueryPlan, size: number): Float64Array {
  const dense = new Float64Array(size);
  for (const [row, value] of plan.bonuses) dense[row] = value;
  for (const { rows, value } of plan.bonusLists) for (const row of rows) dense[row]! += value;
  return dense;
}

export function buildPlan(inputs: PlanInputs): QueryPlan {
  const { index, query, weights, listener } = inputs;
  const plan = emptyPlan(index, listener);
  plan.forbidExplicit = query.explicit === false;
  addRanges(plan, index, query, weights);
  addMoodAndActivity(plan, index, query, weights);
  addSeeds(plan, inputs);
  addGenres(plan, index, query, weights);
  addInstruments(plan, index, query, weights);
  addYears(plan, index, query, weights);
  addListener(plan, inputs);
  addBlocks(plan, inputs);
  addExclusions(plan, index, query);
  plan.openEnded =
    plan.seedRows.length === 0 &&
    plan.requestedArtists.size === 0 &&
    plan.genres.length === 0 &&
    (query.instruments ?? []).length === 0 &&
    // A listener's own taste may well be one genre: that is theirs to fill the list with.
    inputs.listener.likedRows.length === 0 &&
    inputs.listener.playedRows.length === 0;
  // The popularity prior is linear in the popularity z-score: score += w·z, i.e. b −= w.
  plan.linear[attributeColumn.get('popularity')!]! -= weights.popularity;
  for (const source of plan.sources) foldSource(plan, source);
  plan.activeColumns = Int32Array.from(
    Array.from({ length: index.width }, (_, column) => column).filter(
      (column) => plan.quadratic[column] !== 0 || plan.linear[column] !== 0,
    ),
  );
  return plan;
}

function emptyPlan(index: FeatureIndex, listener: ListenerSignals): QueryPlan {
  return {
    quadratic: new Float64Array(index.width),
    linear: new Float64Array(index.width),
    constant: 0,
    activeColumns: new Int32Array(0),
    lower: new Float64Array(index.width).fill(Number.NEGATIVE_INFINITY),
    upper: new Float64Array(index.width).fill(Number.POSITIVE_INFINITY),
    boundedColumns: new Int32Array(0),
    yearTarget: Number.NaN,
    yearWeight: 0,
    forbidExplicit: false,
    blockedRows: [],
    bonuses: new Map(),
    bonusLists: [],
    sources: [],
    seedRows: [],
    seedArtists: new Set(),
    requestedArtists: new Set(),
    seedAlbums: new Set(),
    genres: [],
    openEnded: true,
    related: new Map(),
    listener,
    warnings: [],
  };
}

function addRanges(plan: QueryPlan, index: FeatureIndex, query: RecommendQuery, weights: Weights): void {
  const bounded = new Set<number>();
  const targets = new Float64Array(index.width).fill(Number.NaN);
  let targetCount = 0;
  indexedAttributes.forEach((attribute, column) => {
    const minimum = query[`min_${attribute}`];
    const maximum = query[`max_${attribute}`];
    const target = query[`target_${attribute}`];
    if (minimum !== undefined) {
      plan.lower[column] = toStandard(index, column, minimum) - 1e-6;
      bounded.add(column);
    }
    if (maximum !== undefined) {
      plan.upper[column] = toStandard(index, column, maximum) + 1e-6;
      bounded.add(column);
    }
    if (target !== undefined) {
      targets[column] = toStandard(index, column, target);
      targetCount++;
    }
  });
  plan.boundedColumns = Int32Array.from(bounded);
  // Explicit targets are not averaged: each one asked for counts fully.
  if (targetCount > 0)
    plan.sources.push({ kind: 'target', label: '', weight: weights.targets * targetCount, point: targets });
}

function addMoodAndActivity(
  plan: QueryPlan,
  index: FeatureIndex,
  query: RecommendQuery,
  weights: Weights,
): void {
  for (const kind of ['mood', 'activity'] as const) {
    const word = query[kind];
    if (word === undefined) continue;
    const found = kind === 'mood' ? lookupMood(word) : lookupActivity(word);
    if (!found) {
      plan.warnings.push(`unknown ${kind} '${word}'`);
      continue;
    }
    const point = new Float64Array(index.width).fill(Number.NaN);
    for (const [attribute, value] of Object.entries(found.entry.targets)) {
      const column = attributeColumn.get(attribute as TunableAttribute)!;
      point[column] = toStandard(index, column, value);
    }
    plan.sources.push({ kind, label: found.entry.phrase, weight: weights.mood, point });
  }
}

function addSeeds(plan: QueryPlan, inputs: PlanInputs): void {
  const { index, query, weights } = inputs;
  for (const seed of query.seed_tracks ?? []) {
    const row = index.rowById.get(seed) ?? inputs.resolveSeed(seed);
    if (row === null || row === undefined) plan.warnings.push(`unknown seed track '${seed}'`);
    else if (!plan.seedRows.includes(row)) plan.seedRows.push(row);
  }
  const artistRows: number[] = [];
  for (const name of query.seed_artists ?? []) {
    const artist = index.artistByName.get(normalizeText(name));
    if (artist === undefined) {
      plan.warnings.push(`unknown seed artist '${name}'`);
      continue;
    }
    plan.requestedArtists.add(artist);
    artistRows.push(...index.artistRows[artist]!);
  }
  for (const row of plan.seedRows) {
    for (const artist of index.rowArtists[row]!) plan.seedArtists.add(artist);
    plan.seedAlbums.add(index.albums[row]!);
  }
  // Seed tracks weigh as much together as one seed artist's whole catalogue.
  const rows = [...plan.seedRows, ...artistRows];
  const rowWeights = [
    ...plan.seedRows.map(() => 1 / plan.seedRows.length),
    ...artistRows.map(() => 1 / Math.max(1, artistRows.length)),
  ];
  const point = centroid(index, rows, rowWeights);
  if (point) {
    plan.sources.push({ kind: 'seeds', label: '', weight: weights.seeds, point: similarityOnly(point) });
    plan.sources.push({
      kind: 'seed-profile',
      label: '',
      weight: weights.artistProfile * profileEvidence(index, rows, rowWeights),
      point: profileOnly(point),
    });
  }
  for (const artist of new Set([...plan.seedArtists, ...plan.requestedArtists])) {
    const bonus = plan.requestedArtists.has(artist) ? weights.artist * 1.5 : weights.artist;
    for (const row of index.artistRows[artist]!) addBonus(plan, row, bonus);
  }
  addAlbumMates(plan, index, weights);
  for (const album of plan.seedAlbums) {
    for (const row of index.albumRows.get(album) ?? []) addBonus(plan, row, weights.album);
  }
  addSeedYears(plan, index, weights);
  if (plan.seedRows.length > 0) plan.related = inputs.related(plan.seedRows);
}

/** Artists who share albums with the seeds' artists, and are not seed artists themselves. */
function addAlbumMates(plan: QueryPlan, index: FeatureIndex, weights: Weights): void {
  if (weights.albumMates === 0 || plan.seedArtists.size === 0) return;
  const graph = albumMates(index);
  const mates = new Map<number, number>();
  for (const artist of plan.seedArtists) {
    for (const [mate, shared] of graph.get(artist) ?? []) {
      if (!plan.seedArtists.has(mate)) mates.set(mate, (mates.get(mate) ?? 0) + shared);
    }
  }
  for (const [mate, shared] of mates) {
    const bonus = weights.albumMates * Math.min(1, shared / 2);
    for (const row of index.artistRows[mate]!) addBonus(plan, row, bonus);
  }
}

function addSeedYears(plan: QueryPlan, index: FeatureIndex, weights: Weights): void {
  const years = plan.seedRows
    .map((row) => index.years[row]!)
    .filter((year) => !Number.isNaN(year))
    .sort((left, right) => left - right);
  if (years.length === 0) return;
  plan.yearTarget = years[Math.floor(years.length / 2)]!;
  plan.yearWeight = weights.year;
}

function addGenres(plan: QueryPlan, index: FeatureIndex, query: RecommendQuery, weights: Weights): void {
  const seedGenres = plan.seedRows.flatMap((row) =>
    index.tracks[row]!.genres.map((genre) => genre.toLowerCase()),
  );
  for (const name of query.seed_genres ?? []) {
    const genre = name.trim().toLowerCase();
    if (index.genreRows.has(genre)) plan.genres.push(genre);
    else plan.warnings.push(`unknown genre '${name}'`);
  }
  for (const genre of plan.genres) {
    plan.bonusLists.push({ rows: index.genreRows.get(genre)!, value: weights.genre });
  }
  for (const genre of new Set(seedGenres)) {
    const rows = index.genreRows.get(genre);
    if (!plan.genres.includes(genre) && rows) plan.bonusLists.push({ rows, value: weights.genre * 0.5 });
  }
}

/** An instrument: its tags (strong), the genres it leads (weaker), and its usual sound as targets. */
function addInstruments(plan: QueryPlan, index: FeatureIndex, query: RecommendQuery, weights: Weights): void {
  for (const instrument of query.instruments ?? []) {
    const entry = instrumentTable[instrument];
    const tagged = new Set<number>();
    for (const tag of entry.tags) {
      const rows = index.genreRows.get(tag);
      if (!rows) continue;
      for (const row of rows) tagged.add(row);
    }
    for (const row of tagged) addBonus(plan, row, weights.genre * 2.5);
    for (const genre of entry.genres) {
      const rows = index.genreRows.get(genre);
      if (rows && !plan.genres.includes(genre)) plan.bonusLists.push({ rows, value: weights.genre * 0.4 });
    }
    const point = new Float64Array(index.width).fill(Number.NaN);
    for (const [attribute, value] of Object.entries(entry.targets)) {
      const column = attributeColumn.get(attribute as TunableAttribute)!;
      point[column] = toStandard(index, column, value);
    }
    plan.sources.push({ kind: 'mood', label: `the ${instrument}`, weight: weights.mood * 0.6, point });
  }
}

/** Release years: bounds filter (as any min_/max_ does), a target pulls towards its year. */
function addYears(plan: QueryPlan, index: FeatureIndex, query: RecommendQuery, weights: Weights): void {
  const { min_release_year: minimum, max_release_year: maximum, target_release_year: target } = query;
  if (minimum !== undefined) plan.lower[yearColumn] = toStandard(index, yearColumn, minimum) - 1e-6;
  // Inclusive to the year's end: a track dated 1999-12-31 is from 1999.
  if (maximum !== undefined) plan.upper[yearColumn] = toStandard(index, yearColumn, maximum + 0.999) + 1e-6;
  if (minimum !== undefined || maximum !== undefined) {
    plan.boundedColumns = Int32Array.from(new Set([...plan.boundedColumns, yearColumn]));
  }
  const aim =
    target ?? (minimum !== undefined && maximum !== undefined ? (minimum + maximum) / 2 : undefined);
  if (aim !== undefined) {
    plan.yearTarget = aim;
    plan.yearWeight = Math.max(plan.yearWeight, weights.year);
  }
}

/** Excluded genres and artists: none of their rows may be returned (unknown names become warnings). */
function addExclusions(plan: QueryPlan, index: FeatureIndex, query: RecommendQuery): void {
  for (const name of query.exclude_genres ?? []) {
    const rows = index.genreRows.get(name.trim().toLowerCase());
    if (rows) plan.blockedRows.push(...rows);
    else plan.warnings.push(`unknown genre '${name}' (not excluded)`);
  }
  for (const name of query.exclude_artists ?? []) {
    const artist = index.artistByName.get(normalizeText(name));
    if (artist === undefined) plan.warnings.push(`unknown artist '${name}' (not excluded)`);
    else plan.blockedRows.push(...index.artistRows[artist]!);
  }
}

function addListener(plan: QueryPlan, inputs: PlanInputs): void {
  const { index, listener, weights } = inputs;
  const liked = [...listener.likedRows, ...listener.playedRows];
  // Likes count three times as much as plays; recent ones a little more than old ones.
  const likedWeights = [
    ...listener.likedRows.map((_, at) => 3 / (1 + at * 0.02)),
    ...listener.playedRows.map((_, at) => 1 / (1 + at * 0.02)),
  ];
  const taste = centroid(index, liked, likedWeights);
  if (taste) {
    plan.sources.push({ kind: 'taste', label: '', weight: weights.taste, point: similarityOnly(taste) });
    plan.sources.push({ kind: 'taste-profile', label: '', weight: weights.taste, point: profileOnly(taste) });
  }
  const pushedAway = [...listener.dislikedRows, ...listener.skippedRows];
  const avoided = centroid(index, pushedAway, [
    ...listener.dislikedRows.map(() => 1),
    ...listener.skippedRows.map(() => 0.4),
  ]);
  // A negative weight below the positive ones keeps every column's quadratic convex.
  if (avoided) {
    plan.sources.push({
      kind: 'dislike',
      label: '',
      weight: -weights.dislike * 0.5,
      point: similarityOnly(avoided),
    });
  }
  for (const [artist, affinity] of listener.artistAffinity) {
    for (const row of index.artistRows[artist]!) addBonus(plan, row, weights.taste * affinity);
  }
  for (const artist of listener.dislikedArtists) {
    for (const row of index.artistRows[artist]!) addBonus(plan, row, -weights.dislike);
  }
  if (listener.likedRows.length > 0 || listener.playedRows.length > 0) {
    const anchors = [...listener.likedRows.slice(0, 20), ...listener.playedRows.slice(0, 20)];
    for (const [row, related] of inputs.related(anchors)) {
      const known = plan.related.get(row);
      if (!known || known.score < related.score) plan.related.set(row, related);
    }
  }
  for (const [row, related] of plan.related) addBonus(plan, row, weights.cooccurrence * related.score);
}

function addBlocks(plan: QueryPlan, inputs: PlanInputs): void {
  const { index, query, listener } = inputs;
  const ids = [...(query.exclude ?? []), ...inputs.excludeIds];
  for (const id of ids) {
    const row = index.rowById.get(id);
    if (row !== undefined) plan.blockedRows.push(row);
  }
  // Seeds are what the listener already has; disliked and skipped tracks they do not want again.
  plan.blockedRows.push(...plan.seedRows, ...listener.dislikedRows, ...listener.skippedRows);
}

function addBonus(plan: QueryPlan, row: number, value: number): void {
  plan.bonuses.set(row, (plan.bonuses.get(row) ?? 0) + value);
}

/**
 * How much the rows' artist profiles say beyond the rows' own sound, 0 to 1: a profile is the mean over
 * the artist's tracks, 1 − 1/n of it more than one track's values (n: the artist's track count). A
 * one-track artist's profile is that track's hand-weighted values, which the learned space measures
 * better (held-out subgenres, where every artist has one track: precision 0.263 → 0.268).
 */
function profileEvidence(
  index: FeatureIndex,
  rows: readonly number[],
  rowWeights: readonly number[],
): number {
  let evidence = 0;
  let total = 0;
  rows.forEach((row, at) => {
    const tracks = index.artistRows[index.profileOfRow[row]!]?.length ?? 1;
    evidence += rowWeights[at]! * (1 - 1 / tracks);
    total += rowWeights[at]!;
  });
  return total > 0 ? evidence / total : 0;
}

/** Keeps only the similarity columns of a centroid, so key or popularity do not pull. */
function similarityOnly(point: Float64Array): Float64Array {
  const kept = new Float64Array(point.length).fill(Number.NaN);
  for (const column of similarityColumns) kept[column] = point[column]!;
  return kept;
}

/** Keeps only the artist-profile and year columns of a centroid. */
function profileOnly(point: Float64Array): Float64Array {
  const kept = new Float64Array(point.length).fill(Number.NaN);
  for (const column of [yearColumn, ...artistProfileColumns]) kept[column] = point[column]!;
  return kept;
}

/** Adds w·(z−t)² for the source's columns, the weight split evenly (similarity sources: over the similarity columns). */
function foldSource(plan: QueryPlan, source: TargetSource): void {
  const columnWeights = new Float64Array(plan.quadratic.length);
  let total = 0;
  source.point.forEach((target, column) => {
    if (Number.isNaN(target)) return;
    const weight =
      source.kind === 'seeds' || source.kind === 'taste' || source.kind === 'dislike'
        ? Number(similarityColumns.includes(column))
        : 1;
    columnWeights[column] = weight;
    total += weight;
  });
  if (total === 0) return;
  source.point.forEach((target, column) => {
    if (Number.isNaN(target)) return;
    const weight = (source.weight * columnWeights[column]!) / total;
    plan.quadratic[column]! += weight;
    plan.linear[column]! -= 2 * weight * target;
    plan.constant += weight * target * target;
  });
}
