import type { RecommendQueryInput } from './query.js';

/**
 * Follow-ups: a message that refines the previous request of the session ("more like that", "less
 * latin", "something slower", "only the second one's artist") rather than starting over.
 */
const followUpCue =
  /^\s*(?:and|but|ok|okay|now|then|also|please)?\s*(?:more|less|fewer|another|again|same|similar|something (?:slower|faster|calmer|happier|sadder|softer|louder|darker|older|newer)|slower|faster|calmer|happier|softer|only|just|without|no|not|except|but|instead|from the|the (?:first|second|third|fourth|last) one)\b|\b(?:like (?:that|those|these|this|them|the (?:first|second|third|fourth|last) one)|more of (?:that|those|these|this|the same)|the (?:first|second|third|fourth|last) one'?s? artist)\b/i;

export function isFollowUp(text: string): boolean {
  return followUpCue.test(text);
}

const ordinals: Record<string, number> = { first: 0, second: 1, third: 2, fourth: 3 };

/** A track named in a reply: “Title” by Artist. */
export interface NamedTrack {
  title: string;
  artist: string;
}

/** The tracks a reply names as “Title” by Artist, in order. */
export function tracksNamedIn(reply: string): NamedTrack[] {
  const named: NamedTrack[] = [];
  for (const match of reply.matchAll(
    /[“"]([^”"]{1,200})[”"] by ([^,.;:!?\n“"]+?)(?=,| and |\.|;|:|!|\?|\n|$| \()/gu,
  )) {
    named.push({ title: match[1]!.trim(), artist: match[2]!.trim() });
  }
  return named;
}

/**
 * The previous request with this message's changes: its own wishes win (mood, tempo, years), genres
 * asked "more" of join the earlier ones, exclusions add up and remove what they exclude, and "the second
 * one's artist" turns to the artist of that track in the last reply.
 */
export function refine(
  previous: RecommendQueryInput,
  current: RecommendQueryInput,
  text: string,
  lastReply: readonly NamedTrack[],
): RecommendQueryInput {
  const merged: RecommendQueryInput = { ...previous, ...withoutUndefined(current) };
  const excludedGenres = union(previous.exclude_genres, current.exclude_genres);
  const excludedArtists = union(previous.exclude_artists, current.exclude_artists);
  const only = /\b(only|just)\b/i.test(text);
  const genres =
    only && current.seed_genres ? current.seed_genres : union(current.seed_genres, previous.seed_genres);
  const artists = union(current.seed_artists, previous.seed_artists);
  setList(merged, 'seed_genres', genres.filter((genre) => !excludedGenres.includes(genre)).slice(0, 5));
  setList(merged, 'seed_artists', artists.filter((artist) => !excludedArtists.includes(artist)).slice(0, 5));
  setList(merged, 'exclude_genres', excludedGenres);
  setList(merged, 'exclude_artists', excludedArtists);
  setList(merged, 'instruments', union(current.instruments, previous.instruments).slice(0, 3));
  // A new tempo wish replaces the old one's bounds rather than contradicting them.
  if (current.max_tempo !== undefined || current.target_tempo !== undefined) delete merged.min_tempo;
  if (current.min_tempo !== undefined || current.target_tempo !== undefined) delete merged.max_tempo;
  if (current.max_tempo !== undefined && current.target_tempo === undefined) delete merged.target_tempo;
  if (current.min_tempo !== undefined && current.target_tempo === undefined) delete merged.target_tempo;
  const ordinal = /\bthe (first|second|third|fourth|last) one'?s?\b/i.exec(text);
  if (ordinal && lastReply.length > 0) {
    const word = ordinal[1]!.toLowerCase();
    const track = word === 'last' ? lastReply.at(-1) : lastReply[ordinals[word] ?? 0];
    if (track) {
      if (/\bartist\b|\bby (?:him|her|them)\b/i.test(text)) {
        merged.seed_artists = [track.artist];
        delete merged.seed_genres;
      } else {
        merged.seed_tracks = [`${track.title} — ${track.artist}`];
      }
    }
  }
  return merged;
}

function union<Item>(first: readonly Item[] | undefined, second: readonly Item[] | undefined): Item[] {
  return [...new Set([...(first ?? []), ...(second ?? [])])];
}

function setList<
  Key extends 'seed_genres' | 'seed_artists' | 'exclude_genres' | 'exclude_artists' | 'instruments',
>(query: RecommendQueryInput, key: Key, values: NonNullable<RecommendQueryInput[Key]>): void {
  if (values.length > 0) query[key] = values;
  else delete query[key];
}

function withoutUndefined(query: RecommendQueryInput): RecommendQueryInput {
  return Object.fromEntries(
    Object.entries(query).filter(([, value]) => value !== undefined),
  ) as RecommendQueryInput;
}
