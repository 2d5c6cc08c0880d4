import type { ErrorPayload, GuestTokenResponse } from '../../../src/protocol/index.js';

export interface TokenSource {
  /** A guest token from storage, or a new one when missing or about to expire. */
  get(): Promise<string>;
  forget(): void;
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

  const fetchToken = async (): Promise<string> => {
    const body = {
      ...(options.siteKey ? { siteKey: options.siteKey } : {}),
      ...(options.displayName ? { displayName: options.displayName } : {}),
    };
    const response = await fetch(`${options.baseUrl}/api/v1/auth/guest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
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

  return {
    get() {
      const current = saved();
      if (current && Date.parse(current.expiresAt) - Date.now() > RENEW_BEFORE_MS) {
        return Promise.resolve(current.token);
      }
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    forget() {
      localStorage.removeItem(key);
    },
  };
}
