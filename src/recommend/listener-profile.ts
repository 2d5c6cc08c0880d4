import type { Feedback, ListeningEvent, ListeningStore, RecommendationStore } from '../store/index.js';
import type { FeatureIndex } from './feature-index.js';
import type { ListenerSignals } from './listener-signals.js';
import type { Resolver } from './resolver.js';

const feedbackWindow = 200;
/** The listener's most played tracks that shape taste (a long history has thousands). */
const historyWindow = 500;

export interface ListenerProfileOptions {
  /** How long one listener's listening history stays cached; feedback is read on every call. */
  historyTtlMs: number;
}

/**
 * Reads a listener's feedback (every call: a like a moment ago must count on the next recommend) and
 * listening history (cached briefly: it only grows by imports) and maps both to catalog rows.
 */
/** Where a listener's signals come from: their feedback and what they played. */
export type ListenerSignalsStore = Pick<RecommendationStore, 'listFeedback'> & ListeningStore;

/** What a listening history says: tracks played (most played first) and tracks mostly skipped. */
interface HistoryRows {
  played: number[];
  skipped: number[];
}

export class ListenerProfiles {
  private readonly history = new Map<string, { at: number; rows: HistoryRows }>();

  constructor(
    private readonly store: ListenerSignalsStore,
    private readonly index: FeatureIndex,
    private readonly resolver: Resolver,
    private readonly options: ListenerProfileOptions,
  ) {}

  async signals(userId: string): Promise<ListenerSignals> {
    const [feedback, historyRows] = await Promise.all([
      this.store.listFeedback({ userId }, { limit: feedbackWindow }),
      this.historyRows(userId),
    ]);
    return this.fromFeedback(feedback.items, historyRows);
  }

  /** Forgets the cached history of a listener (after an import). */
  invalidate(userId: string): void {
    this.history.delete(userId);
  }

  private fromFeedback(items: readonly Feedback[], historyRows: HistoryRows): ListenerSignals {
    const signals: ListenerSignals = {
      likedRows: [],
      playedRows: [],
      dislikedRows: [],
      skippedRows: [],
      artistAffinity: new Map(),
      dislikedArtists: new Set(),
    };
    const seen = new Set<number>();
    // Newest first: the latest signal about a track is the one that counts.
    for (const item of items) {
      const row = this.index.rowById.get(item.trackId);
      if (row === undefined || seen.has(row)) continue;
      seen.add(row);
      if (item.signal === 'like' || item.signal === 'save') signals.likedRows.push(row);
      else if (item.signal === 'dislike') signals.dislikedRows.push(row);
      else if (item.signal === 'skip') signals.skippedRows.push(row);
      else if (item.signal === 'play') signals.playedRows.push(row);
      // 'clear': the listener withdrew their opinion, and the older signals no longer count.
    }
    // Feedback first: a like or dislike says more than a play count.
    for (const row of historyRows.played) {
      if (!seen.has(row)) signals.playedRows.push(row);
      seen.add(row);
    }
    for (const row of historyRows.skipped) {
      if (!seen.has(row)) signals.skippedRows.push(row);
      seen.add(row);
    }
    this.addArtists(signals);
    return signals;
  }

  private addArtists(signals: ListenerSignals): void {
    const counts = new Map<number, number>();
    const add = (rows: readonly number[], amount: number): void => {
      for (const row of rows) {
        for (const artist of this.index.rowArtists[row]!)
          counts.set(artist, (counts.get(artist) ?? 0) + amount);
      }
    };
    add(signals.likedRows, 3);
    add(signals.playedRows, 1);
    const most = Math.max(0, ...counts.values());
    for (const [artist, count] of counts) signals.artistAffinity.set(artist, count / most);
    for (const row of signals.dislikedRows) {
      for (const artist of this.index.rowArtists[row]!) {
        if (!counts.has(artist)) signals.dislikedArtists.add(artist);
      }
    }
  }

  /**
   * The listener's most played tracks outside private sessions: a track skipped in most of its plays
   * counts as skipped, the others as played, most played first (so they weigh most in the taste).
   */
  private async historyRows(userId: string): Promise<HistoryRows> {
    const cached = this.history.get(userId);
    if (cached && Date.now() - cached.at < this.options.historyTtlMs) return cached.rows;
    const tracks = await this.store.listeningTaste(userId, historyWindow);
    const rows: HistoryRows = { played: [], skipped: [] };
    const seen = new Set<number>();
    for (const track of tracks) {
      const row = this.rowOf(track);
      if (row === null || seen.has(row)) continue;
      seen.add(row);
      if (track.skips * 2 > track.plays) rows.skipped.push(row);
      else rows.played.push(row);
    }
    this.history.set(userId, { at: Date.now(), rows });
    return rows;
  }

  rowOfId(trackId: string): number | null {
    return this.index.rowById.get(trackId) ?? null;
  }

  /** The row of a play: by catalog id when present, else by resolving title and artist. */
  rowOf(event: Pick<ListeningEvent, 'trackId' | 'trackName' | 'artistName'>): number | null {
    if (event.trackId !== null) {
      const row = this.index.rowById.get(event.trackId);
      if (row !== undefined) return row;
    }
    const [resolved] = this.resolver.resolve([{ title: event.trackName, artist: event.artistName }]);
    return resolved?.trackId ? (this.index.rowById.get(resolved.trackId) ?? null) : null;
  }
}
