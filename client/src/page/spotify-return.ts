import type { GuestTokenResponse } from '../../../src/protocol/index.js';

/**
 * The page as Spotify's sign-in sends the browser back to it: `?spotify=linked#token=…` carries a token
 * for the listener the Spotify account is linked to (kept, so this browser is that listener from now
 * on), `?spotify=error&message=…` says what went wrong. The address is cleaned either way, so a reload
 * or a shared link does not repeat it. Runs before the page connects.
 */
export function takeSpotifyReturn(storagePrefix: string): string | null {
  const query = new URLSearchParams(location.search);
  const outcome = query.get('spotify');
  if (outcome === null) return null;
  const fragment = new URLSearchParams(location.hash.slice(1));
  history.replaceState(null, '', location.pathname);
  if (outcome === 'error') {
    return `Spotify sign-in did not work: ${query.get('message') ?? query.get('reason') ?? 'unknown problem'}`;
  }
  const token = fragment.get('token');
  const userId = fragment.get('userId');
  const expiresAt = fragment.get('expiresAt');
  if (outcome !== 'linked' || !token || !userId || !expiresAt) return null;
  const saved: GuestTokenResponse = { token, userId, expiresAt };
  localStorage.setItem(`${storagePrefix}.token`, JSON.stringify(saved));
  return query.get('merged') === '1'
    ? 'Signed in with Spotify: the chats of this browser joined the ones you already had.'
    : 'Signed in with Spotify.';
}
