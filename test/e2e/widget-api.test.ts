import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, WebSocket } from 'playwright-core';
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

  const widget = (page: Page) => page.locator('echotune-widget');
  const launcher = (page: Page) => page.locator('echotune-widget .launcher');
  const panel = (page: Page) => page.locator('echotune-widget .panel');
  const input = (page: Page) => panel(page).locator('textarea');
  const messages = (page: Page) => page.locator('echotune-widget .message');
  const lastReply = (page: Page) => page.locator('echotune-widget .message.assistant').last();
  const badge = (page: Page) => page.locator('echotune-widget .badge');

  /** What has focus inside the widget's shadow root ("" when focus is elsewhere). */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const element = document.querySelector('echotune-widget')?.shadowRoot?.activeElement;
      if (!element) return '';
      return `${element.tagName.toLowerCase()}${element.className ? `.${element.className}` : ''}`;
    });

  /** Connected, with a conversation opened on the server (its id is kept for the next visit). */
  const hasSession = (page: Page) =>
    page.waitForFunction(() => Object.keys(localStorage).some((key) => key.endsWith('.sessionId')));

  async function chat(page: Page, text: string): Promise<void> {
    const replies = await page.locator('echotune-widget .message.assistant[data-status="done"]').count();
    await input(page).fill(text);
    await input(page).press('Enter');
    await page
      .locator('echotune-widget .message.assistant[data-status="done"]')
      .nth(replies)
      .waitFor({ timeout: 15_000 });
  }

  /** Records the widget's events on window.log from now on. */
  const recordEvents = (page: Page) =>
    page.evaluate(() => {
      const log: Array<[string, unknown]> = [];
      (window as unknown as { log: typeof log }).log = log;
      for (const event of ['ready', 'open', 'close', 'message', 'recommendations', 'error'] as const) {
        window.EchoTune!.on!(event, (detail?: unknown) => log.push([event, detail]));
      }
    });
  const events = (page: Page) =>
    page.evaluate(() => (window as unknown as { log: Array<[string, unknown]> }).log.map(([event]) => event));

  /** The page's socket.io traffic: websockets opened and polling requests made. */
  const watchSocketTraffic = (page: Page) => {
    const traffic = { websockets: [] as WebSocket[], requests: 0 };
    page.on('websocket', (socket) => {
      if (socket.url().includes('/socket.io/')) traffic.websockets.push(socket);
    });
    page.on('request', (request) => {
      if (request.url().includes('/socket.io/')) traffic.requests += 1;
    });
    return traffic;
  };

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

  it('toggles open and closed with events, and off() stops a listener', async () => {
    const page = await visit('/');
    await launcher(page).waitFor();
    await recordEvents(page);
    await page.evaluate(() => {
      const counts = { open: 0 };
      (window as unknown as { counts: typeof counts }).counts = counts;
      const countOpen = () => {
        counts.open += 1;
      };
      (window as unknown as { countOpen: () => void }).countOpen = countOpen;
      window.EchoTune!.on!('open', countOpen);
      window.EchoTune!.toggle!();
    });
    await input(page).waitFor();
    expect(await panel(page).isVisible()).toBe(true);
    await page.evaluate(() => window.EchoTune!.toggle!());
    await launcher(page).waitFor();
    expect(await panel(page).isVisible()).toBe(false);
    expect(await events(page)).toEqual(['open', 'close']);

    await page.evaluate(() => {
      const w = window as unknown as { countOpen: () => void };
      window.EchoTune!.off!('open', w.countOpen);
      window.EchoTune!.toggle!();
      window.EchoTune!.toggle!();
      window.EchoTune!.toggle!();
    });
    await input(page).waitFor();
    expect(await events(page)).toEqual(['open', 'close', 'open', 'close', 'open']);
    expect(await page.evaluate(() => (window as unknown as { counts: { open: number } }).counts.open)).toBe(
      1,
    );
  });

  it('destroy() removes the widget and its connection, and loading the script again brings a working one', async () => {
    const page = await visit('/');
    const traffic = watchSocketTraffic(page);
    await launcher(page).click();
    await chat(page, 'something calm');
    const open = traffic.websockets.filter((socket) => !socket.isClosed());
    expect(open.length).toBe(1);
    const closed = open[0]!.waitForEvent('close');

    await page.evaluate(() => window.EchoTune!.destroy!());
    expect(await widget(page).count()).toBe(0);
    expect(await page.evaluate(() => 'EchoTune' in window)).toBe(false);
    await closed;
    const before = { websockets: traffic.websockets.length, requests: traffic.requests };
    // Past the reconnect delays (0.5 s to 2 s): nothing comes back.
    await page.waitForTimeout(2_500);
    expect({ websockets: traffic.websockets.length, requests: traffic.requests }).toEqual(before);

    await page.evaluate(
      ({ src, key }) => {
        const tag = document.createElement('script');
        tag.src = src;
        tag.dataset.siteKey = key;
        tag.dataset.title = 'Shop radio';
        document.body.append(tag);
      },
      { src: `${server.url}/widget.js`, key: siteKey },
    );
    await launcher(page).waitFor();
    expect(await widget(page).count()).toBe(1);
    // A new widget starts closed: destroy() forgot that the old one was open.
    expect(await panel(page).count()).toBe(0);
    await launcher(page).click();
    await page.locator('echotune-widget .message.user', { hasText: 'something calm' }).waitFor();
    await chat(page, 'now something loud');
    expect(traffic.websockets.filter((socket) => !socket.isClosed()).length).toBe(1);
  });

  it('destroy() while the panel is still loading leaves nothing behind, and a stale API reference does nothing', async () => {
    const page = await visit('/');
    const traffic = watchSocketTraffic(page);
    await launcher(page).waitFor();
    await page.evaluate(() => {
      const api = window.EchoTune!;
      api.open!();
      api.destroy!();
      // A host that kept the old object around: it is inert now.
      api.open!();
      api.setUser!({ id: 'late' });
    });
    await page.waitForTimeout(2_000);
    expect(await widget(page).count()).toBe(0);
    expect(traffic).toEqual({ websockets: [], requests: 0 });
  });

  it('setUser() keeps one conversation per user id, greets by name, and ignores what is not a user', async () => {
    const page = await visit('/');
    const traffic = watchSocketTraffic(page);
    await launcher(page).waitFor();
    await page.evaluate(() => window.EchoTune!.setUser!({ id: 'ann', name: 'Ann' }));
    await launcher(page).click();
    const greeting = panel(page).locator('.greeting');
    expect(await greeting.textContent()).toBe('Hi Ann! Tell me what you feel like hearing.');
    await chat(page, 'songs for Ann');

    await page.evaluate(() => window.EchoTune!.setUser!({ id: 'bea', name: 'Bea' }));
    expect(await greeting.textContent()).toBe('Hi Bea! Tell me what you feel like hearing.');
    await page.waitForTimeout(800);
    expect(await messages(page).count()).toBe(0);
    await chat(page, 'songs for Bea');
    expect(await page.locator('echotune-widget .message.user').allTextContents()).toEqual(['songs for Bea']);

    await page.evaluate(() => window.EchoTune!.setUser!({ id: 'ann', name: 'Ann' }));
    await page.locator('echotune-widget .message.user', { hasText: 'songs for Ann' }).waitFor();
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor();
    expect(await page.locator('echotune-widget .message.user').allTextContents()).toEqual(['songs for Ann']);
    expect(await greeting.textContent()).toBe('Hi Ann! Tell me what you feel like hearing.');

    // Not a user: ignored, without throwing and without touching the conversation or the connection.
    const sockets = traffic.websockets.length;
    const thrown = await page.evaluate(() => {
      const api = window.EchoTune! as { setUser(user: unknown): void };
      const errors: string[] = [];
      for (const user of [
        undefined,
        null,
        'ann',
        42,
        ['ann'],
        {},
        { id: '' },
        { id: 7 },
        { id: 'x'.repeat(200) },
        { name: 'No id' },
        { id: 'ann', name: 'Ann' },
      ]) {
        try {
          api.setUser(user);
        } catch (error) {
          errors.push(String(error));
        }
      }
      try {
        (api.setUser as () => void)();
      } catch (error) {
        errors.push(String(error));
      }
      return errors;
    });
    expect(thrown).toEqual([]);
    await page.waitForTimeout(500);
    expect(traffic.websockets.length).toBe(sockets);
    expect(await greeting.textContent()).toBe('Hi Ann! Tell me what you feel like hearing.');
    expect(await page.locator('echotune-widget .message.user').allTextContents()).toEqual(['songs for Ann']);

    // Switched away before its token came: that user's socket never opens.
    await page.evaluate(() => {
      window.EchoTune!.setUser!({ id: 'dee', name: 'Dee' });
      window.EchoTune!.setUser!({ id: 'ann', name: 'Ann' });
    });
    await page.locator('echotune-widget .message.user', { hasText: 'songs for Ann' }).waitFor();
    await page.waitForTimeout(1_000);
    expect(traffic.websockets.filter((socket) => !socket.isClosed()).length).toBe(1);

    // A name of blanks is no name: the chat still works (the server refuses a blank display name).
    await page.evaluate(() => window.EchoTune!.setUser!({ id: 'cy', name: '   ' }));
    expect(await greeting.textContent()).toBe('Hi! Tell me what you feel like hearing.');
    await chat(page, 'songs for Cy');
  });

  it('counts unread replies while closed, clears them on open, and names them on the launcher', async () => {
    const page = await visit('/');
    await launcher(page).click();
    await input(page).waitFor();
    await hasSession(page);
    // Two messages, then closed at once: both replies arrive while it is closed.
    await page.evaluate(() => {
      const textarea = document.querySelector('echotune-widget')!.shadowRoot!.querySelector('textarea')!;
      for (const text of ['first request', 'second request']) {
        textarea.value = text;
        textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
      }
      window.EchoTune!.close!();
    });
    const named = page.getByRole('button', { name: 'Open Shop radio chat, 2 new', exact: true });
    await named.waitFor({ timeout: 15_000 });
    expect(await badge(page).textContent()).toBe('2');
    expect(await badge(page).isVisible()).toBe(true);

    await named.click();
    await input(page).waitFor();
    expect(await page.locator('echotune-widget .message.assistant[data-status="done"]').count()).toBe(2);
    await page.evaluate(() => window.EchoTune!.close!());
    await page.getByRole('button', { name: 'Open Shop radio chat', exact: true }).waitFor();
    expect(await badge(page).isVisible()).toBe(false);
  });

  it('works from the keyboard: a named dialog, Tab through it, Escape closes it and focus returns to the launcher', async () => {
    const page = await visit('/');
    await launcher(page).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Shop radio chat' });
    await dialog.waitFor();
    await expect.poll(() => focused(page)).toBe('textarea');
    await chat(page, 'something upbeat for my run');
    await input(page).focus();

    await page.keyboard.type('more like this');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button.send');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('textarea');
    // Backwards through the conversation (track links, details) up to the close button, all inside.
    let steps = 0;
    while ((await focused(page)) !== 'button.close' && steps < 40) {
      await page.keyboard.press('Shift+Tab');
      expect(await focused(page)).not.toBe('');
      steps += 1;
    }
    expect(await focused(page)).toBe('button.close');

    // Escape from anywhere in the panel, not only the textarea.
    await page.keyboard.press('Escape');
    await launcher(page).waitFor();
    expect(await panel(page).isVisible()).toBe(false);
    expect(await focused(page)).toBe('button.launcher');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('ECHOTUNE-WIDGET');

    await page.keyboard.press('Enter');
    await input(page).waitFor();
    await expect.poll(() => focused(page)).toBe('textarea');
    await page.keyboard.press('Escape');
    await launcher(page).waitFor();
    expect(await focused(page)).toBe('button.launcher');
  });

  it('keeps Tab inside the panel when it covers a phone screen', async () => {
    const page = await visit('/', { viewport: { width: 390, height: 844 } });
    await launcher(page).click();
    await input(page).waitFor();
    await expect.poll(() => focused(page)).toBe('textarea');
    await page.keyboard.type('hello');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button.send');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button.close');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('button.send');
  });

  it('reopens itself after a reload with the conversation, when it was open', async () => {
    const page = await visit('/');
    await launcher(page).click();
    await chat(page, 'music to survive a reload');
    await page.reload();
    await page.locator('echotune-widget .message.user', { hasText: 'music to survive a reload' }).waitFor();
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor();
    expect(await panel(page).isVisible()).toBe(true);
    expect(await launcher(page).isVisible()).toBe(false);
    expect(await lastReply(page).locator('.track').count()).toBeGreaterThanOrEqual(5);
    await chat(page, 'and one more after it');
    expect(await page.locator('echotune-widget .message.user').count()).toBe(2);
  });

  it('reports an error and shows its state when EchoTune cannot be reached, without the page throwing, and recovers', async () => {
    // An EchoTune of its own, to stop and start again (same data, same port: same keys and tokens).
    const dataDir = mkdtempSync(join(tmpdir(), 'echotune-widget-api-'));
    const env = { ADMIN_TOKEN, DATA_DIR: dataDir };
    let lone: TestServer | undefined = await startTestServer(env);
    const echotunePort = lone.port;
    const port = await freePort();
    const key = await createSiteKey(lone.url, ADMIN_TOKEN, [`http://127.0.0.1:${port}`]);
    const loneSite = await startHostSite(hostPages(key), lone.url, port);
    try {
      const openPage = async () => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        contexts.push(context);
        const page = await context.newPage();
        page.setDefaultTimeout(10_000);
        page.on('pageerror', (error) => pageErrors.push(`lone: ${error.message}`));
        await page.goto(`${loneSite.origin}/`);
        await launcher(page).waitFor();
        await recordEvents(page);
        return page;
      };
      const errorsOf = (page: Page) =>
        page.evaluate(() =>
          (window as unknown as { log: Array<[string, { code: string; message: string }]> }).log
            .filter(([event]) => event === 'error')
            .map(([, detail]) => detail.code),
        );
      // One page connected (panel loaded, markdown not yet), one not opened yet.
      const chatting = await openPage();
      await launcher(chatting).click();
      await hasSession(chatting);
      const later = await openPage();

      await lone.stop();
      lone = undefined;

      const status = panel(chatting).locator('.status');
      await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(/Offline|Cannot reach/);
      await expect.poll(() => errorsOf(chatting), { timeout: 10_000 }).toEqual(['unavailable']);
      await input(chatting).fill('anyone there?');
      await input(chatting).press('Enter');
      await chatting.locator('echotune-widget .message.user[data-delivery="waiting"]').waitFor();

      await launcher(later).click();
      await expect.poll(() => errorsOf(later)).toEqual(['unavailable']);
      const alert = later.locator('echotune-widget .fail[role="alert"]');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/cannot load/i);
      expect(await focused(later)).toBe('button');
      // It closes like the panel, and the launcher comes back.
      await later.keyboard.press('Escape');
      await launcher(later).waitFor();
      expect(await focused(later)).toBe('button.launcher');

      // EchoTune is back: the waiting message goes and is answered; the other page's next open loads the chat.
      lone = await startTestServer({ ...env, PORT: String(echotunePort) });
      await chatting
        .locator('echotune-widget .message.assistant[data-status="done"]')
        .waitFor({ timeout: 15_000 });
      expect(await status.textContent()).toBe('');
      await launcher(later).click();
      await input(later).waitFor();
      expect(await alert.count()).toBe(0);
      await chat(later, 'hello again');
    } finally {
      await loneSite.close();
      await lone?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
