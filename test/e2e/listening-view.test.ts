import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityLooks,
  ensureClientBuilt,
  hasChromium,
  launchChromium,
  screenshot,
  seriousAxeViolations,
} from '../support/browser.js';
import { openChat } from '../support/chat-page.js';
import { startTestServer, type TestServer } from '../support/echotune-server.js';
import { missing, sharedDataset } from '../support/environment.js';

const samplePath = sharedDataset('StreamingHistory_music_0.sample.json');
const noSample =
  !samplePath && missing('StreamingHistory_music_0.sample.json', 'it is not in ../shared/data');
const sampleFile = samplePath ?? '';

/** The sample's most played artist and its number of distinct plays, counted here by hand. */
function sampleTopArtist(): { artist: string; plays: number } {
  const rows = JSON.parse(readFileSync(sampleFile, 'utf8')) as Array<{
    endTime: string;
    trackName: string;
    artistName: string;
  }>;
  const unique = new Map<string, string>();
  for (const row of rows) unique.set(`${row.endTime}|${row.trackName}|${row.artistName}`, row.artistName);
  const counts = new Map<string, number>();
  for (const artist of unique.values()) counts.set(artist, (counts.get(artist) ?? 0) + 1);
  const [artist, plays] = [...counts].sort((left, right) => right[1] - left[1])[0]!;
  return { artist, plays };
}

describe.skipIf(!hasChromium || noSample)('“Your listening” in real Chromium', () => {
  let browser: Browser;
  let server: TestServer;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureClientBuilt();
    [browser, server] = await Promise.all([launchChromium(), startTestServer()]);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it('imports the Spotify sample with progress and shows its stats as charts', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await openChat(context, server.url);
    await page.getByRole('button', { name: 'Your listening' }).click();
    const dialog = page.getByRole('dialog', { name: 'Your listening' });
    await dialog.waitFor();
    await dialog.getByText(/No plays in this period yet/).waitFor();

    await page.setInputFiles('#history-files', sampleFile);
    const done = dialog.locator('.import-done');
    await done.waitFor({ timeout: 30_000 });
    expect(await done.textContent()).toMatch(
      /^Imported [\d,]+ new plays \([\d,]+ already imported or listed twice\) from 1 file\./,
    );

    const top = sampleTopArtist();
    const firstArtist = dialog.locator('.chart', { hasText: 'Top artists' }).locator('.bars li').first();
    await firstArtist.waitFor();
    expect(await firstArtist.locator('.bar-name').textContent()).toBe(top.artist);
    expect(await firstArtist.locator('.bar-value').textContent()).toBe(
      `${top.plays.toLocaleString('en-US')} plays`,
    );
    expect(
      await dialog.locator('.chart', { hasText: 'Plays by hour of day' }).locator('.column').count(),
    ).toBe(24);
    expect(await dialog.locator('.chart', { hasText: 'Plays by weekday' }).locator('.column').count()).toBe(
      7,
    );
    expect(await dialog.locator('.totals').textContent()).toMatch(/Plays[\d,]+Listening time/);
    await screenshot(page, 'listening-stats');

    // The sample ends in April 2024: the last week has nothing, all time has it all again.
    await dialog.getByText('Week', { exact: true }).click();
    await dialog.getByText(/No plays in this period yet/).waitFor();
    await dialog.getByText('All time', { exact: true }).click();
    await firstArtist.waitFor();

    // Importing the same file again adds nothing.
    await page.setInputFiles('#history-files', sampleFile);
    await dialog.locator('.import-done', { hasText: 'Imported 0 new plays' }).waitFor({ timeout: 30_000 });

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('says which file could not be read, and why', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await openChat(context, server.url);
    await page.getByRole('button', { name: 'Your listening' }).click();
    const dialog = page.getByRole('dialog', { name: 'Your listening' });
    await page.setInputFiles('#history-files', {
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('dear diary'),
    });
    await dialog.getByText('Nothing could be imported.').waitFor({ timeout: 30_000 });
    expect(await dialog.locator('.import-problems li').first().textContent()).toMatch(/^notes\.txt: /);
  });

  it('has no serious accessibility problems, light and dark, desktop and phone', async () => {
    for (const [scheme, viewport] of accessibilityLooks) {
      const context = await browser.newContext({ viewport, colorScheme: scheme });
      contexts.push(context);
      const page = await openChat(context, server.url);
      await page.getByRole('button', { name: 'Your listening' }).click();
      await page.getByRole('dialog', { name: 'Your listening' }).waitFor();
      await page.setInputFiles('#history-files', sampleFile);
      await page
        .locator('.chart', { hasText: 'Top artists' })
        .locator('.bars li')
        .first()
        .waitFor({ timeout: 30_000 });
      expect(await seriousAxeViolations(page), `${scheme} ${viewport.width}px`).toEqual([]);
      if (viewport.width < 500) await screenshot(page, `listening-stats-phone-${scheme}`);
    }
  });
});
