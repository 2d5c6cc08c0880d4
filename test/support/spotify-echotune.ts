import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/store/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { startTestServer, type TestServer } from './echotune-server.js';
import { freePort } from './environment.js';
import type { FakeSpotify } from './fake-spotify.js';

export interface SpotifyServerOptions {
  dataDir?: string;
  port?: number;
  /** ENCRYPTION_KEY (base64); a fresh one by default. */
  key?: string;
  previousKeys?: string[];
  /** More settings (rate limits, tokens) for the server. */
  env?: Record<string, string>;
}

export interface SpotifyTestServer extends TestServer {
  spotifyDataDir: string;
  key: string;
  /** A second connection to the server's SQLite file, for reading what it stored; closed by the caller. */
  openStore(): Promise<Store>;
}

export function newEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}

/** EchoTune with Spotify on, talking to the fake; its redirect URI is its own callback on a fixed port. */
export async function startSpotifyServer(
  fake: FakeSpotify,
  options: SpotifyServerOptions = {},
): Promise<SpotifyTestServer> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'echotune-spotify-'));
  const key = options.key ?? newEncryptionKey();
  const server = await startTestServer({
    ...options.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    SPOTIFY_CLIENT_ID: fake.clientId,
    SPOTIFY_REDIRECT_URI: `http://127.0.0.1:${port}/api/v1/spotify/callback`,
    SPOTIFY_ACCOUNTS_URL: fake.baseUrl,
    SPOTIFY_API_URL: fake.baseUrl,
    ENCRYPTION_KEY: key,
    ENCRYPTION_KEYS_PREVIOUS: (options.previousKeys ?? []).join(','),
  });
  return {
    ...server,
    spotifyDataDir: dataDir,
    key,
    openStore: () => createSqliteStore({ path: join(dataDir, 'echotune.db') }),
  };
}

export interface SignInOutcome {
  /** Where the callback sent the browser, resolved against the server. */
  landing: URL;
  /** The callback URL Spotify redirected to, and the state cookie it was sent with (to replay them). */
  callbackUrl: string;
  cookie: string;
  /** From the landing fragment, when the sign-in succeeded. */
  token: string | null;
  userId: string | null;
}

/** The browser's part: POST sign-in, follow the URL to the fake's /authorize, follow its 302 to our callback. */
export async function signInWithSpotify(server: { url: string }, token: string): Promise<SignInOutcome> {
  const start = await fetch(`${server.url}/api/v1/spotify/sign-in`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  if (start.status !== 200) throw new Error(`sign-in start failed: ${start.status} ${await start.text()}`);
  const { url } = (await start.json()) as { url: string };
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const authorize = await fetch(url, { redirect: 'manual' });
  const callbackUrl = authorize.headers.get('location');
  if (authorize.status !== 302 || callbackUrl === null)
    throw new Error(`authorize answered ${authorize.status}`);
  return followCallback(server, callbackUrl, cookie);
}

export async function followCallback(
  server: { url: string },
  callbackUrl: string,
  cookie: string,
): Promise<SignInOutcome> {
  const callback = await fetch(callbackUrl, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const location = callback.headers.get('location');
  if (callback.status !== 302 || location === null) throw new Error(`callback answered ${callback.status}`);
  const landing = new URL(location, server.url);
  const fragment = new URLSearchParams(landing.hash.slice(1));
  return { landing, callbackUrl, cookie, token: fragment.get('token'), userId: fragment.get('userId') };
}

export async function api(
  server: { url: string },
  token: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
