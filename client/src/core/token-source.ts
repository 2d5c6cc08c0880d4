import type { ErrorPayload, GuestTokenResponse } from '../../../src/protocol/index.js';

export interface TokenSource {
  /** The token from storage, renewed when about to expire (a new guest only when missing or refused). */
  get(): Promise<string>;
  /** The server refused the token: the next `get` renews it (or starts a new guest if it cannot). */
  refused(): void;
}

/** Thrown when the server refuses to issue a token (e.g. this site is not allowed to use the widget). */
export class TokenRefused extends Error {
  constructor(readonly error: ErrorPayload) {
    super(error.message);
    this.name = 'TokenRefused';
  }
}

const RENEW_BEFORE_MS = 60_000;

export function tokenSource(options: {
  baseUrl: string;
  siteKey?: string;
  displayName?: string;
  storagePrefix: string;
}): TokenSource {
  const key = `${options.storagePrefix}.token`;
  let pending: Promise<string> | undefined;

  const saved = (): GuestTokenResponse | null => {
    try {
      const value = localStorage.getItem(key);
      return value ? (JSON.parse(value) as GuestTokenResponse) : null;
    } catch {
      return null;
    }
  };

  const issue = async (path: string, init: RequestInit): Promise<string> => {
    const response = await fetch(`${options.baseUrl}${path}`, { method: 'POST', ...init });
    const parsed = (await response.json().catch(() => ({}))) as Partial<GuestTokenResponse> & {
      error?: ErrorPayload;
    };
    if (!response.ok || !parsed.token) {
      throw new TokenRefused(
        parsed.error ?? { code: 'unavailable', message: `HTTP ${response.status}`, retryable: true },
      );
    }
    localStorage.setItem(key, JSON.stringify(parsed));
    return parsed.token;
  };

  const newGuest = (): Promise<string> => {
    const body = {
      ...(options.siteKey ? { siteKey: options.siteKey } : {}),
      ...(options.displayName ? { displayName: options.displayName } : {}),
    };
    return issue('/api/v1/auth/guest', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  };

  // The same listener with a new expiry; only when the server will not renew it does a new guest begin.
  const renew = (previous: GuestTokenResponse | null): Promise<string> => {
    if (!previous) return newGuest();
    return issue('/api/v1/auth/refresh', { headers: { authorization: `Bearer ${previous.token}` } }).catch(
      (error: unknown) => {
        if (error instanceof TokenRefused && error.error.code === 'unauthorized') return newGuest();
        throw error;
      },
    );
  };

  let refused = false;
  return {
    get() {
      const current = saved();
      const fresh = current && Date.parse(current.expiresAt) - Date.now() > RENEW_BEFORE_MS;
      if (current && fresh && !refused) return Promise.resolve(current.token);
      pending ??= renew(current).finally(() => {
        pending = undefined;
      });
      refused = false;
      return pending;
    },
    refused() {
      refused = true;
    },
  };
}
