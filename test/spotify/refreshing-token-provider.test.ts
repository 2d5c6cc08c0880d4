import { describe, expect, it } from 'vitest';
import { RefreshingTokenProvider, type SpotifyTokens } from '../../src/spotify/index.js';

const now = Date.parse('2026-05-01T12:00:00Z');

function tokens(accessToken: string, expiresInMs: number): SpotifyTokens {
  return { accessToken, refreshToken: `refresh-of-${accessToken}`, expiresAt: now + expiresInMs, scope: '' };
}

/** An Accounts stand-in whose refreshes finish only when the test says so. */
function slowAccounts() {
  const calls: string[] = [];
  const pending: Array<() => void> = [];
  return {
    calls,
    finishAll: () => {
      for (const finish of pending.splice(0)) finish();
    },
    refresh: (refreshToken: string) => {
      calls.push(refreshToken);
      return new Promise<SpotifyTokens>((resolve) => {
        pending.push(() => resolve(tokens(`fresh-${calls.length}`, 3600_000)));
      });
    },
  };
}

describe('refreshing token provider', () => {
  it('hands out the token as is while more than the margin is left', async () => {
    const accounts = slowAccounts();
    const provider = new RefreshingTokenProvider({ tokens: tokens('old', 61_000), accounts, now: () => now });
    expect(await provider.accessToken()).toBe('old');
    expect(accounts.calls).toEqual([]);
  });

  it('refreshes before expiry, once for concurrent callers, and reports the new tokens', async () => {
    const accounts = slowAccounts();
    const persisted: SpotifyTokens[] = [];
    const provider = new RefreshingTokenProvider({
      tokens: tokens('old', 59_000),
      accounts,
      now: () => now,
      onRefreshed: (fresh) => {
        persisted.push(fresh);
      },
    });
    const waiting = Promise.all([provider.accessToken(), provider.accessToken(), provider.refresh('old')]);
    await Promise.resolve();
    accounts.finishAll();
    expect(await waiting).toEqual(['fresh-1', 'fresh-1', 'fresh-1']);
    expect(accounts.calls).toEqual(['refresh-of-old']);
    expect(persisted.map((fresh) => fresh.accessToken)).toEqual(['fresh-1']);
    expect(provider.tokens.accessToken).toBe('fresh-1');
  });

  it('does not refresh again for a token another call already replaced', async () => {
    const accounts = slowAccounts();
    const provider = new RefreshingTokenProvider({
      tokens: tokens('old', 3600_000),
      accounts,
      now: () => now,
    });
    const first = provider.refresh('old');
    await Promise.resolve();
    accounts.finishAll();
    expect(await first).toBe('fresh-1');
    expect(await provider.refresh('old')).toBe('fresh-1');
    expect(accounts.calls).toHaveLength(1);
  });

  it('lets a failure to persist surface, keeping the new tokens in memory', async () => {
    const provider = new RefreshingTokenProvider({
      tokens: tokens('old', 0),
      accounts: { refresh: async () => tokens('fresh', 3600_000) },
      now: () => now,
      onRefreshed: () => Promise.reject(new Error('store is down')),
    });
    await expect(provider.accessToken()).rejects.toThrow('store is down');
    expect(await provider.accessToken()).toBe('fresh');
  });
});
