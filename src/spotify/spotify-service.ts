import { EchoError, invalid, isEchoError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SpotifyStatus } from '../protocol/index.js';
import type { Recommender } from '../recommend/index.js';
import type { CatalogStore, ConversationStore, RecommendationStore } from '../store/index.js';
import { type ExportedPlaylist, exportPlaylist } from './playlist-export.js';
import type { RecentlyPlayedSync } from './recently-played-sync.js';
import type { SpotifySignIn, SpotifySignInStart } from './sign-in-flow.js';
import type { SpotifyApi } from './spotify-api.js';
import type { StoredLinks } from './stored-links.js';

export interface SpotifyServiceOptions {
  store: Pick<ConversationStore, 'mergeUsers'> &
    Pick<RecommendationStore, 'getRecommendation'> &
    Pick<CatalogStore, 'getTracks'>;
  signIn: Pick<SpotifySignIn, 'start' | 'finish'>;
  links: Pick<StoredLinks, 'link' | 'get' | 'unlink' | 'api'>;
  sync: Pick<RecentlyPlayedSync, 'syncListener'>;
  recommender: Pick<Recommender, 'forgetListener'>;
  logger?: Logger | undefined;
  /** How long finishing a sign-in waits for its first sync before redirecting anyway (it goes on). */
  firstSyncWaitMs?: number;
}

export interface FinishedSignIn {
  /** The listener now linked: the one who started, or the account's listener they were merged into. */
  userId: string;
  /** True when the listener who started was a guest merged into the account's listener. */
  merged: boolean;
}

export interface PlaylistRequest {
  name?: string | undefined;
  /** Catalog ids of the recommendation's tracks, in playlist order; all of them by default. */
  trackIds?: readonly string[] | undefined;
}

export interface RecommendationPlaylist extends ExportedPlaylist {
  /** Catalog ids no Spotify track was found for, left out. */
  notFound: string[];
}

const spotifyTrackId = /^[0-9A-Za-z]{22}$/;
const defaultFirstSyncWaitMs = 5_000;

/** What the gateway's Spotify routes do: sign in and out, status, and a recommendation as a playlist. */
export class SpotifyService {
  readonly #options: SpotifyServiceOptions;

  constructor(options: SpotifyServiceOptions) {
    this.#options = options;
  }

  startSignIn(userId: string): Promise<SpotifySignInStart> {
    return this.#options.signIn.start(userId);
  }

  /**
   * Finishes the redirect back. A Spotify account already linked to another listener stays theirs: the
   * listener who signed in (a guest on another device) is merged into them, sessions, feedback and plays
   * included. Then the first sync runs (waited for a few seconds, so the next page sees the plays).
   */
  async finishSignIn(callback: { state: string; code?: string; error?: string }): Promise<FinishedSignIn> {
    const { links, store, recommender } = this.#options;
    const result = await this.#options.signIn.finish(callback);
    const linked = await links.link(result.userId, result);
    const merged = linked.userId !== result.userId;
    if (merged) {
      const report = await store.mergeUsers(result.userId, linked.userId);
      // The newest sign-in's tokens are as good as the stored ones, and fresher.
      await links.link(linked.userId, result);
      recommender.forgetListener(linked.userId);
      this.#options.logger?.info(
        { from: result.userId, into: linked.userId, ...report },
        'merged a listener into their Spotify account',
      );
    }
    await this.#firstSync(linked.userId);
    return { userId: linked.userId, merged };
  }

  async status(userId: string): Promise<SpotifyStatus> {
    const account = await this.#options.links.get(userId);
    return {
      linked: account !== null,
      displayName: account?.displayName ?? null,
      lastSyncAt: account?.lastSyncAt ?? null,
    };
  }

  /** Spotify cannot revoke a token: deleting ours is what signing out means (docs/spotify.md). */
  signOut(userId: string): Promise<boolean> {
    return this.#options.links.unlink(userId);
  }

  /**
   * The listener's own recommendation as a playlist in their Spotify library. Catalog ids that are Spotify
   * ids are used as they are; others (the bundled catalog's) are looked up by title and artist.
   */
  async playlistFromRecommendation(
    userId: string,
    recommendationId: string,
    request: PlaylistRequest,
  ): Promise<RecommendationPlaylist> {
    const recommendation = await this.#options.store.getRecommendation(recommendationId);
    if (recommendation === null) {
      throw new EchoError('not_found', `Recommendation ${recommendationId} not found (or expired)`);
    }
    if (recommendation.userId !== userId) {
      throw new EchoError('forbidden', `Recommendation ${recommendationId} belongs to another listener`);
    }
    const offered = new Set(recommendation.tracks.map((track) => track.trackId));
    const trackIds = request.trackIds ?? [...offered];
    const strangers = trackIds.flatMap((id, index) =>
      offered.has(id)
        ? []
        : [{ path: ['body', 'trackIds', index], message: `${id} is not in this recommendation` }],
    );
    if (strangers.length > 0) throw invalid(strangers);
    const api = await this.#api(userId);
    return spotifyFailure(async () => {
      const { found, notFound } = await this.#spotifyIds(api, trackIds);
      if (found.length === 0) {
        throw new EchoError(
          'not_found',
          'None of these tracks was found on Spotify, so no playlist was made',
        );
      }
      const name = request.name ?? `EchoTune · ${recommendation.createdAt.slice(0, 10)}`;
      const playlist = await exportPlaylist(api, {
        name,
        description: 'Recommended by EchoTune',
        trackIds: found,
      });
      return { ...playlist, notFound };
    });
  }

  async #api(userId: string): Promise<SpotifyApi> {
    const account = await this.#options.links.get(userId);
    if (account === null) {
      throw new EchoError(
        'conflict',
        'Not signed in with Spotify: sign in first (POST /api/v1/spotify/sign-in)',
      );
    }
    return spotifyFailure(() => this.#options.links.api(account));
  }

  async #spotifyIds(api: SpotifyApi, trackIds: readonly string[]) {
    const catalog = new Map(
      (await this.#options.store.getTracks(trackIds.filter((id) => !spotifyTrackId.test(id)))).map(
        (track) => [track.id, track],
      ),
    );
    const found: string[] = [];
    const notFound: string[] = [];
    for (const id of trackIds) {
      if (spotifyTrackId.test(id)) {
        found.push(id);
        continue;
      }
      const track = catalog.get(id);
      const match = track
        ? (await api.searchTrack({ title: track.name, artist: track.artists[0], limit: 1 }))[0]
        : undefined;
      if (match) found.push(match.id);
      else notFound.push(id);
    }
    return { found, notFound };
  }

  /** Errors are logged, never the sign-in's: the periodic sync tries again. */
  async #firstSync(userId: string): Promise<void> {
    const sync = this.#options.sync.syncListener(userId).catch((error: unknown) => {
      this.#options.logger?.warn({ userId, err: error }, 'first spotify sync after sign-in failed');
    });
    let timer: NodeJS.Timeout | undefined;
    const wait = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#options.firstSyncWaitMs ?? defaultFirstSyncWaitMs);
    });
    await Promise.race([sync, wait]);
    clearTimeout(timer);
  }
}

/**
 * Spotify refusing our stored sign-in (expired, revoked, undecryptable) is `unauthorized` in src/spotify;
 * to the listener it is a state to fix by signing in with Spotify again, not a bad EchoTune token, so it
 * goes out as `conflict` (a client that sees 401 would rightly drop its own token).
 */
async function spotifyFailure<Result>(work: () => Promise<Result>): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    if (isEchoError(error) && error.code === 'unauthorized') {
      throw new EchoError('conflict', `${error.message}: sign in with Spotify again`, { cause: error });
    }
    throw error;
  }
}
