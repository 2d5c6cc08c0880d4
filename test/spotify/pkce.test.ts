import { describe, expect, it } from 'vitest';
import { authorizeUrl, codeChallenge, createCodeVerifier, createState } from '../../src/spotify/index.js';

describe('pkce', () => {
  it('makes random verifiers of RFC 7636 characters and length', () => {
    const verifiers = new Set(Array.from({ length: 50 }, () => createCodeVerifier()));
    expect(verifiers.size).toBe(50);
    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(createCodeVerifier(32)).toHaveLength(43);
    expect(() => createCodeVerifier(31)).toThrow('43 to 128');
    expect(() => createCodeVerifier(97)).toThrow('43 to 128');
  });

  it('derives the S256 challenge of RFC 7636 appendix B', () => {
    expect(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes unguessable states', () => {
    const state = createState();
    expect(state).toMatch(/^[\w-]{32}$/);
    expect(createState()).not.toBe(state);
  });

  it('builds the authorize URL with every PKCE parameter, under a base URL with a path', () => {
    const url = new URL(
      authorizeUrl({
        accountsBaseUrl: 'http://127.0.0.1:4000/spotify/',
        clientId: 'client-1',
        redirectUri: 'https://echotune.example/callback',
        scopes: ['user-read-recently-played', 'playlist-modify-private'],
        state: 'state-1',
        codeChallenge: 'challenge-1',
      }),
    );
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:4000/spotify/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://echotune.example/callback',
      scope: 'user-read-recently-played playlist-modify-private',
      state: 'state-1',
      code_challenge_method: 'S256',
      code_challenge: 'challenge-1',
    });
  });
});
