import type { FeatureIndex } from './feature-index.js';
import type { ResolvedMention } from './recommender.js';
import { normalizeText, normalizeTitle } from './text.js';

/** Below this a mention stays unresolved rather than pointing at the wrong song. */
export const minimumConfidence = 0.55;
const maxFuzzyCandidates = 3000;

export interface Resolver {
  resolve(mentions: ReadonlyArray<{ title: string; artist?: string }>): ResolvedMention[];
  /** A row for "Title — Artist", "Title - Artist", "Title by Artist" or a bare title; null when unsure. */
  resolveText(text: string): number | null;
}

/**
 * Maps song mentions (from model text or listening history) to catalog rows: exact normalized titles
 * first ("(Remastered)", "feat." and accents ignored), else fuzzy title similarity over rows sharing a
 * rare title word or the named artist; the artist match scales the confidence.
 */
export function createResolver(index: FeatureIndex): Resolver {
  let titles: Map<string, number[]> | null = null;
  let words: Map<string, number[]> | null = null;
  const titleRows = (): Map<string, number[]> => {
    titles ??= groupRows(index, (row) => [normalizeTitle(index.tracks[row]!.name)]);
    return titles;
  };
  const wordRows = (): Map<string, number[]> => {
    words ??= groupRows(index, (row) =>
      normalizeTitle(index.tracks[row]!.name)
        .split(' ')
        .filter((word) => word.length >= 3),
    );
    return words;
  };
  const resolveOne = (mention: { title: string; artist?: string }): ResolvedMention => {
    const title = normalizeTitle(mention.title);
    const artist = mention.artist ? normalizeText(mention.artist) : '';
    const exact = titleRows().get(title);
    const candidates = exact ?? fuzzyCandidates(index, wordRows(), title, artist);
    let best: { row: number; confidence: number } | null = null;
    for (const row of candidates) {
      const confidence = mentionConfidence(index, row, title, artist, exact !== undefined);
      const better =
        !best ||
        confidence > best.confidence ||
        (confidence === best.confidence &&
          index.tracks[row]!.popularity > index.tracks[best.row]!.popularity);
      if (better) best = { row, confidence };
    }
    const accepted = best && best.confidence >= minimumConfidence ? best : null;
    return {
      mention:
        mention.artist === undefined
          ? { title: mention.title }
          : { title: mention.title, artist: mention.artist },
      trackId: accepted ? index.tracks[accepted.row]!.id : null,
      confidence: Math.round((best?.confidence ?? 0) * 1000) / 1000,
    };
  };
  return {
    resolve: (mentions) => mentions.map(resolveOne),
    resolveText: (text) => {
      const resolved = resolveOne(splitMention(text));
      return resolved.trackId === null ? null : (index.rowById.get(resolved.trackId) ?? null);
    },
  };
}

/** "Title — Artist", "Title - Artist", "Title by Artist" → parts; a bare title otherwise. */
export function splitMention(text: string): { title: string; artist?: string } {
  const match = /^(.+?)\s+(?:[—–-]|by)\s+(.+)$/iu.exec(text.trim());
  const title = match?.[1]?.replace(/^["'“‘]|["'”’]$/gu, '').trim();
  const artist = match?.[2]?.trim();
  return title && artist ? { title, artist } : { title: text.trim() };
}

function mentionConfidence(
  index: FeatureIndex,
  row: number,
  title: string,
  artist: string,
  exact: boolean,
): number {
  const titleScore = exact ? 1 : dice(title, normalizeTitle(index.tracks[row]!.name));
  if (artist === '') return titleScore * 0.85;
  let artistScore = 0;
  for (const name of index.tracks[row]!.artists) {
    const normalized = normalizeText(name);
    const score =
      normalized === artist || normalized.includes(artist) || artist.includes(normalized)
        ? 1
        : dice(artist, normalized);
    artistScore = Math.max(artistScore, score);
  }
  return titleScore * (0.4 + 0.6 * artistScore);
}

function fuzzyCandidates(
  index: FeatureIndex,
  words: Map<string, number[]>,
  title: string,
  artist: string,
): number[] {
  const rows = new Set<number>();
  const artistNumber = artist === '' ? undefined : index.artistByName.get(artist);
  if (artistNumber !== undefined) for (const row of index.artistRows[artistNumber]!) rows.add(row);
  // The rarest words of the title find the likely rows without comparing against the whole catalog.
  const postings = title
    .split(' ')
    .map((word) => words.get(word))
    .filter((list): list is number[] => list !== undefined)
    .sort((left, right) => left.length - right.length)
    .slice(0, 2);
  for (const list of postings) {
    for (const row of list.slice(0, maxFuzzyCandidates)) rows.add(row);
  }
  return [...rows];
}

function groupRows(index: FeatureIndex, keysOf: (row: number) => string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let row = 0; row < index.size; row++) {
    for (const key of new Set(keysOf(row))) {
      const list = groups.get(key);
      if (list) list.push(row);
      else groups.set(key, [row]);
    }
  }
  return groups;
}

/** Sørensen–Dice similarity of character bigrams, in [0, 1]. */
export function dice(left: string, right: string): number {
  if (left === right) return 1;
  if (left.length < 2 || right.length < 2) return 0;
  const counts = new Map<string, number>();
  for (let at = 0; at < left.length - 1; at++) {
    const bigram = left.slice(at, at + 2);
    counts.set(bigram, (counts.get(bigram) ?? 0) + 1);
  }
  let shared = 0;
  for (let at = 0; at < right.length - 1; at++) {
    const bigram = right.slice(at, at + 2);
    const count = counts.get(bigram) ?? 0;
    if (count > 0) {
      shared++;
      counts.set(bigram, count - 1);
    }
  }
  return (2 * shared) / (left.length + right.length - 2);
}
