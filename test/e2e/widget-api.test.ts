import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureClientBuilt, hasChromium, launchChromium } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/echotune-server.js';
import { freePort } from '../support/environment.js';
import { createSiteKey, type HostPage, type HostSite, startHostSite } from '../support/host-site.js';

/**
 * The widget's options (data attributes) and its JS API (window.EchoTune) on a host site of another
 * origin, in real Chromium: what a site owner configures and calls, and what a listener sees and does.
 */

const ADMIN_TOKEN = 'admin-token-for-the-widget-api-tests';
/** Set as a data attribute, so the page's HTML parser turns the entities back into markup-like text. */
const HOSTILE_GREETING = '<img src=x onerror="window.pwned=1"> Welcome to <b>Shop radio</b>!';
const DARK_BG = 'rgb(18, 20, 23)';
const LIGHT_BG = 'rgb(255, 255, 255)';

const escapeAttribute = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const hostPages =
  (siteKey: string) =>
  (echotune: string): Record<string, HostPage> => {
    const tag = (extra = '') =>
      `<script src="${echotune}/widget.js" data-site-key="${siteKey}" data-title="Shop radio" async ${extra}></script>`;
    const article =
      '<main><h1>Welcome to the shop</h1><p><a href="/elsewhere">A link of the page</a></p></main>';
    return {
      '/': { body: `${article}${tag()}` },
      '/left': {
        body: `${article}${tag(`data-position="bottom-left" data-greeting="${escapeAttribute(HOSTILE_GREETING)}"`)}`,
      },
      '/dark': { body: `${article}${tag('data-theme="dark"')}` },
      '/light': { body: `${article}${tag('data-theme="light"')}` },
      '/open': { body: `${article}${tag('data-open="true"')}` },
    };
  };

describe.skipIf(!hasChromium)('the widget API and options in real Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let site: HostSite;
  let siteKey: string;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  const visit = async (path: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(`${path}: ${error.message}`));
    await page.goto(`${site.origin}${path}`);
    return page;
  };

  beforeAll(async () => {
    ensureClientBuilt();
    [browser, server] = await Promise.all([launchChromium(), startTestServer({ ADMIN_TOKEN })]);
    const port = await freePort();
    siteKey = await createSiteKey(server.url, ADMIN_TOKEN, [`http://127.0.0.1:${port}`]);
    site = await startHostSite(hostPages(siteKey), server.url, port);
  });
  afterEach(() => {
    // Whatever a test did, the host page never saw an uncaught error from the widget.
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await site?.close();
    await server?.stop();
  });

  const launcher = (page: Page) => page.locator('echotune-widget .launcher');
  const panel = (page: Page) => page.locator('echotune-widget .panel');
  const input = (page: Page) => panel(page).locator('textarea');

  /** What has focus inside the widget's shadow root ("" when focus is elsewhere). */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const element = document.querySelector('echotune-widget')?.shadowRoot?.activeElement;
      if (!element) return '';
      return `${element.tagName.toLowerCase()}${element.className ? `.${element.className}` : ''}`;
    });

  async function chat(page: Page, text: string): Promise<void> {
    const replies = await page.locator('echotune-widget .message.assistant[data-status="done"]').count();
    await input(page).fill(text);
    await input(page).press('Enter');
    await page
      .locator('echotune-widget .message.assistant[data-status="done"]')
      .nth(replies)
      .waitFor({ timeout: 15_000 });
  }

  it('takes its position, title and greeting from data attributes, the greeting as text and first', async () => {
    const right = await visit('/');
    const rightBox = await launcher(right).boundingBox();
    expect(rightBox!.x).toBeGreaterThan(1280 - 100);

    const page = await visit('/left');
    const button = page.getByRole('button', { name: 'Open Shop radio chat', exact: true });
    await button.waitFor();
    const launcherBox = await button.boundingBox();
    expect(launcherBox!.x).toBeLessThan(100);
    await button.click();
    await panel(page).waitFor();
    const panelBox = await panel(page).boundingBox();
    expect(panelBox!.x).toBeLessThan(100);
    expect(panelBox!.x + panelBox!.width).toBeLessThan(1280 / 2);

    expect(await panel(page).locator('header h2').textContent()).toBe('Shop radio');
    await expect.poll(() => page.getByRole('dialog', { name: 'Shop radio chat' }).isVisible()).toBe(true);
    // The greeting is the first thing in the conversation, shown as the text the site wrote.
    const first = panel(page).locator('.scroll > *').first();
    expect(await first.textContent()).toBe(HOSTILE_GREETING);
    expect(await page.locator('echotune-widget img').count()).toBe(0);
    expect(await panel(page).locator('b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    // ...and stays first once there is a conversation under it.
    await chat(page, 'something upbeat');
    expect(await first.textContent()).toBe(HOSTILE_GREETING);
  });

  it('takes its theme from data-theme, whatever the browser prefers', async () => {
    const dark = await visit('/dark', { colorScheme: 'light' });
    await launcher(dark).click();
    await input(dark).waitFor();
    const darkColours = await panel(dark).evaluate((node) => ({
      panel: getComputedStyle(node).backgroundColor,
      input: getComputedStyle(node.querySelector('textarea')!).backgroundColor,
      text: getComputedStyle(node.querySelector('.greeting')!).color,
    }));
    expect(darkColours).toEqual({ panel: DARK_BG, input: DARK_BG, text: 'rgb(232, 234, 237)' });

    const light = await visit('/light', { colorScheme: 'dark' });
    await launcher(light).click();
    await input(light).waitFor();
    const lightColours = await panel(light).evaluate((node) => ({
      panel: getComputedStyle(node).backgroundColor,
      input: getComputedStyle(node.querySelector('textarea')!).backgroundColor,
      text: getComputedStyle(node.querySelector('.greeting')!).color,
      scheme: getComputedStyle(node).colorScheme,
    }));
    expect(lightColours).toEqual({
      panel: LIGHT_BG,
      input: LIGHT_BG,
      text: 'rgb(23, 25, 28)',
      scheme: 'light',
    });
  });

  it('opens on load with data-open, until the listener closes it', async () => {
    const page = await visit('/open');
    await input(page).waitFor();
    expect(await launcher(page).isVisible()).toBe(false);
    expect(await focused(page)).toBe('textarea');

    // Closed by the listener, it stays closed on the next page of the site: data-open is only the default.
    await page.keyboard.press('Escape');
    await launcher(page).waitFor();
    await page.reload();
    await launcher(page).waitFor();
    await page.waitForTimeout(300);
    expect(await panel(page).isVisible()).toBe(false);
  });
});
