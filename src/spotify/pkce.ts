import { createHash, randomBytes } from 'node:crypto';
import { spotifyUrl } from './spotify-url.js';

/** RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~]. */
export const codeVerifierPattern = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * A random code verifier. base64url of random bytes uses only RFC 7636's unreserved characters and, unlike
 * picking characters with `byte % alphabet`, has no bias. 48 bytes give 64 characters (288 bits).
 */
export function createCodeVerifier(bytes = 48): string {
  const verifier = randomBytes(bytes).toString('base64url');
  if (!codeVerifierPattern.test(verifier))
    throw new RangeError('A code verifier must be 43 to 128 characters');
  return verifier;
}

/** The S256 challenge: base64url(SHA-256(verifier)), no padding. */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** The state that ties Spotify's redirect back to the sign-in we started (CSRF protection). */
export function createState(): string {
  return randomBytes(24).toString('base64url');
}

export interface AuthorizeUrlOptions {
  accountsBaseUrl: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state: string;
  codeChallenge: string;
}

/** Where to send the listener's browser: Spotify's consent page for the Authorization Code flow with PKCE. */
export function authorizeUrl(options: AuthorizeUrlOptions): string {
  return spotifyUrl(options.accountsBaseUrl, '/authorize', {
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    scope: options.scopes.length > 0 ? options.scopes.join(' ') : undefined,
    state: options.state,
    code_challenge_method: 'S256',
    code_challenge: options.codeChallenge,
  });
}
