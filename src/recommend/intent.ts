import type { FeatureIndex } from './feature-index.js';
import { activitySynonyms, activityTable, moodSynonyms, moodTable } from './mood-table.js';
import type { RecommendQueryInput } from './query.js';
import type { Resolver } from './resolver.js';
import { normalizeText } from './text.js';

/** Common ways of writing genres that the catalog spells differently. */
const genreAliases: Record<string, string[]> = {
  'hip hop': ['hip-hop', 'rap'],
  hiphop: ['hip-hop', 'rap'],
  rnb: ['r&b'],
  'r and b': ['r&b'],
  'r n b': ['r&b'],
  lofi: ['lo-fi'],
  'lo fi': ['lo-fi'],
  electronic: ['edm'],
  'electronic dance': ['edm'],
  reggaeton: ['reggaeton', 'latin'],
};
const maxWordsInName = 5;
const lowerWordsThatIntroduceArtists = new Set(['like', 'by', 'from', 'as']);

export interface IntentVocabulary {
  genres: Map<string, string>;
}

/** Normalized genre words → the catalog's genre names (plus aliases that exist in the catalog). */
export function buildIntentVocabulary(index: FeatureIndex): IntentVocabulary {
  const genres = new Map<string, string>();
  for (const genre of index.genreRows.keys()) genres.set(normalizeText(genre), genre);
  for (const [alias, targets] of Object.entries(genreAliases)) {
    const known = targets.find((target) => index.genreRows.has(target));
    if (known) genres.set(alias, known);
  }
  return { genres };
}

/**
 * Reads a request in plain words ("something upbeat for my run, like Daft Punk, 120 bpm") into a query:
 * mood, activity, genres, tempo, artists, quoted song titles, explicit and count. Longest phrases win,
 * and a word used for one thing is not reused for another.
 */
export function extractIntent(
  text: string,
  index: FeatureIndex,
  vocabulary: IntentVocabulary,
  resolver: Resolver,
): RecommendQueryInput {
  const query: RecommendQueryInput = {};
  const words = normalizeText(text).split(' ').filter(Boolean);
  const used = new Uint8Array(words.length);
  const genres: string[] = [];
  const artists: string[] = [];
  for (let length = maxWordsInName; length >= 1; length--) {
    for (let start = 0; start + length <= words.length; start++) {
      if (used.subarray(start, start + length).some((flag) => flag === 1)) continue;
      const phrase = words.slice(start, start + length).join(' ');
      const matched =
        matchMood(query, phrase) ||
        matchGenre(genres, vocabulary, phrase) ||
        matchArtist(artists, index, phrase, length, words[start - 1], writtenAsName(text, phrase));
      if (matched) used.fill(1, start, start + length);
    }
  }
  if (genres.length > 0) query.seed_genres = [...new Set(genres)].slice(0, 5);
  if (artists.length > 0) query.seed_artists = [...new Set(artists)].slice(0, 5);
  addTempo(query, text);
  addQuotedTracks(query, text, index, resolver);
  if (/\b(clean|no explicit|not explicit|family[- ]friendly|for (?:the )?kids)\b/i.test(text))
    query.explicit = false;
  const count = /\b(\d{1,2})\s+(?:[a-z-]+\s+){0,2}(?:songs|tracks|tunes)\b/i.exec(text);
  if (count) query.limit = Math.min(50, Math.max(1, Number(count[1])));
  return query;
}

function matchMood(query: RecommendQueryInput, phrase: string): boolean {
  if (query.activity === undefined) {
    const activity = activityTable[phrase] ? phrase : activitySynonyms[phrase];
    if (activity) {
      query.activity = activity;
      return true;
    }
  }
  if (query.mood === undefined) {
    const mood = moodTable[phrase] ? phrase : moodSynonyms[phrase];
    if (mood) {
      query.mood = mood;
      return true;
    }
  }
  return false;
}

function matchGenre(genres: string[], vocabulary: IntentVocabulary, phrase: string): boolean {
  const genre = vocabulary.genres.get(phrase);
  if (genre === undefined) return false;
  genres.push(genre);
  return true;
}

function matchArtist(
  artists: string[],
  index: FeatureIndex,
  phrase: string,
  length: number,
  previousWord: string | undefined,
  capitalized: boolean,
): boolean {
  const artist = index.artistByName.get(phrase);
  if (artist === undefined) return false;
  // One-word names ("Calm", "Run") are also ordinary words: take them only when written as a name.
  const looksLikeName =
    length > 1 ||
    capitalized ||
    (previousWord !== undefined && lowerWordsThatIntroduceArtists.has(previousWord));
  if (!looksLikeName || phrase.length < 3) return false;
  artists.push(index.artistNames[artist]!);
  return true;
}

function addTempo(query: RecommendQueryInput, text: string): void {
  const bpm = /\b(\d{2,3})\s*bpm\b/i.exec(text);
  if (bpm) {
    query.target_tempo = Math.min(250, Number(bpm[1]));
    return;
  }
  if (/\b(fast|faster|quick|uptempo|up-tempo)\b/i.test(text)) query.min_tempo = 120;
  else if (/\b(slow|slower|downtempo)\b/i.test(text)) query.max_tempo = 100;
}

function addQuotedTracks(
  query: RecommendQueryInput,
  text: string,
  index: FeatureIndex,
  resolver: Resolver,
): void {
  const seeds: string[] = [];
  for (const match of text.matchAll(/["“']([^"”']{2,120})["”']/gu)) {
    const row = resolver.resolveText(match[1]!);
    if (row !== null) seeds.push(index.tracks[row]!.id);
  }
  if (seeds.length > 0) query.seed_tracks = [...new Set(seeds)].slice(0, 5);
}

/** Whether the phrase appears in the original text starting with a capital letter. */
function writtenAsName(text: string, phrase: string): boolean {
  const at = text.toLowerCase().indexOf(phrase);
  return at >= 0 && /\p{Lu}/u.test(text.charAt(at));
}
