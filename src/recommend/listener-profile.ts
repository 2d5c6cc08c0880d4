import type { Feedback, ListeningEvent, ListeningStore, RecommendationStore } from '../store/index.js';
import type { FeatureIndex } from './feature-index.js';
import type { ListenerSignals } from './listener-signals.js';
import type { Resolver } from './resolver.js';

const feedbackWindow = 200;
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

export class ListenerProfiles {
  private readonly history = new Map<string, { at: number; rows: number[] }>();

  constructor(
    private readonly store: ListenerSignalsStore,
    private readonly index: FeatureIndex,
    private readonly resolver: Resolver,
    private readonly options: ListenerProfileOptions,
  ) {}

  async signals(userId: string): Promise<ListenerSignals> {
    const [feedback, playedRows] = await Promise.all([
      this.store.listFeedback({ userId }, { limit: feedbackWindow }),
      this.historyRows(userId),
    ]);
    return this.fromFeedback(feedback.items, playedRows);
  }

  /** Forgets the cached history of a listener (after an import). */
  invalidate(userId: string): void {
    this.history.delete(userId);
  }

  private fromFeedback(items: readonly Feedback[], historyRows: readonly number[]): ListenerSignals {
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
    for (const row of historyRows) {
      if (!seen.has(row)) signals.playedRows.push(row);
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

  private async historyRows(userId: string): Promise<number[]> {
    const cached = this.history.get(userId);
    if (cached && Date.now() - cached.at < this.options.historyTtlMs) return cached.rows;
    const page = await this.store.listListeningHistory({ userId }, { limit: historyWindow });
    const rows = [...new Set(page.items.map((event) => this.rowOf(event)).filter((row) => row !== null))];
    this.history.set(userId, { at: Date.now(), rows });
    return rows;
  }

  rowOfId(trackId: string): number | null {
    return this.index.rowById.get(trackId) ?? null;
  }

  /** The row of a play: by catalog id when present, else by resolving title and artist. */
  rowOf(event: ListeningEvent): number | null {
    if (event.trackId !== null) {
      const row = this.index.rowById.get(event.trackId);
      if (row !== undefined) return row;
    }
    const [resolved] = this.resolver.resolve([{ title: event.trackName, artist: event.artistName }]);
    return resolved?.trackId ? (this.index.rowById.get(resolved.trackId) ?? null) : null;
  }
}
