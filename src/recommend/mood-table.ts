import type { TunableAttribute } from './query.js';

/**
 * Mood and activity words mapped to feature targets (docs/recommend.md prints this table). Targets are
 * in the attribute's own units (0–1, bpm, dB). `phrase` words the reason ("high energy for running").
 */
export interface MoodEntry {
  targets: Partial<Record<TunableAttribute, number>>;
  phrase: string;
}

export const moodTable: Record<string, MoodEntry> = {
  upbeat: { targets: { energy: 0.85, valence: 0.8, danceability: 0.75, tempo: 125 }, phrase: 'upbeat' },
  happy: { targets: { valence: 0.9, energy: 0.7, mode: 1 }, phrase: 'a happy mood' },
  energetic: { targets: { energy: 0.92, tempo: 135, loudness: -4 }, phrase: 'energy' },
  calm: {
    targets: { energy: 0.2, acousticness: 0.8, tempo: 80, loudness: -16, danceability: 0.4 },
    phrase: 'a calm mood',
  },
  chill: { targets: { energy: 0.35, valence: 0.55, acousticness: 0.5, tempo: 95 }, phrase: 'chilling' },
  sad: { targets: { valence: 0.15, energy: 0.3, mode: 0, acousticness: 0.6 }, phrase: 'a sad mood' },
  melancholic: { targets: { valence: 0.2, energy: 0.35, mode: 0 }, phrase: 'a melancholic mood' },
  angry: { targets: { energy: 0.95, valence: 0.2, loudness: -4 }, phrase: 'an angry mood' },
  romantic: {
    targets: { valence: 0.6, energy: 0.4, acousticness: 0.5, danceability: 0.55 },
    phrase: 'romance',
  },
  dark: { targets: { valence: 0.15, mode: 0, energy: 0.6 }, phrase: 'a dark mood' },
  dreamy: { targets: { energy: 0.35, instrumentalness: 0.5, valence: 0.45 }, phrase: 'a dreamy mood' },
  groovy: { targets: { danceability: 0.85, valence: 0.75, energy: 0.65 }, phrase: 'a groove' },
  intense: { targets: { energy: 0.95, loudness: -4, tempo: 140 }, phrase: 'intensity' },
  mellow: { targets: { energy: 0.3, acousticness: 0.6, valence: 0.5 }, phrase: 'a mellow mood' },
  nostalgic: { targets: { acousticness: 0.4, valence: 0.55 }, phrase: 'nostalgia' },
};

export const activityTable: Record<string, MoodEntry> = {
  running: { targets: { energy: 0.9, tempo: 165, danceability: 0.65, valence: 0.65 }, phrase: 'running' },
  workout: { targets: { energy: 0.9, tempo: 130, danceability: 0.7, loudness: -4 }, phrase: 'a workout' },
  study: {
    targets: { energy: 0.2, acousticness: 0.75, instrumentalness: 0.8, speechiness: 0.03, tempo: 80 },
    phrase: 'studying',
  },
  focus: { targets: { energy: 0.3, instrumentalness: 0.8, speechiness: 0.03 }, phrase: 'focus' },
  sleep: {
    targets: { energy: 0.08, acousticness: 0.9, instrumentalness: 0.85, tempo: 65, loudness: -22 },
    phrase: 'sleep',
  },
  relax: { targets: { energy: 0.25, acousticness: 0.7, tempo: 85, valence: 0.5 }, phrase: 'relaxing' },
  party: { targets: { danceability: 0.85, energy: 0.85, valence: 0.75, tempo: 122 }, phrase: 'a party' },
  dance: { targets: { danceability: 0.9, energy: 0.8, tempo: 124 }, phrase: 'dancing' },
  driving: { targets: { energy: 0.75, valence: 0.65, tempo: 118 }, phrase: 'driving' },
  cooking: { targets: { valence: 0.7, energy: 0.55, danceability: 0.65 }, phrase: 'cooking' },
  dinner: {
    targets: { energy: 0.35, acousticness: 0.6, valence: 0.55, speechiness: 0.04 },
    phrase: 'dinner',
  },
  meditation: {
    targets: { energy: 0.05, instrumentalness: 0.9, acousticness: 0.85, tempo: 60 },
    phrase: 'meditation',
  },
  work: { targets: { energy: 0.45, instrumentalness: 0.5, speechiness: 0.04 }, phrase: 'working' },
};

/** Other words people use, mapped to a table key. */
export const moodSynonyms: Record<string, string> = {
  'up beat': 'upbeat',
  cheerful: 'happy',
  joyful: 'happy',
  uplifting: 'happy',
  hype: 'energetic',
  pumped: 'energetic',
  energizing: 'energetic',
  energy: 'energetic',
  relaxed: 'calm',
  peaceful: 'calm',
  soothing: 'calm',
  quiet: 'calm',
  gentle: 'calm',
  chilled: 'chill',
  heartbroken: 'sad',
  gloomy: 'melancholic',
  moody: 'melancholic',
  aggressive: 'angry',
  sexy: 'romantic',
  funky: 'groovy',
  heavy: 'intense',
  soft: 'mellow',
  calmer: 'calm',
  happier: 'happy',
  sadder: 'sad',
  // Common words of a few other languages (Spanish, French, German, Portuguese, Italian).
  tranquila: 'calm',
  tranquilo: 'calm',
  calme: 'calm',
  ruhig: 'calm',
  ruhige: 'calm',
  alegre: 'happy',
  feliz: 'happy',
  joyeux: 'happy',
  frohlich: 'happy',
  triste: 'sad',
  traurig: 'sad',
  energica: 'energetic',
  energico: 'energetic',
  energique: 'energetic',
};

export const activitySynonyms: Record<string, string> = {
  run: 'running',
  jog: 'running',
  jogging: 'running',
  gym: 'workout',
  exercise: 'workout',
  training: 'workout',
  lifting: 'workout',
  studying: 'study',
  homework: 'study',
  reading: 'study',
  concentrate: 'focus',
  concentration: 'focus',
  coding: 'focus',
  programming: 'focus',
  sleeping: 'sleep',
  bedtime: 'sleep',
  relaxing: 'relax',
  unwind: 'relax',
  partying: 'party',
  club: 'party',
  dancing: 'dance',
  drive: 'driving',
  'road trip': 'driving',
  commute: 'driving',
  cook: 'cooking',
  meditate: 'meditation',
  yoga: 'meditation',
  working: 'work',
  office: 'work',
  fiesta: 'party',
  correr: 'running',
  estudiar: 'study',
  dormir: 'sleep',
  lernen: 'study',
  schlafen: 'sleep',
};

/** The table entry for a word, through synonyms; null when the word is unknown. */
export function lookupMood(word: string): { key: string; entry: MoodEntry } | null {
  return lookup(word, moodTable, moodSynonyms);
}

export function lookupActivity(word: string): { key: string; entry: MoodEntry } | null {
  return lookup(word, activityTable, activitySynonyms);
}

function lookup(
  word: string,
  table: Record<string, MoodEntry>,
  synonyms: Record<string, string>,
): { key: string; entry: MoodEntry } | null {
  const normalized = word.trim().toLowerCase();
  const key = table[normalized] ? normalized : synonyms[normalized];
  const entry = key ? table[key] : undefined;
  return key && entry ? { key, entry } : null;
}
