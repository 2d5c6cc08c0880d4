import { rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledCatalog } from '../../src/recommend/index.js';
import { ensureClientBuilt, hasChromium, launchChromium, seriousAxeViolations } from '../support/browser.js';
import { lastReply, openChat, openPage, pageAuth, send } from '../support/chat-page.js';
import { type FakeSpotify, fakeTrack, startFakeSpotify } from '../support/fake-spotify.js';
import { type SpotifyTestServer, startSpotifyServer } from '../support/spotify-echotune.js';

/**
 * The page's Spotify side in real Chromium against the fake Spotify: sign in from “Your listening”
 * (the browser really goes to the fake's consent and back), keep one's chats, save a set of cards as a
 * playlist, sign out.
 */
describe.skipIf(!hasChromium)('Spotify on the chat page', () => {
  let browser: Browser;
  let fake: FakeSpotify;
  let server: SpotifyTestServer;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureClientBuilt();
    fake = await startFakeSpotify();
    fake.user = { id: 'page.listener', displayName: 'Page Listener' };
    // Spotify's search finds every bundled track, so a playlist can hold all of a set.
    fake.catalog = bundledCatalog().map((track) => fakeTrack(track.name, track.artists[0]!));
    [browser, server] = await Promise.all([launchChromium(), startSpotifyServer(fake)]);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await fake?.close();
    if (server) rmSync(server.spotifyDataDir, { recursive: true, force: true });
  });

  /**
   * Signs in from “Your listening” and waits for the page to say how it went. Spotify's consent (the
   * fake grants at once, or declines when told) sends the browser back to the page. The wait starts
   * before the click: the page drops the query as it starts, at times before the click call returns.
   */
  async function signIn(page: Page, news: string | RegExp, returnsTo = /spotify=linked/): Promise<void> {
    await page.getByRole('button', { name: 'Your listening' }).click();
    const returned = page.waitForURL(returnsTo, { waitUntil: 'commit' });
    await page
      .getByRole('dialog', { name: 'Your listening' })
      .getByRole('button', { name: 'Sign in with Spotify' })
      .click();
    await returned;
    await page.locator('#status', { hasText: news }).waitFor();
  }

  it('signs in through Spotify’s consent and back, keeps the chat, saves cards as a playlist, signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await openChat(context, server.url);
    await send(page, 'upbeat songs for a run');
    await lastReply(page).locator('.track').first().waitFor();
    const before = await pageAuth(page);

    await signIn(page, 'Signed in with Spotify.');
    const dialog = page.getByRole('dialog', { name: 'Your listening' });
    expect(fake.authorizations).toHaveLength(1);
    const after = await pageAuth(page);
    expect(after.token).not.toBe(before.token);
    expect(after.sessionId).toBe(before.sessionId);
    // The same chat is still there, with its cards.
    await lastReply(page).locator('.track').first().waitFor();

    await page.getByRole('button', { name: 'Your listening' }).click();
    await dialog.getByText('Connected as Page Listener.').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');

    const save = lastReply(page).getByRole('button', { name: 'Save as a Spotify playlist' }).first();
    await save.click();
    const link = lastReply(page).getByRole('link', { name: 'Open the playlist in Spotify' });
    await link.waitFor();
    const [playlist] = [...fake.playlists.values()];
    expect(await link.getAttribute('href')).toBe(`https://open.spotify.com/playlist/${playlist!.id}`);
    const shown = await lastReply(page).locator('.tracks').first().locator('.track .name').allTextContents();
    expect(playlist!.uris).toHaveLength(shown.length);

    await page.getByRole('button', { name: 'Your listening' }).click();
    await dialog.getByRole('button', { name: 'Sign out of Spotify' }).click();
    await dialog.getByRole('button', { name: 'Sign in with Spotify' }).waitFor();
  });

  it('another tab of the browser follows a sign-in that merged its guest into the account', async () => {
    // The Spotify account has a listener already (signed in from another browser).
    const elsewhere = await browser.newContext();
    contexts.push(elsewhere);
    await signIn(await openChat(elsewhere, server.url), 'Signed in with Spotify');
    // This browser is a guest with two tabs on one chat.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const first = await openChat(context, server.url);
    await send(first, 'calm piano for studying');
    await lastReply(first).locator('.track').first().waitFor();
    const second = await openPage(context, server.url);
    await lastReply(second).locator('.track').first().waitFor();
    // The first tab signs in: the guest's chats join the account's listener, and so does this browser.
    await signIn(first, 'the chats of this browser joined the ones you already had');
    // The second tab never saw the redirect; it goes on as the account's listener, in the same chat.
    await send(second, 'something more upbeat');
    await expect.poll(async () => second.locator('.message.assistant').count(), { timeout: 20_000 }).toBe(2);
    await lastReply(second).locator('.track').first().waitFor();
    expect(await second.locator('.message.error, [data-error]').count()).toBe(0);
    await expect.poll(async () => first.locator('.message.assistant').count()).toBe(2);
  });

  it('says so when the listener declines on Spotify', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await openChat(context, server.url);
    fake.declineNextAuthorization();
    await signIn(page, /^Spotify sign-in did not work: /, /spotify=error/);
    expect(page.url()).toBe(`${server.url}/`);
  });
});
