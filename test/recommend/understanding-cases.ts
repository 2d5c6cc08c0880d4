import type { RecommendedTrack } from '../../src/protocol/index.js';
import { type Engine, recommendQuerySchema } from '../../src/recommend/index.js';

/**
 * What a listener asks and what the answer must show, checked over the returned tracks. Multi-turn cases
 * are one session: later messages may refine earlier ones, and tracks shown before are not shown again
 * (as chat does). Run by test/recommend/understanding.test.ts and `npm run eval:recommend`.
 */
export interface UnderstandingCase {
  turns: string[];
  checks: Check[];
}

export type Check =
  | { kind: 'cards'; atLeast: number }
  | { kind: 'asks' }
  | { kind: 'years'; from: number; to: number; share: number }
  | { kind: 'genre'; genre: string; share: number }
  | { kind: 'no-genre'; genres: string[] }
  | { kind: 'no-artist'; artists: string[] }
  | { kind: 'artist'; artist: string; atLeast: number }
  | { kind: 'tag'; tag: string; atLeast: number; within?: number }
  | {
      kind: 'feature';
      feature: 'energy' | 'valence' | 'tempo' | 'instrumentalness' | 'acousticness';
      side: 'low' | 'high';
    }
  | { kind: 'previous-artist'; position: number }
  | { kind: 'variety'; maxPerGenre: number };

const years = (from: number, to: number, share = 0.75): Check => ({ kind: 'years', from, to, share });
const genre = (name: string, share = 0.75): Check => ({ kind: 'genre', genre: name, share });
const cards = (atLeast = 5): Check => ({ kind: 'cards', atLeast });
const low = (feature: Extract<Check, { kind: 'feature' }>['feature']): Check => ({
  kind: 'feature',
  feature,
  side: 'low',
});
const high = (feature: Extract<Check, { kind: 'feature' }>['feature']): Check => ({
  kind: 'feature',
  feature,
  side: 'high',
});

export const understandingCases: UnderstandingCase[] = [
  { turns: ['90s hip hop'], checks: [cards(), years(1990, 1999), genre('hip-hop')] },
  {
    turns: ['calm piano for studying'],
    checks: [cards(), { kind: 'tag', tag: 'piano', atLeast: 3, within: 5 }, low('energy')],
  },
  { turns: ['blorf zzkx qwop 123 ??'], checks: [{ kind: 'asks' }] },
  { turns: ['hello'], checks: [{ kind: 'asks' }] },
  { turns: ['energetic rock'], checks: [cards(), genre('rock'), high('energy')] },
  {
    turns: ['upbeat songs for a run, no latin'],
    checks: [cards(), { kind: 'no-genre', genres: ['latin'] }, high('energy')],
  },
  {
    turns: ['hip hop but not Drake'],
    checks: [cards(), genre('hip-hop'), { kind: 'no-artist', artists: ['Drake'] }],
  },
  { turns: ['rock from the 70s'], checks: [cards(), years(1970, 1979), genre('rock', 0.5)] },
  { turns: ['jazz before 1960'], checks: [cards(), years(0, 1959, 1), genre('jazz')] },
  { turns: ['songs from the 2010s'], checks: [cards(), years(2010, 2019)] },
  { turns: ['80s synth pop'], checks: [cards(3), years(1980, 1989, 0.6)] },
  { turns: ['early 2000s rock'], checks: [cards(3), years(2000, 2004), genre('rock', 0.5)] },
  { turns: ['sad songs'], checks: [cards(), low('valence')] },
  {
    turns: ['something upbeat for my morning run'],
    checks: [cards(), high('energy'), { kind: 'variety', maxPerGenre: 2 }],
  },
  { turns: ['happy upbeat pop'], checks: [cards(), genre('pop', 0.5), high('valence')] },
  { turns: ['music for sleeping'], checks: [cards(), low('energy')] },
  { turns: ['workout metal'], checks: [cards(), genre('metal'), high('energy')] },
  { turns: ['something like Daft Punk'], checks: [cards(), genre('edm', 0.5)] },
  {
    turns: ['saxophone jazz'],
    checks: [cards(), genre('jazz'), { kind: 'tag', tag: 'saxophone', atLeast: 3 }],
  },
  { turns: ['calm strings'], checks: [cards(), { kind: 'tag', tag: 'strings', atLeast: 3 }, low('energy')] },
  {
    turns: ['reggae, nothing from Bob Marley'],
    checks: [
      cards(),
      genre('reggae', 0.5),
      { kind: 'no-artist', artists: ['Bob Marley & The Wailers', 'Bob Marley'] },
    ],
  },
  { turns: ['country music after 2010'], checks: [cards(3), years(2011, 2100, 1)] },
  { turns: ['música tranquila para estudiar'], checks: [cards(), low('energy')] },
  { turns: ['ruhige Musik zum Lernen'], checks: [cards(), low('energy')] },
  { turns: ['fast edm at 130 bpm'], checks: [cards(), genre('edm'), high('tempo')] },
  { turns: ['slow soul songs'], checks: [cards(), genre('soul'), low('tempo')] },
  { turns: ['instrumental music for focus'], checks: [cards(), high('instrumentalness')] },
  { turns: ['latin party songs'], checks: [cards(), genre('latin')] },
  { turns: ['folk with acoustic guitar'], checks: [cards(), genre('folk', 0.5), high('acousticness')] },
  {
    turns: ['no rap and no hip hop, something upbeat'],
    checks: [cards(), { kind: 'no-genre', genres: ['hip-hop', 'rap'] }],
  },
  { turns: ['indie from the 2000s'], checks: [cards(3), years(2000, 2009), genre('indie', 0.5)] },
  { turns: ['oldies'], checks: [cards(), years(0, 1979, 1)] },
  { turns: ['classic rock'], checks: [cards(), genre('rock')] },
  { turns: ['ambient music for meditation'], checks: [cards(), genre('ambient', 0.5), low('energy')] },
  { turns: ['r&b slow jams'], checks: [cards(), genre('r&b', 0.5)] },
  {
    turns: ['latin party songs', 'less latin please, more rock'],
    checks: [cards(), { kind: 'no-genre', genres: ['latin'] }, genre('rock', 0.5)],
  },
  {
    turns: [
      'energetic rock',
      'energetic rock',
      'energetic rock',
      'energetic rock',
      'energetic rock',
      'energetic rock',
    ],
    checks: [cards(), genre('rock')],
  },
  {
    turns: ['90s hip hop', 'something slower'],
    checks: [cards(3), years(1990, 1999), genre('hip-hop'), low('tempo')],
  },
  {
    turns: ['calm piano for studying', 'more like that'],
    checks: [cards(), { kind: 'tag', tag: 'piano', atLeast: 2 }, low('energy')],
  },
  {
    turns: ['upbeat pop', 'no Taylor Swift'],
    checks: [cards(), genre('pop', 0.5), { kind: 'no-artist', artists: ['Taylor Swift'] }],
  },
  {
    turns: ['jazz', 'only the second one’s artist'],
    checks: [cards(1), { kind: 'previous-artist', position: 1 }],
  },
  { turns: ['rock', 'from the 80s'], checks: [cards(3), years(1980, 1989), genre('rock', 0.5)] },
  {
    turns: ['hip hop', 'without Eminem'],
    checks: [cards(), genre('hip-hop'), { kind: 'no-artist', artists: ['Eminem'] }],
  },
  { turns: ['country', 'happier'], checks: [cards(), genre('country', 0.5), high('valence')] },
  { turns: ['reggae', 'more like that'], checks: [cards(), genre('reggae')] },
  {
    turns: ['metal', 'no Metallica, and only from the 2000s'],
    checks: [cards(3), years(2000, 2009), { kind: 'no-artist', artists: ['Metallica'] }],
  },
];

/** One answer of a session: the tracks, or that the engine asked what was meant. */
export interface Answer {
  asked: boolean;
  tracks: RecommendedTrack[];
}

/** Plays a case's turns as chat would (follow-ups refine; shown tracks are not shown again). */
export async function playCase(engine: Engine, turns: readonly string[]): Promise<Answer[]> {
  const answers: Answer[] = [];
  const seen: string[] = [];
  for (const [at, text] of turns.entries()) {
    const earlier = turns.slice(0, at).reverse();
    const previous = answers.at(-1);
    const lastReply = previous?.tracks.map((track) => `“${track.name}” by ${track.artists[0]}`).join(', ');
    const understood = engine.understand(text, lastReply ? { earlier, lastReply } : { earlier });
    if (!understood.readable) {
      answers.push({ asked: true, tracks: [] });
      continue;
    }
    const query = recommendQuerySchema.parse({ limit: 8, ...understood.query });
    const { tracks } = await engine.recommend(query, { excludeIds: seen });
    seen.push(...tracks.map((track) => track.id));
    answers.push({ asked: false, tracks });
  }
  return answers;
}

/** Quartiles of a feature over the catalog (its 25th and 75th percentiles). */
export function quartiles(engine: Engine, feature: string): { p25: number; p75: number } {
  const values = engine.index.tracks
    .map((track) => (track.features as Record<string, number>)[feature] ?? Number.NaN)
    .filter((value) => !Number.isNaN(value))
    .sort((left, right) => left - right);
  return { p25: values[Math.floor(values.length * 0.25)]!, p75: values[Math.floor(values.length * 0.75)]! };
}

/** Whether the check holds for the last answer (and the one before, for previous-artist). */
export function passes(engine: Engine, check: Check, answers: readonly Answer[]): boolean {
  const answer = answers.at(-1)!;
  const { tracks } = answer;
  const share = (predicate: (track: RecommendedTrack) => boolean) =>
    tracks.length === 0 ? 0 : tracks.filter(predicate).length / tracks.length;
  const year = (track: RecommendedTrack) => Number(track.releaseDate?.slice(0, 4) ?? Number.NaN);
  const genres = (track: RecommendedTrack) => track.genres.map((name) => name.toLowerCase());
  switch (check.kind) {
    case 'cards':
      return !answer.asked && tracks.length >= check.atLeast;
    case 'asks':
      return answer.asked;
    case 'years':
      return share((track) => year(track) >= check.from && year(track) <= check.to) >= check.share;
    case 'genre':
      return share((track) => genres(track).includes(check.genre)) >= check.share;
    case 'no-genre':
      return (
        tracks.length > 0 &&
        tracks.every((track) => !genres(track).some((name) => check.genres.includes(name)))
      );
    case 'no-artist':
      return (
        tracks.length > 0 &&
        tracks.every((track) => !track.artists.some((name) => check.artists.includes(name)))
      );
    case 'artist':
      return tracks.filter((track) => track.artists.includes(check.artist)).length >= check.atLeast;
    case 'tag':
      return (
        tracks.slice(0, check.within ?? tracks.length).filter((track) => genres(track).includes(check.tag))
          .length >= check.atLeast
      );
    case 'feature': {
      const { p25, p75 } = quartiles(engine, check.feature);
      const values = tracks.map(
        (track) => (track.features as Record<string, number>)[check.feature] ?? Number.NaN,
      );
      const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
      return check.side === 'low' ? mean <= p25 : mean >= p75;
    }
    case 'variety': {
      const counts = new Map<string, number>();
      for (const track of tracks)
        counts.set(track.genres[0] ?? '', (counts.get(track.genres[0] ?? '') ?? 0) + 1);
      return tracks.length > 0 && Math.max(...counts.values()) <= check.maxPerGenre;
    }
    case 'previous-artist': {
      const artist = answers.at(-2)?.tracks[check.position]?.artists[0];
      return (
        artist !== undefined && tracks.length > 0 && tracks.every((track) => track.artists.includes(artist))
      );
    }
  }
}

export interface CaseOutcome {
  turns: string[];
  passed: number;
  failed: string[];
}

export async function runUnderstanding(engine: Engine): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = [];
  for (const testCase of understandingCases) {
    const answers = await playCase(engine, testCase.turns);
    const failed = testCase.checks.filter((check) => !passes(engine, check, answers)).map(describeCheck);
    outcomes.push({ turns: testCase.turns, passed: testCase.checks.length - failed.length, failed });
  }
  return outcomes;
}

export function describeCheck(check: Check): string {
  switch (check.kind) {
    case 'cards':
      return `≥ ${check.atLeast} cards`;
    case 'asks':
      return 'asks what is meant';
    case 'years':
      return `≥ ${check.share * 100}% from ${check.from || '…'}–${check.to > 2050 ? '…' : check.to}`;
    case 'genre':
      return `≥ ${check.share * 100}% ${check.genre}`;
    case 'no-genre':
      return `no ${check.genres.join('/')}`;
    case 'no-artist':
      return `no ${check.artists[0]}`;
    case 'artist':
      return `≥ ${check.atLeast} by ${check.artist}`;
    case 'tag':
      return `≥ ${check.atLeast} tagged ${check.tag}${check.within ? ` in the top ${check.within}` : ''}`;
    case 'feature':
      return `${check.feature} ${check.side === 'low' ? '≤ p25' : '≥ p75'} (mean)`;
    case 'variety':
      return `≤ ${check.maxPerGenre} of any one genre`;
    case 'previous-artist':
      return `first card by the artist of track ${check.position + 1} before`;
  }
}
