import type { FeatureIndex } from './feature-index.js';
import { activitySynonyms, activityTable, moodSynonyms, moodTable } from './mood-table.js';
import type { Instrument, RecommendQueryInput } from './query.js';
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
/** Words after which a genre or artist is not wanted ("no latin", "less reggaeton", "not Drake"). */
const negations = new Set([
  'no',
  'not',
  'without',
  'minus',
  'except',
  'excluding',
  'less',
  'fewer',
  'nothing',
  'avoid',
  'skip',
  'sin',
  'ohne',
  'sans',
]);
/** Words a negation may pass over before its genre or artist ("no more latin", "less of the rap"). */
const fillers = new Set([
  'more',
  'any',
  'of',
  'the',
  'too',
  'much',
  'so',
  'songs',
  'tracks',
  'music',
  'from',
  'by',
]);
const instrumentWords: Record<string, Instrument> = {
  piano: 'piano',
  pianos: 'piano',
  keys: 'piano',
  guitar: 'guitar',
  guitars: 'guitar',
  'electric guitar': 'guitar',
  'acoustic guitar': 'acoustic guitar',
  sax: 'saxophone',
  saxophone: 'saxophone',
  strings: 'strings',
  string: 'strings',
  orchestra: 'strings',
  orchestral: 'strings',
  violin: 'violin',
  violins: 'violin',
  cello: 'cello',
  synth: 'synth',
  synths: 'synth',
  synthesizer: 'synth',
  synthesizers: 'synth',
  drums: 'drums',
  drum: 'drums',
  trumpet: 'trumpet',
  horns: 'trumpet',
  organ: 'organ',
  bass: 'bass',
  bassline: 'bass',
  vocals: 'vocals',
  singing: 'vocals',
  klavier: 'piano',
  guitarra: 'guitar',
};

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
  markExclusions(query, words, used, index, vocabulary);
  markInstruments(query, words, used);
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
  addYears(query, text);
  if (/\binstrumental\b|\b(?:no|without) (?:vocals|singing|lyrics)\b/i.test(text))
    query.min_instrumentalness = 0.5;
  addQuotedTracks(query, text, index, resolver);
  if (/\b(clean|no explicit|not explicit|family[- ]friendly|for (?:the )?kids)\b/i.test(text))
    query.explicit = false;
  const count = /\b(\d{1,2})\s+(?:[a-z-]+\s+){0,2}(?:songs|tracks|tunes)\b/i.exec(text);
  if (count) query.limit = Math.min(50, Math.max(1, Number(count[1])));
  return query;
}

/**
 * "no latin", "less reggaeton", "not Drake", "without any metal": the genre or artist after a negation
 * is excluded, and its words are not read again as a wish.
 */
function markExclusions(
  query: RecommendQueryInput,
  words: readonly string[],
  used: Uint8Array,
  index: FeatureIndex,
  vocabulary: IntentVocabulary,
): void {
  const genres: string[] = [];
  const artists: string[] = [];
  for (let at = 0; at < words.length; at++) {
    if (!negations.has(words[at]!)) continue;
    let start = at + 1;
    while (start < words.length && fillers.has(words[start]!)) start++;
    for (let length = Math.min(maxWordsInName, words.length - start); length >= 1; length--) {
      const phrase = words.slice(start, start + length).join(' ');
      const genre = vocabulary.genres.get(phrase);
      const artist = genre === undefined && phrase.length >= 3 ? findArtist(index, phrase) : undefined;
      if (genre === undefined && artist === undefined) continue;
      if (genre !== undefined) genres.push(genre);
      else artists.push(index.artistNames[artist!]!);
      used.fill(1, at, start + length);
      break;
    }
  }
  if (genres.length > 0) query.exclude_genres = [...new Set(genres)];
  if (artists.length > 0) query.exclude_artists = [...new Set(artists)];
}

function markInstruments(query: RecommendQueryInput, words: readonly string[], used: Uint8Array): void {
  const found: Instrument[] = [];
  for (let at = 0; at < words.length; at++) {
    if (used[at]) continue;
    const pair = at + 1 < words.length ? instrumentWords[`${words[at]} ${words[at + 1]}`] : undefined;
    const instrument = pair ?? instrumentWords[words[at]!];
    if (instrument === undefined) continue;
    // "bass" in "drum and bass" is the genre's: taken only where no genre phrase claims it.
    if (instrument === 'bass' && words[at - 1] === 'and') continue;
    found.push(instrument);
    used.fill(1, at, at + (pair ? 2 : 1));
  }
  if (found.length > 0) query.instruments = [...new Set(found)].slice(0, 3);
}

/**
 * Decades and years: "90s", "the 1980s", "'70s", "from the 2010s", "before 2000", "after 2015",
 * "since 2010", "in 1994", "recent" or "new" (the last three years), "oldies" (before 1980).
 */
export function addYears(query: RecommendQueryInput, text: string, now = new Date()): void {
  const lower = text.toLowerCase();
  const decade = /(?:^|[^\w])(?:'|’)?(1[89]|20)?(\d)0(?:'|’)?s\b/.exec(lower);
  if (decade) {
    const digit = Number(decade[2]);
    const century = decade[1] ? Number(decade[1]) * 100 : digit <= 2 ? 2000 : 1900;
    const start = century + digit * 10;
    if (/\b(early)\s+$/.test(lower.slice(0, decade.index + 1))) {
      query.min_release_year = start;
      query.max_release_year = start + 4;
    } else if (/\b(late)\s+$/.test(lower.slice(0, decade.index + 1))) {
      query.min_release_year = start + 5;
      query.max_release_year = start + 9;
    } else {
      query.min_release_year = start;
      query.max_release_year = start + 9;
    }
    return;
  }
  const before = /\b(?:before|pre|until|up to)\s+(1[89]\d\d|20\d\d)\b/.exec(lower);
  const after = /\b(?:after|since|from|post)\s+(1[89]\d\d|20\d\d)\b/.exec(lower);
  if (before) query.max_release_year = Number(before[1]) - 1;
  if (after)
    query.min_release_year = /\bafter|post\b/.test(after[0]) ? Number(after[1]) + 1 : Number(after[1]);
  const single = /\b(?:in|of|from)\s+(1[89]\d\d|20\d\d)\b/.exec(lower);
  if (!before && !after && single) {
    query.min_release_year = Number(single[1]);
    query.max_release_year = Number(single[1]);
  }
  if (before || after || single) return;
  if (/\b(recent|new releases?|latest|newest|brand new)\b/.test(lower)) {
    query.min_release_year = now.getUTCFullYear() - 3;
  } else if (/\b(oldies|old school|old-school|golden oldies)\b/.test(lower)) {
    query.max_release_year = 1979;
  }
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

/**
 * An artist by name, or by the start of a longer credit ("bob marley" for "Bob Marley & The Wailers")
 * when exactly one artist's name starts so.
 */
function findArtist(index: FeatureIndex, phrase: string): number | undefined {
  const exact = index.artistByName.get(phrase);
  if (exact !== undefined || !phrase.includes(' ')) return exact;
  let found: number | undefined;
  for (const [name, artist] of index.artistByName) {
    if (!name.startsWith(`${phrase} `)) continue;
    if (found !== undefined) return undefined;
    found = artist;
  }
  return found;
}

/** Whether the phrase appears in the original text starting with a capital letter. */
function writtenAsName(text: string, phrase: string): boolean {
  const at = text.toLowerCase().indexOf(phrase);
  return at >= 0 && /\p{Lu}/u.test(text.charAt(at));
}
