import type { ErrorPayload, GuestTokenResponse } from '../../src/protocol/index.js';

const TOKEN_KEY = 'echotune.token';

/** A guest token kept in localStorage, renewed when missing or about to expire. */
export async function guestToken(): Promise<string> {
  const saved = localStorage.getItem(TOKEN_KEY);
  if (saved) {
    const { token, expiresAt } = JSON.parse(saved) as GuestTokenResponse;
    if (Date.parse(expiresAt) - Date.now() > 60_000) return token;
  }
  const response = await fetch('/api/v1/auth/guest', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (!response.ok) throw new Error(await refusalMessage(response));
  const body = (await response.json()) as GuestTokenResponse;
  localStorage.setItem(TOKEN_KEY, JSON.stringify(body));
  return body.token;
}

export function forgetToken(): void {
  localStorage.removeItem(TOKEN_KEY);
}

/** The server's own words when it says no (a site it refuses gets a polite sentence), else the status. */
async function refusalMessage(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: ErrorPayload } | null;
  return body?.error?.message ?? `Could not sign in as a guest (HTTP ${response.status})`;
}
