import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/echotune-server.js';
import { missing, repoRoot } from '../support/environment.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium =
  existsSync(CHROMIUM) || !missing('Chromium', `${CHROMIUM} is not installed (apt-get install chromium)`);

describe.skipIf(!hasChromium)('browser client in real Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let profile: string;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client', 'dist', 'index.html'))) {
      execFileSync('npx', ['vite', 'build', 'client', '--logLevel', 'error'], { cwd: repoRoot });
    }
    server = await startTestServer();
    profile = mkdtempSync(join(tmpdir(), 'echotune-chromium-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('chats: a streamed reply and at least five track cards for an upbeat run', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(server.url);
    await page.getByText('connected').waitFor();
    await page.fill('#text', 'something upbeat for my run');
    await page.click('#send');
    await page.locator('.message.user').getByText('something upbeat for my run').waitFor();
    await page.locator('.message.assistant .meta', { hasText: 'first words' }).waitFor({ timeout: 15_000 });
    const cards = page.locator('.track');
    expect(await cards.count()).toBeGreaterThanOrEqual(5);
    const reply = await page.locator('.message.assistant .text').first().textContent();
    const firstTrack = await cards.first().locator('.name').textContent();
    expect(reply).toContain(firstTrack ?? '\u0000');
    await page.screenshot({ path: join(tmpdir(), 'echotune-chat.png') });

    // A reload rejoins the session: the conversation and its cards come back from the server.
    const shown = await cards.count();
    await page.reload();
    await page.locator('.message.assistant .text', { hasText: firstTrack ?? '' }).waitFor();
    await expect.poll(() => page.locator('.track').count()).toBe(shown);

    await page.locator('.track').first().getByRole('button', { name: /Like/ }).click();
    await expect
      .poll(() =>
        page.locator('.track').first().getByRole('button', { name: /Like/ }).getAttribute('aria-pressed'),
      )
      .toBe('true');
  });

  it('shows markup typed by a listener as text, never as HTML', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByText('connected').waitFor();
    const attack = '<img src=x onerror="document.title=\'pwned\'"> calm piano';
    await page.fill('#text', attack);
    await page.click('#send');
    await page.locator('.message.user', { hasText: '<img src=x' }).waitFor();
    expect(await page.locator('.messages img').count()).toBe(0);
    expect(await page.title()).toBe('EchoTune');
  });
});
