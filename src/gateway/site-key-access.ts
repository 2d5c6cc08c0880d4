import { LRUCache } from 'lru-cache';
import { EchoError } from '../errors.js';
import type { Logger } from '../logger.js';
import { normalizeOrigin, type SiteKey } from '../protocol/index.js';
import type { SiteKeyStore } from '../store/index.js';
import type { TokenClaims } from './token-service.js';

/**
 * How long a looked-up site key (or its absence) and the set of widget origins are trusted. A key
 * created or revoked through another instance or the CLI takes effect here within this time; through
 * this instance's admin API, at once.
 */
export const SITE_KEY_CACHE_MS = 30_000;
const MAX_CACHED_KEYS = 1_000;

/** The one answer every refusal gets, so a page cannot probe which keys exist or why it was refused. */
export const WIDGET_REFUSAL =
  'This site is not allowed to use this EchoTune widget. If this is your site, check the widget’s site key and the origins it allows.';

type Refusal = 'unknown key' | 'revoked key' | 'origin not allowed' | 'no origin';

/**
 * Decides whether a page may use a site key: the key must exist, not be revoked, and list the page's
 * origin (the browser's Origin header, which page scripts cannot forge). Lookups are cached briefly so
 * every socket event of a widget can be checked without a store read.
 */
export class SiteKeyAccess {
  readonly #keys: LRUCache<string, { siteKey: SiteKey | null }>;
  readonly #origins: LRUCache<'live', { origins: ReadonlySet<string> }>;
  readonly #logger: Logger;

  constructor(
    store: Pick<SiteKeyStore, 'getSiteKey' | 'listSiteKeys'>,
    options: { logger: Logger; cacheMs?: number },
  ) {
    const ttl = options.cacheMs ?? SITE_KEY_CACHE_MS;
    this.#logger = options.logger;
    // fetch() shares one store read among concurrent callers; a failed read is not cached.
    this.#keys = new LRUCache({
      max: MAX_CACHED_KEYS,
      ttl,
      fetchMethod: async (key) => ({ siteKey: await store.getSiteKey(key) }),
    });
    this.#origins = new LRUCache({
      max: 1,
      ttl,
      fetchMethod: async () => ({ origins: liveOrigins(await store.listSiteKeys()) }),
    });
  }

  /** Throws forbidden (WIDGET_REFUSAL) unless the key is live and allows the origin. */
  async requireOrigin(siteKey: string, origin: string | undefined): Promise<void> {
    const refusal = await this.#refusal(siteKey, origin);
    if (refusal === null) return;
    this.#logger.info({ siteKey, origin, reason: refusal }, 'site key refused');
    throw new EchoError('forbidden', WIDGET_REFUSAL);
  }

  /** A token issued through a site key is honoured only on that key's terms; other tokens always are. */
  async authorize(claims: TokenClaims, origin: string | undefined): Promise<void> {
    if (claims.siteKey !== undefined) await this.requireOrigin(claims.siteKey, origin);
  }

  /** True when some live key allows the origin: the widget's cross-origin requests may be answered. */
  async isWidgetOrigin(origin: string | undefined): Promise<boolean> {
    const normalized = origin === undefined ? null : normalizeOrigin(origin);
    if (normalized === null) return false;
    const live = await this.#origins.fetch('live');
    return live?.origins.has(normalized) ?? false;
  }

  /** After a change made through this instance, so it applies here at once. */
  forget(siteKey: string): void {
    this.#keys.delete(siteKey);
    this.#origins.clear();
  }

  async #refusal(siteKey: string, origin: string | undefined): Promise<Refusal | null> {
    const found = (await this.#keys.fetch(siteKey))?.siteKey ?? null;
    if (found === null) return 'unknown key';
    if (found.revokedAt !== null) return 'revoked key';
    const normalized = origin === undefined ? null : normalizeOrigin(origin);
    if (normalized === null) return 'no origin';
    return found.origins.includes(normalized) ? null : 'origin not allowed';
  }
}

function liveOrigins(siteKeys: SiteKey[]): ReadonlySet<string> {
  return new Set(siteKeys.filter((siteKey) => siteKey.revokedAt === null).flatMap((key) => key.origins));
}
