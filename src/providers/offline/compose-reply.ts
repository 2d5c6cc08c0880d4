import type { IntentSummary } from './offline-api.js';
import type { RecommendedTrackSummary } from './offline-tool.js';

/**
 * Writes the offline model's answer in plain words. Deterministic (the first tracks, fixed phrasing)
 * so tests and a keyless demo behave the same way every time.
 */

const mentionedTracks = 4;

function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function describeTrack(track: RecommendedTrackSummary): string {
  const artists = track.artists.length > 0 ? ` by ${listInWords(track.artists)}` : '';
  return `“${track.name}”${artists}`;
}

function describeIntent(intent: IntentSummary): string {
  const parts: string[] = [];
  if (intent.mood) parts.push(intent.mood);
  if (intent.seed_genres && intent.seed_genres.length > 0) parts.push(listInWords(intent.seed_genres));
  const kind = parts.length > 0 ? `${parts.join(' ')} ` : '';
  const activity = intent.activity ? ` for ${intent.activity}` : '';
  return `${kind}picks${activity}`;
}

function explainWhy(intent: IntentSummary, tracks: readonly RecommendedTrackSummary[]): string {
  const reason = tracks.flatMap((track) => track.reasons ?? []).find((text) => text.trim().length > 0);
  const reasons: string[] = [];
  if (intent.mood) reasons.push(`they match the ${intent.mood} mood you asked for`);
  if (intent.activity) reasons.push(`they suit ${intent.activity}`);
  if (intent.seed_artists && intent.seed_artists.length > 0) {
    reasons.push(`they sit close to ${listInWords(intent.seed_artists)}`);
  }
  const tempo = intent.target_tempo ?? intent.min_tempo;
  if (tempo !== undefined) reasons.push(`they move at around ${Math.round(tempo)} BPM`);
  if (reasons.length === 0 && reason) return `I chose them because: ${reason.replace(/\.$/, '')}.`;
  if (reasons.length === 0) return 'They are close to what you described and varied enough to explore.';
  return `I chose them because ${listInWords(reasons)}.`;
}

export function composeRecommendationReply(
  tracks: readonly RecommendedTrackSummary[],
  intent: IntentSummary,
  notes: readonly string[] = [],
): string {
  if (tracks.length === 0) {
    return 'I could not find tracks that fit that yet. Try naming a mood, an activity, a genre or an artist you like.';
  }
  const named = tracks.slice(0, mentionedTracks).map(describeTrack);
  const more =
    tracks.length > named.length ? ` There are ${tracks.length - named.length} more in the list.` : '';
  const noted = notes.length > 0 ? ` (Note: ${notes.join('; ')}.)` : '';
  return (
    `Here are some ${describeIntent(intent)}: ${listInWords(named)}. ` +
    `${explainWhy(intent, tracks)}${more}${noted} Tell me what you think, and I can steer from there.`
  );
}

export function composeApology(): string {
  return 'Sorry, I could not fetch recommendations just now. Please try again in a moment.';
}

export function composeGreeting(): string {
  return 'Tell me a mood, an activity, a genre or an artist, and I will find tracks for you.';
}

/** For words the model cannot read: a short question with requests it can, instead of random picks. */
export function composeClarifyingQuestion(): string {
  return (
    'I am not sure what you would like to hear. Could you tell me a mood, an activity, a genre, an era or ' +
    'an artist? For example: “calm piano for studying”, “90s hip hop”, “upbeat songs for a run, no latin” ' +
    'or “something like Daft Punk”.'
  );
}
