import { type FeatureIndex, indexedAttributes, rawValue } from './feature-index.js';
import type { TunableAttribute } from './query.js';
import type { QueryPlan, TargetSource } from './query-plan.js';
import { pointDistance, rowDistance } from './similarity.js';

/** Words for an attribute when a track is high / low on it. */
const attributeWords: Record<TunableAttribute, [high: string, low: string]> = {
  energy: ['high energy', 'low energy'],
  tempo: ['fast tempo', 'slow tempo'],
  danceability: ['danceable groove', 'laid-back groove'],
  valence: ['bright, positive feel', 'sombre feel'],
  acousticness: ['acoustic sound', 'electric sound'],
  instrumentalness: ['instrumental', 'vocal-led'],
  speechiness: ['lots of words', 'few words'],
  loudness: ['loud mix', 'quiet mix'],
  liveness: ['live feel', 'studio feel'],
  mode: ['major key', 'minor key'],
  key: ['key', 'key'],
  popularity: ['popular', 'lesser known'],
  duration_ms: ['long', 'short'],
};

const maxReasons = 3;

/** Short reasons in words for one recommended row, strongest first. */
export function explain(index: FeatureIndex, plan: QueryPlan, row: number): string[] {
  const reasons = [
    ...plan.sources.flatMap((source) => sourceReason(index, source, row)),
    ...seedReasons(index, plan, row),
    ...listenerReasons(index, plan, row),
  ];
  if (reasons.length === 0) {
    reasons.push(index.tracks[row]!.popularity >= 70 ? 'a popular pick' : 'a well-rounded match');
  }
  return [...new Set(reasons)].slice(0, maxReasons);
}

function sourceReason(index: FeatureIndex, source: TargetSource, row: number): string[] {
  if (source.kind === 'mood' || source.kind === 'activity') return moodReason(index, source, row);
  if (source.kind === 'target') return targetReason(index, source, row);
  if (source.kind === 'taste' && pointDistance(index, row, source.point) < 0.5)
    return ['close to your taste'];
  return [];
}

function moodReason(index: FeatureIndex, source: TargetSource, row: number): string[] {
  let best: { column: number; salience: number } | null = null;
  source.point.forEach((target, column) => {
    if (Number.isNaN(target)) return;
    const value = index.columnData[column]![row]!;
    // Salient: the mood asks for something far from average and the track delivers it.
    if (Math.abs(value - target) > 0.8 || Math.sign(value) !== Math.sign(target)) return;
    if (!best || Math.abs(target) > best.salience) best = { column, salience: Math.abs(target) };
  });
  const found = best as { column: number; salience: number } | null;
  if (!found) return [];
  const words = attributeWords[indexedAttributes[found.column]!];
  const target = source.point[found.column]!;
  return [`${target > 0 ? words[0] : words[1]} for ${source.label}`];
}

function targetReason(index: FeatureIndex, source: TargetSource, row: number): string[] {
  const track = index.tracks[row]!;
  const reasons: string[] = [];
  source.point.forEach((target, column) => {
    if (Number.isNaN(target)) return;
    const value = index.columnData[column]![row]!;
    if (Math.abs(value - target) > 0.35) return;
    const attribute = indexedAttributes[column]!;
    reasons.push(
      `${attribute.replace('_ms', '')} ${formatValue(attribute, rawValue(track, attribute))}, near your target`,
    );
  });
  return reasons.slice(0, 1);
}

function seedReasons(index: FeatureIndex, plan: QueryPlan, row: number): string[] {
  const reasons: string[] = [];
  const artists = index.rowArtists[row]!;
  const requested = [...artists].find((artist) => plan.requestedArtists.has(artist));
  if (requested !== undefined) reasons.push(`by ${index.artistNames[requested]}, as you asked`);
  const nearest = nearestSeed(index, plan.seedRows, row);
  const sharedArtist = [...artists].find((artist) => plan.seedArtists.has(artist));
  if (nearest && sharedArtist !== undefined && requested === undefined) {
    reasons.push(`also by ${index.artistNames[sharedArtist]}, like your seed`);
  } else if (nearest && plan.seedAlbums.has(index.albums[row]!)) {
    reasons.push(`from the album '${index.tracks[row]!.album}'`);
  }
  if (nearest && nearest.distance < 0.6)
    reasons.push(`close to your seed '${index.tracks[nearest.row]!.name}'`);
  const genre = index.tracks[row]!.genres.find((name) => plan.genres.includes(name.toLowerCase()));
  if (genre) reasons.push(`in the genre '${genre}'`);
  const year = index.years[row]!;
  if (plan.yearWeight > 0 && Math.abs(year - plan.yearTarget) <= 3) {
    reasons.push(`from the same era as your seeds (${Math.floor(year / 10) * 10}s)`);
  }
  return reasons;
}

function listenerReasons(index: FeatureIndex, plan: QueryPlan, row: number): string[] {
  const reasons: string[] = [];
  const related = plan.related.get(row);
  if (related) reasons.push(`listeners who played '${index.tracks[related.anchor]!.name}' also played it`);
  const listener = plan.listener;
  const liked = listener.likedRows.some((likedRow) => rowDistance(index, likedRow, row) < 0.3);
  if (liked) reasons.push('you liked similar tracks');
  const favourite = [...index.rowArtists[row]!].find(
    (artist) => (listener.artistAffinity.get(artist) ?? 0) > 0.2,
  );
  if (favourite !== undefined) reasons.push(`you often play ${index.artistNames[favourite]}`);
  return reasons;
}

function nearestSeed(
  index: FeatureIndex,
  seeds: readonly number[],
  row: number,
): { row: number; distance: number } | null {
  let best: { row: number; distance: number } | null = null;
  for (const seed of seeds) {
    const distance = rowDistance(index, seed, row);
    if (!best || distance < best.distance) best = { row: seed, distance };
  }
  return best;
}

function formatValue(attribute: TunableAttribute, value: number): string {
  if (attribute === 'tempo') return `${Math.round(value)} bpm`;
  if (attribute === 'loudness') return `${value.toFixed(1)} dB`;
  if (attribute === 'duration_ms') return `${Math.round(value / 1000)} s`;
  if (attribute === 'popularity' || attribute === 'key' || attribute === 'mode')
    return String(Math.round(value));
  return value.toFixed(2);
}
