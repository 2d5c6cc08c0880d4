import { hoursPerWeek, skipSignals } from './listening-events.js';
import type { ListeningEvent, ListeningStats, PlayTotals, TasteTrack } from './records.js';

/** What a tally reads of a play. */
export type TalliedPlay = Pick<
  ListeningEvent,
  'trackId' | 'trackName' | 'artistName' | 'playedAt' | 'msPlayed' | 'signal' | 'genre'
>;

type TrackTotals = PlayTotals & { trackName: string; artistName: string; trackId: string | null };
type ArtistTotals = PlayTotals & { artistName: string };
type GenreTotals = PlayTotals & { genre: string };

/**
 * Listening stats counted play by play, for a store whose server cannot group them (FerretDB 1.24's
 * $group keeps only its first accumulator right). Gives exactly what the SQLite adapter's GROUP BY
 * queries give, order and ties included; the contract suite holds both to the same figures.
 */
export class StatsTally {
  readonly #overall: PlayTotals = { plays: 0, msPlayed: 0, skips: 0 };
  #matchedPlays = 0;
  #first: string | null = null;
  #last: string | null = null;
  readonly #tracks = new Map<string, TrackTotals>();
  readonly #artists = new Map<string, ArtistTotals>();
  readonly #genres = new Map<string, GenreTotals>();
  readonly #hours = new Array<number>(hoursPerWeek).fill(0);

  add(play: TalliedPlay): void {
    const skip = skipSignals.includes(play.signal);
    count(this.#overall, play.msPlayed, skip);
    if (play.trackId !== null) this.#matchedPlays += 1;
    if (this.#first === null || play.playedAt < this.#first) this.#first = play.playedAt;
    if (this.#last === null || play.playedAt > this.#last) this.#last = play.playedAt;
    const trackKey = `${play.trackName}\u0000${play.artistName}`;
    const track = entry(this.#tracks, trackKey, () => ({
      trackName: play.trackName,
      artistName: play.artistName,
      trackId: null,
      ...zero(),
    }));
    count(track, play.msPlayed, skip);
    // MAX(track_id): the same song may be matched in one import and not in another.
    if (play.trackId !== null && (track.trackId === null || play.trackId > track.trackId)) {
      track.trackId = play.trackId;
    }
    const artist = entry(this.#artists, play.artistName, () => ({ artistName: play.artistName, ...zero() }));
    count(artist, play.msPlayed, skip);
    if (play.genre !== null) {
      const genre = play.genre;
      count(
        entry(this.#genres, genre, () => ({ genre, ...zero() })),
        play.msPlayed,
        skip,
      );
    }
    const time = new Date(play.playedAt);
    this.#hours[time.getUTCDay() * 24 + time.getUTCHours()]! += 1;
  }

  stats(top: number): ListeningStats {
    const artists = [...this.#artists.values()];
    return {
      ...this.#overall,
      matchedPlays: this.#matchedPlays,
      firstPlayedAt: this.#first,
      lastPlayedAt: this.#last,
      topTracks: [...this.#tracks.values()]
        .sort((left, right) => byPlays(left, right) || byTrackName(left, right))
        .slice(0, top),
      topArtists: [...artists]
        .sort((left, right) => byPlays(left, right) || compareText(left.artistName, right.artistName))
        .slice(0, top),
      mostSkippedArtists: artists
        .filter((artist) => artist.skips > 0)
        .sort(
          (left, right) =>
            right.skips - left.skips ||
            right.plays - left.plays ||
            compareText(left.artistName, right.artistName),
        )
        .slice(0, top),
      topGenres: [...this.#genres.values()]
        .sort((left, right) => byPlays(left, right) || compareText(left.genre, right.genre))
        .slice(0, top),
      playsByHourOfWeek: [...this.#hours],
    };
  }
}

/** A listener's plays outside private sessions by track, as SQLite's listeningTaste query counts them. */
export class TasteTally {
  readonly #tracks = new Map<string, TasteTrack>();

  add(play: TalliedPlay): void {
    const key = `${play.trackName}\u0000${play.artistName}`;
    const track = entry(this.#tracks, key, () => ({
      trackId: null,
      trackName: play.trackName,
      artistName: play.artistName,
      plays: 0,
      skips: 0,
      positives: 0,
    }));
    track.plays += 1;
    if (play.signal === 'skip') track.skips += 1;
    if (play.signal === 'positive') track.positives += 1;
    if (play.trackId !== null && (track.trackId === null || play.trackId > track.trackId)) {
      track.trackId = play.trackId;
    }
  }

  tracks(limit: number): TasteTrack[] {
    return [...this.#tracks.values()]
      .sort((left, right) => right.plays - left.plays || byTrackName(left, right))
      .slice(0, limit);
  }
}

function zero(): PlayTotals {
  return { plays: 0, msPlayed: 0, skips: 0 };
}

function count(totals: PlayTotals, msPlayed: number, skip: boolean): void {
  totals.plays += 1;
  totals.msPlayed += msPlayed;
  if (skip) totals.skips += 1;
}

function entry<Value>(map: Map<string, Value>, key: string, create: () => Value): Value {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

function byPlays(left: PlayTotals, right: PlayTotals): number {
  return right.plays - left.plays || right.msPlayed - left.msPlayed;
}

/** Code-point order, as SQLite's ORDER BY on text. */
function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function byTrackName(
  left: { trackName: string; artistName: string },
  right: { trackName: string; artistName: string },
): number {
  return compareText(left.trackName, right.trackName) || compareText(left.artistName, right.artistName);
}
