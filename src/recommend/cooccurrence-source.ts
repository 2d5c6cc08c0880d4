import type { Logger } from '../logger.js';
import { CooccurrenceModel } from './cooccurrence.js';
import type { ListenerProfiles, ListenerSignalsStore } from './listener-profile.js';

const pageSize = 1000;
/** Bounds the work of one rebuild; the newest events matter most. */
const maxEvents = 50_000;

/**
 * Keeps a co-occurrence model built from every listener's history and positive feedback. The first
 * call waits for a build; later calls get the current model at once while a stale one rebuilds behind.
 */
export class CooccurrenceSource {
  private model: CooccurrenceModel | null = null;
  private builtAt = 0;
  private building: Promise<CooccurrenceModel> | null = null;

  constructor(
    private readonly store: ListenerSignalsStore,
    private readonly profiles: ListenerProfiles,
    private readonly refreshMs: number,
    private readonly logger?: Logger,
  ) {}

  async current(): Promise<CooccurrenceModel> {
    const stale = Date.now() - this.builtAt > this.refreshMs;
    if (this.model && !stale) return this.model;
    this.building ??= this.build().finally(() => {
      this.building = null;
    });
    return this.model ?? this.building;
  }

  private async build(): Promise<CooccurrenceModel> {
    try {
      const baskets = new Map<string, number[]>();
      const add = (userId: string, row: number | null): void => {
        if (row === null) return;
        const basket = baskets.get(userId);
        if (basket) basket.push(row);
        else baskets.set(userId, [row]);
      };
      await this.readHistory(add);
      await this.readFeedback(add);
      this.model = CooccurrenceModel.fromBaskets([...baskets.values()]);
    } catch (error) {
      this.logger?.warn({ err: error }, 'co-occurrence rebuild failed; keeping the previous model');
      this.model ??= CooccurrenceModel.empty;
    }
    this.builtAt = Date.now();
    return this.model;
  }

  private async readHistory(add: (userId: string, row: number | null) => void): Promise<void> {
    let cursor: string | undefined;
    let read = 0;
    do {
      const page = await this.store.listListeningHistory({}, { cursor, limit: pageSize });
      for (const event of page.items) {
        // Private sessions and skips say nothing about what goes together.
        if (event.incognito || event.signal === 'skip') continue;
        add(event.userId, this.profiles.rowOf(event));
      }
      read += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor && read < maxEvents);
  }

  private async readFeedback(add: (userId: string, row: number | null) => void): Promise<void> {
    let cursor: string | undefined;
    let read = 0;
    // Newest first: a like later withdrawn ('clear') or turned into a dislike does not count.
    const decided = new Set<string>();
    do {
      const page = await this.store.listFeedback({}, { cursor, limit: pageSize });
      for (const item of page.items) {
        const key = `${item.userId}\u0000${item.trackId}`;
        if (decided.has(key)) continue;
        decided.add(key);
        if (item.signal === 'like' || item.signal === 'save' || item.signal === 'play') {
          add(item.userId, this.profiles.rowOfId(item.trackId));
        }
      }
      read += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor && read < maxEvents);
  }
}
