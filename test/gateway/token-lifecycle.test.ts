import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { GuestTokenResponse } from '../../src/protocol/index.js';
import { startTestServer, type TestServer } from '../support/echotune-server.js';

const CURRENT = 'c'.repeat(40);
const PREVIOUS = 'p'.repeat(40);

/** A token as EchoTune signs it, with a chosen secret and expiry (seconds from now; negative = past). */
function signed(secret: string, userId: string, expiresInSeconds: number): Promise<string> {
  return new SignJWT({ kind: 'guest' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer('echotune')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    .sign(new TextEncoder().encode(secret));
}

describe('tokens: expiry on sockets, refresh, secret rotation', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  const sessions = (token: string) =>
    fetch(`${server?.url}/api/v1/sessions`, { headers: { authorization: `Bearer ${token}` } });
  const refresh = (token: string) =>
    fetch(`${server?.url}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });

  it('accepts tokens of JWT_SECRET_PREVIOUS during a rotation, and no other secret', async () => {
    server = await startTestServer({ JWT_SECRET: CURRENT, JWT_SECRET_PREVIOUS: PREVIOUS });
    const { userId } = await server.guest();
    expect((await sessions(await signed(CURRENT, userId, 600))).status).toBe(200);
    expect((await sessions(await signed(PREVIOUS, userId, 600))).status).toBe(200);
    const forged = await sessions(await signed('f'.repeat(40), userId, 600));
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const expiredOld = await sessions(await signed(PREVIOUS, userId, -5));
    expect(((await expiredOld.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
  });

  it('refreshes a token (even one expired within the grace) for the same listener, with a new secret', async () => {
    server = await startTestServer({ JWT_SECRET: CURRENT, JWT_SECRET_PREVIOUS: PREVIOUS });
    const { userId } = await server.guest();
    const expired = await signed(PREVIOUS, userId, -3600);
    expect((await sessions(expired)).status).toBe(401);
    const renewed = await refresh(expired);
    expect(renewed.status).toBe(200);
    const body = (await renewed.json()) as GuestTokenResponse;
    expect(body.userId).toBe(userId);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    expect((await sessions(body.token)).status).toBe(200);
    // Beyond the grace (7 days by default), and for a forged token, there is nothing to refresh.
    expect((await refresh(await signed(CURRENT, userId, -8 * 24 * 3600))).status).toBe(401);
    expect((await refresh(await signed('f'.repeat(40), userId, 600))).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/auth/refresh`, { method: 'POST' })).status).toBe(401);
  });

  it('tells a socket its token expired, refuses its events, and disconnects it', async () => {
    server = await startTestServer({ JWT_SECRET: CURRENT, AUTH_EXPIRED_GRACE_MS: '1500' });
    const { userId } = await server.guest();
    const client = await server.connect(await signed(CURRENT, userId, 2));
    const disconnected = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
    const told = await client.waitFor('auth:expired', () => true, 5000);
    expect(told.graceMs).toBeGreaterThan(0);
    expect(await client.request('session:create', {})).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    // A token for another listener does not rescue it.
    const other = (await server.guest()) as GuestTokenResponse;
    expect(await client.request('auth:refresh', { token: other.token })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(client.socket.connected).toBe(true);
    expect(await disconnected).toBe('io server disconnect');
  });

  it('keeps a socket that refreshes in time', async () => {
    server = await startTestServer({ JWT_SECRET: CURRENT });
    const { userId } = await server.guest();
    const client = await server.connect(await signed(CURRENT, userId, 2));
    await client.waitFor('auth:expired', () => true, 5000);
    const fresh = await signed(CURRENT, userId, 600);
    const refreshed = await client.ok('auth:refresh', { token: fresh });
    expect(Date.parse(refreshed.expiresAt)).toBeGreaterThan(Date.now() + 500_000);
    expect((await client.request('session:create', {})).ok).toBe(true);
    expect(client.socket.connected).toBe(true);
  });
});
