import { EchoError, isEchoError } from '../errors.js';
import type {
  CatalogStore,
  ConversationStore,
  JobStore,
  ListeningStore,
  Part,
  PendingSignInStore,
  RecommendationStore,
  SiteKeyStore,
  SpotifyAccountStore,
  Store,
  StoreLifecycle,
  StoreParts,
  TurnProgressStore,
  UsageStore,
} from './store.js';

/**
 * Runs one store operation; anything the backend throws becomes EchoError('unavailable') with the
 * original as `cause`, so callers can answer `{code:'unavailable', retryable:true}`. EchoErrors the
 * adapter raised on purpose (not_found, invalid) pass through unchanged.
 */
export async function guard<Result>(
  operation: string,
  work: () => Result | Promise<Result>,
): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    if (isEchoError(error)) throw error;
    throw new EchoError('unavailable', `Store unavailable during ${operation}`, { cause: error });
  }
}

/** The public methods of a part (class instance), found once on its prototype chain. */
function methodNames(part: object): string[] {
  const names = new Set<string>();
  for (let level = Object.getPrototypeOf(part); level && level !== Object.prototype; ) {
    for (const name of Object.getOwnPropertyNames(level)) {
      if (name !== 'constructor' && typeof Reflect.get(level, name) === 'function') names.add(name);
    }
    level = Object.getPrototypeOf(level);
  }
  return [...names];
}

/** Runs one operation of a store's parts (an adapter may watch them all, e.g. the MongoDB watchdog). */
export type Around = <Result>(work: () => Result | Promise<Result>) => Result | Promise<Result>;

const directly: Around = (work) => work();

/** One role of a part, every method guarded and asynchronous. */
function guardRole<Role>(part: Part<Role>, around: Around): Role {
  const guarded: Record<string, unknown> = {};
  for (const name of methodNames(part as object)) {
    const method = Reflect.get(part as object, name) as (...args: unknown[]) => unknown;
    guarded[name] = (...args: unknown[]) => guard(name, () => around(() => method.apply(part, args)));
  }
  return guarded as Role;
}

/**
 * An adapter's store: its lifecycle (which stays as it is, getters included) with every role's
 * methods added, each behind the failure guard. The one place the guard is applied.
 */
export function guardStore<Lifecycle extends StoreLifecycle>(
  lifecycle: Lifecycle,
  parts: StoreParts,
  around: Around = directly,
): Lifecycle & Store {
  const role = <Role>(part: Part<Role>) => guardRole<Role>(part, around);
  return Object.assign(
    lifecycle,
    role<ConversationStore>(parts.conversations),
    role<RecommendationStore>(parts.recommendations),
    role<CatalogStore>(parts.catalog),
    role<ListeningStore>(parts.listening),
    role<JobStore>(parts.jobs),
    role<UsageStore>(parts.usage),
    role<TurnProgressStore>(parts.turns),
    role<SiteKeyStore>(parts.siteKeys),
    role<SpotifyAccountStore>(parts.spotifyAccounts),
    role<PendingSignInStore>(parts.pendingSignIns),
  );
}
