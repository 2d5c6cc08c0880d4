import { isEchoError } from '../errors.js';
import { PlayMatcher, type PlayToStore, toListeningEvent } from '../listening/index.js';
import type { Logger } from '../logger.js';
import type { Recommender } from '../recommend/index.js';
import type { ListeningStore, SpotifyAccount, SpotifyAccountStore } from '../store/index.js';
import { type KnownPlay, samePlayMarginMs, withoutKnownPlays } from './known-plays.js';
import type { RecentPlay } from './spotify-records.js';
import type { StoredLinks } from './stored-links.js';

export interface RecentlyPlayedSyncOptions {
  store: Pick<SpotifyAccountStore, 'listLinkedForSync' | 'claimSpotifySync' | 'saveSpotifySyncCursor'> &
    Pick<ListeningStore, 'listListeningHistory' | 'addListeningHistory'>;
  links: Pick<StoredLinks, 'api' | 'get'>;
  recommender: Pick<Recommender, 'matchPlay' | 'forgetListener'>;
  /** SPOTIFY_SYNC_INTERVAL_MINUTES: how often each listener is synced. */
  intervalMs: number;
  logger?: Logger | undefined;
  now?: () => number;
}

export interface ListenerSync {
  userId: string;
  /** Plays stored (new to the listener's history). */
  added: number;
  /** Recently played that the history already held (imported from an export, or synced before). */
  known: number;
}

/** Spotify gives `after` pages of at most 50; a listener rarely has more than one since the last sync. */
const maxPages = 5;
const linksPerPage = 100;
const historyPage = 1000;
/** A listener is due a little before a full interval has passed, so timer drift never skips a round. */
const dueShare = 0.9;
/** The first pass after start, so a restart (a deploy) does not leave everyone waiting a full interval. */
const firstPassDelayMs = 5_000;

/**
 * Stores each linked listener's recently played every interval. One pass walks the links; a listener is
 * synced by whichever instance claims it first (a compare-and-set of lastSyncAt in the store), so with
 * several instances each listener is still synced once per interval. Plays the history already has (from
 * an export or an earlier sync) are left out, the rest become listening events through PlayMatcher, and
 * the cursor moves on.
 */
export class RecentlyPlayedSync {
  readonly #options: RecentlyPlayedSyncOptions;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #pass: Promise<void> | null = null;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(options: RecentlyPlayedSyncOptions) {
    this.#options = options;
  }

  start(): void {
    this.#schedule(Math.min(firstPassDelayMs, this.#options.intervalMs));
  }

  /** No new pass or listener starts; the one being synced finishes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#pass;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** One pass over every linked listener due a sync. */
  async runPass(): Promise<ListenerSync[]> {
    const synced: ListenerSync[] = [];
    const dueBefore = this.#now() - this.#options.intervalMs * dueShare;
    let cursor: string | undefined;
    do {
      const page = await this.#options.store.listLinkedForSync(linksPerPage, cursor);
      for (const account of page.items) {
        if (this.#stopped) return synced;
        if (account.lastSyncAt !== null && Date.parse(account.lastSyncAt) > dueBefore) continue;
        const result = await this.#syncLogged(account);
        if (result === 'rate_limited') return synced;
        if (result !== null) synced.push(result);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return synced;
  }

  /** Syncs one listener now (after sign-in), unless another sync of theirs is under way (or the server is closing); null then. */
  async syncListener(userId: string): Promise<ListenerSync | null> {
    if (this.#stopped) return null;
    const account = await this.#options.links.get(userId);
    if (account === null) return null;
    const work = this.#sync(account);
    this.#inFlight.add(work);
    try {
      return await work;
    } finally {
      this.#inFlight.delete(work);
    }
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#pass = this.runPass()
        .then(
          (synced) => {
            if (synced.length > 0)
              this.#options.logger?.info({ listeners: synced.length }, 'spotify sync pass done');
          },
          (error: unknown) => this.#options.logger?.warn({ err: error }, 'spotify sync pass failed'),
        )
        .finally(() => {
          this.#pass = null;
          this.#schedule(this.#options.intervalMs);
        });
    }, delayMs);
    this.#timer.unref();
  }

  /** One listener's failure is logged and the pass goes on; a rate limit ends the pass (Spotify limits the app). */
  async #syncLogged(account: SpotifyAccount): Promise<ListenerSync | null | 'rate_limited'> {
    try {
      return await this.#sync(account);
    } catch (error) {
      const code = isEchoError(error) ? error.code : 'internal';
      this.#options.logger?.warn(
        { userId: account.userId, code, err: error },
        'spotify sync of a listener failed',
      );
      return code === 'rate_limited' ? 'rate_limited' : null;
    }
  }

  async #sync(account: SpotifyAccount): Promise<ListenerSync | null> {
    const { store, links, recommender } = this.#options;
    const claimed = await store.claimSpotifySync(account.spotifyUserId, {
      expected: account.lastSyncAt,
      at: new Date(this.#now()).toISOString(),
    });
    if (!claimed) return null;
    const api = await links.api(account);
    const plays: RecentPlay[] = [];
    let after = account.lastSyncAfter ?? undefined;
    for (let page = 0; page < maxPages; page += 1) {
      const recent = await api.recentlyPlayed({ after });
      plays.push(...recent.plays);
      const first = after === undefined;
      after = recent.nextAfter ?? after;
      // Without a cursor Spotify answers with the latest plays, and that is all there is to have.
      if (first || !recent.hasMore) break;
    }
    const fresh = withoutKnownPlays(plays, await this.#knownPlaysAround(account.userId, plays));
    const matcher = new PlayMatcher(recommender);
    const events = fresh.map((play) => {
      const stored = toPlayToStore(play);
      return toListeningEvent(account.userId, stored, matcher.match(stored));
    });
    const { inserted } = await store.addListeningHistory(events);
    await store.saveSpotifySyncCursor(account.spotifyUserId, after ?? null);
    if (inserted > 0) recommender.forgetListener(account.userId);
    return { userId: account.userId, added: inserted, known: plays.length - inserted };
  }

  /** The listener's stored plays that could be the same as one of these (withoutKnownPlays' window). */
  async #knownPlaysAround(userId: string, plays: readonly RecentPlay[]): Promise<KnownPlay[]> {
    if (plays.length === 0) return [];
    const times = plays.map((play) => Date.parse(play.playedAt));
    const reach = Math.max(...plays.map((play) => play.durationMs)) + samePlayMarginMs;
    const from = new Date(Math.min(...times) - reach).toISOString();
    const to = new Date(Math.max(...times) + reach + 1).toISOString();
    const known: KnownPlay[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#options.store.listListeningHistory(
        { userId, from, to },
        { cursor, limit: historyPage },
      );
      known.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return known;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

/** Spotify says only that the track was played: its length stands for the time played, nothing for skips. */
function toPlayToStore(play: RecentPlay): PlayToStore {
  return {
    playedAt: play.playedAt,
    trackName: play.trackName,
    artistName: play.artistName,
    albumName: play.albumName,
    msPlayed: play.durationMs,
    spotifyTrackUri: play.uri,
    signal: 'neutral',
    incognito: false,
    source: 'recently-played',
  };
}
