import type { CatalogTrack } from '../../protocol/index.js';
import { stableHash } from '../text.js';

/**
 * The documented rule that estimates audio features for tracks we list ourselves (docs/recommend.md):
 * 1. start from the base profile of the track's primary genre (below);
 * 2. adjust by tempo: faster raises energy (+0.1 per 30 bpm above 110, capped ±0.15) and valence a
 *    little, lowers acousticness; danceability peaks near 118 bpm and falls 0.04 per 10 bpm away (cap 0.2);
 * 3. apply tag modifiers of secondary genres and instruments ("ballad" calmer, "acoustic" more
 *    acoustic, "strings" more acoustic and instrumental, ...);
 * 3b. adjust by era: recordings before 1970 are more acoustic and quieter, after 2010 louder and less
 *    acoustic (the "loudness war"), so two tracks of one genre differ by more than tempo;
 * 4. add a deterministic ±0.04 variation per track id so equal rows still differ, then clamp to [0, 1].
 * Key and mode come from the id hash (mode major with the genre's major share). Every row is flagged
 * `estimated: true`: these are informed guesses, not measurements.
 */
export interface GenreProfile {
  energy: number;
  danceability: number;
  valence: number;
  acousticness: number;
  instrumentalness: number;
  speechiness: number;
  liveness: number;
  /** dB at the profile's energy; moves 1 dB per 0.1 energy. */
  loudness: number;
  majorShare: number;
  durationMs: number;
}

export const genreProfiles: Record<string, GenreProfile> = {
  pop: profile(0.7, 0.7, 0.6, 0.15, 0.0, 0.06, 0.13, -5.5, 0.6, 210_000),
  rock: profile(0.75, 0.5, 0.5, 0.1, 0.03, 0.05, 0.18, -6.5, 0.7, 250_000),
  'hip-hop': profile(0.65, 0.78, 0.5, 0.12, 0.0, 0.25, 0.17, -6.0, 0.5, 230_000),
  'r&b': profile(0.55, 0.7, 0.5, 0.25, 0.01, 0.1, 0.14, -7.0, 0.5, 235_000),
  edm: profile(0.85, 0.72, 0.45, 0.03, 0.45, 0.06, 0.2, -5.0, 0.5, 270_000),
  latin: profile(0.75, 0.78, 0.7, 0.2, 0.0, 0.08, 0.15, -5.0, 0.6, 220_000),
  jazz: profile(0.4, 0.55, 0.5, 0.75, 0.45, 0.05, 0.2, -11.0, 0.6, 330_000),
  classical: profile(0.15, 0.25, 0.25, 0.95, 0.9, 0.04, 0.12, -20.0, 0.6, 360_000),
  ambient: profile(0.25, 0.45, 0.3, 0.65, 0.8, 0.05, 0.11, -15.0, 0.5, 270_000),
  folk: profile(0.35, 0.55, 0.45, 0.8, 0.02, 0.04, 0.13, -10.0, 0.75, 230_000),
  metal: profile(0.93, 0.42, 0.35, 0.01, 0.1, 0.08, 0.2, -4.5, 0.45, 300_000),
  country: profile(0.65, 0.6, 0.6, 0.3, 0.0, 0.04, 0.16, -6.5, 0.85, 210_000),
  soul: profile(0.6, 0.68, 0.72, 0.3, 0.02, 0.05, 0.16, -8.0, 0.7, 210_000),
  reggae: profile(0.6, 0.78, 0.72, 0.15, 0.02, 0.1, 0.15, -7.0, 0.7, 230_000),
  indie: profile(0.65, 0.58, 0.5, 0.2, 0.05, 0.05, 0.14, -6.5, 0.6, 230_000),
};

/** Secondary-genre tags that shift the profile (additive). */
const tagModifiers: Record<string, Partial<Record<FeatureName, number>>> = {
  ballad: { energy: -0.25, danceability: -0.15, acousticness: 0.25, valence: -0.1 },
  acoustic: { acousticness: 0.15, energy: -0.1 },
  'singer-songwriter': { acousticness: 0.1, energy: -0.05 },
  piano: { energy: -0.05, acousticness: 0.04 },
  'lo-fi': { energy: -0.05, instrumentalness: 0.1 },
  trance: { energy: 0.05, instrumentalness: 0.15 },
  techno: { instrumentalness: 0.3, valence: -0.15 },
  dubstep: { energy: 0.08, valence: -0.1 },
  disco: { danceability: 0.1, valence: 0.15 },
  funk: { danceability: 0.08, valence: 0.1 },
  trap: { speechiness: 0.08, valence: -0.1 },
  'gangster rap': { speechiness: 0.05 },
  'post-rock': { instrumentalness: 0.15, energy: 0.1 },
  'vocal jazz': { instrumentalness: -0.4 },
  swing: { energy: 0.25, danceability: 0.1, valence: 0.2 },
  bebop: { energy: 0.15 },
  'pop punk': { energy: 0.12 },
  'thrash metal': { energy: 0.04, valence: -0.1 },
  grunge: { valence: -0.15 },
  'trip hop': { valence: -0.15, energy: -0.1 },
  'modern classical': { instrumentalness: 0.05 },
  choral: { instrumentalness: -0.5, energy: 0.15 },
  strings: { acousticness: 0.05, instrumentalness: 0.05, energy: -0.05 },
  violin: { acousticness: 0.03 },
  cello: { energy: -0.08, valence: -0.08 },
  saxophone: { instrumentalness: 0.1 },
  trumpet: { energy: 0.05, valence: 0.05 },
};

/** Era shifts (additive) by release year; unknown years shift nothing. */
export function eraShift(year: number): Partial<Record<FeatureName, number>> {
  if (Number.isNaN(year)) return {};
  if (year < 1970) return { acousticness: 0.12, energy: -0.06, danceability: -0.03 };
  if (year < 1990) return { acousticness: 0.04, energy: -0.02 };
  if (year >= 2010) return { acousticness: -0.05, energy: 0.04 };
  return {};
}

type FeatureName = keyof CatalogTrack['features'];
const unitFeatures = [
  'energy',
  'danceability',
  'valence',
  'acousticness',
  'instrumentalness',
  'speechiness',
  'liveness',
] as const;

function profile(
  energy: number,
  danceability: number,
  valence: number,
  acousticness: number,
  instrumentalness: number,
  speechiness: number,
  liveness: number,
  loudness: number,
  majorShare: number,
  durationMs: number,
): GenreProfile {
  return {
    energy,
    danceability,
    valence,
    acousticness,
    instrumentalness,
    speechiness,
    liveness,
    loudness,
    majorShare,
    durationMs,
  };
}

const clampUnit = (value: number): number => Math.min(1, Math.max(0, value));
const clamp = (value: number, limit: number): number => Math.min(limit, Math.max(-limit, value));

/** A number in [-1, 1] that depends only on the id and the salt. */
function variation(id: string, salt: string): number {
  return (stableHash(`${id}:${salt}`) % 2001) / 1000 - 1;
}

export interface EstimatedFeatures {
  features: CatalogTrack['features'];
  durationMs: number;
  popularity: number;
}

export function estimateFeatures(
  id: string,
  primaryGenre: string,
  tags: readonly string[],
  tempo: number,
  year = Number.NaN,
): EstimatedFeatures {
  const base = genreProfiles[primaryGenre] ?? genreProfiles.pop!;
  const energyShift = clamp(((tempo - 110) / 30) * 0.1, 0.15);
  const values: Record<(typeof unitFeatures)[number], number> = {
    energy: base.energy + energyShift,
    danceability: base.danceability - Math.min(Math.abs(tempo - 118) * 0.004, 0.2),
    valence: base.valence + energyShift * 0.4,
    acousticness: base.acousticness - energyShift * 0.5,
    instrumentalness: base.instrumentalness,
    speechiness: base.speechiness,
    liveness: base.liveness,
  };
  for (const shifts of [...tags.map((tag) => tagModifiers[tag] ?? {}), eraShift(year)]) {
    for (const [name, shift] of Object.entries(shifts)) {
      if (name in values) values[name as keyof typeof values] += shift;
    }
  }
  for (const name of unitFeatures) {
    values[name] = round(clampUnit(values[name] + variation(id, name) * 0.04));
  }
  const hash = stableHash(id);
  return {
    features: {
      ...values,
      tempo,
      loudness: round(base.loudness + (values.energy - base.energy) * 10),
      key: hash % 12,
      mode: (hash >>> 8) % 100 < base.majorShare * 100 ? 1 : 0,
    },
    durationMs: Math.round(base.durationMs * (1 + variation(id, 'duration') * 0.15)),
    // Every bundled track is well known; the spread only breaks ties in the popularity prior.
    popularity: 65 + ((hash >>> 4) % 30),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
