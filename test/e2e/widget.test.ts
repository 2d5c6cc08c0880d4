import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIDGET_BUDGETS } from '../../client/scripts/widget-size.js';
import {
  accessibilityLooks,
  ensureClientBuilt,
  hasChromium,
  launchChromium,
  screenshot,
  seriousAxeViolations,
} from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/echotune-server.js';
import { freePort } from '../support/environment.js';
import { createSiteKey, type HostPage, type HostSite, startHostSite } from '../support/host-site.js';

const ADMIN_TOKEN = 'admin-token-for-the-widget-tests';

/** The documented stub: calls made before widget.js arrives are queued, then replayed by it. */
const STUB = `window.EchoTune=window.EchoTune||(function(){var q=[],api={q:q};["open","close","toggle","setUser","on","off","destroy"].forEach(function(m){api[m]=function(){q.push([m,[].slice.call(arguments)])}});return api})();`;

const article =
  '<main><h1>Welcome to the shop</h1><p>Shoes, shirts and a music chat in the corner.</p></main>';
const hostPages =
  (siteKey: string) =>
  (echotune: string): Record<string, HostPage> => {
    const tag = (extra = '') =>
      `<script src="${echotune}/widget.js" data-site-key="${siteKey}" data-title="Shop radio" async ${extra}></script>`;
    return {
      '/': { body: `${article}${tag('data-accent="#ff0066"')}` },
      '/twice': { body: `${article}${tag()}${tag()}` },
      '/queued': {
        body: `${article}<script src="/stub.js"></script><script src="/queue-calls.js"></script>${tag()}`,
      },
      '/bad-accent': { body: `${article}${tag('data-accent="red;background:url(https://evil.example/x)"')}` },
      '/hostile': {
        body: `<style>* { all: unset !important; } div { display: none !important; } button { display: none !important; }</style>${article}${tag()}`,
      },
      '/csp': {
        body: `${article}${tag()}`,
        headers: {
          'content-security-policy': `default-src 'none'; script-src ${echotune}; connect-src ${echotune} ${echotune.replace('http', 'ws')}`,
        },
      },
    };
  };

describe.skipIf(!hasChromium)('the embeddable widget in real Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let allowed: HostSite;
  let refused: HostSite;
  const contexts: BrowserContext[] = [];

  const visit = async (url: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
    contexts.push(context);
    // The host's own scripts for the queued-calls page (served by the host, CSP-free).
    await context.route('**/stub.js', (route) =>
      route.fulfill({ contentType: 'text/javascript', body: STUB }),
    );
    await context.route('**/queue-calls.js', (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: `window.events=[];EchoTune.on('ready',function(){events.push('ready')});EchoTune.on('open',function(){events.push('open')});EchoTune.open();`,
      }),
    );
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(url);
    return page;
  };

  beforeAll(async () => {
    ensureClientBuilt();
    [browser, server] = await Promise.all([launchChromium(), startTestServer({ ADMIN_TOKEN })]);
    // Two sites: one the key allows, one it does not.
    const allowedPort = await freePort();
    const key = await createSiteKey(server.url, ADMIN_TOKEN, [`http://127.0.0.1:${allowedPort}`]);
    allowed = await startHostSite(hostPages(key), server.url, allowedPort);
    refused = await startHostSite(hostPages(key), server.url);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await allowed?.close();
    await refused?.close();
    await server?.stop();
  });

  const launcher = (page: Page) => page.locator('echotune-widget .launcher');
  const panel = (page: Page) => page.locator('echotune-widget .panel');
  const lastReply = (page: Page) => page.locator('echotune-widget .message.assistant').last();

  async function chat(page: Page, text: string): Promise<void> {
    await panel(page).locator('textarea').fill(text);
    await panel(page).locator('textarea').press('Enter');
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 15_000 });
  }

  it('opens from its launcher, chats with cards, fires its events, and keeps the conversation through a reload', async () => {
    const page = await visit(`${allowed.origin}/`);
    await launcher(page).waitFor();
    await page.evaluate(() => {
      const log: Array<[string, unknown]> = [];
      (window as unknown as { log: typeof log }).log = log;
      const api = window.EchoTune!;
      for (const event of ['open', 'close', 'message', 'recommendations', 'error'] as const) {
        api.on!(event, (detail?: unknown) => log.push([event, detail]));
      }
    });
    expect(await launcher(page).evaluate((node) => getComputedStyle(node).backgroundColor)).toBe(
      'rgb(255, 0, 102)',
    );
    await launcher(page).click();
    await panel(page).waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('ECHOTUNE-WIDGET');
    await chat(page, 'something upbeat for my run');
    expect(await lastReply(page).locator('.track').count()).toBeGreaterThanOrEqual(5);
    await screenshot(page, 'widget-desktop');
    const log = await page.evaluate(() => (window as unknown as { log: Array<[string, unknown]> }).log);
    const names = log.map(([event]) => event);
    expect(names.slice(0, 2)).toEqual(['open', 'message']);
    expect(names).toContain('recommendations');
    expect(log.at(-1)?.[0]).toBe('message');
    expect((log.at(-1)?.[1] as { role?: string } | undefined)?.role).toBe('assistant');

    // Closed, a reply that arrives shows as an unread badge.
    await panel(page).locator('textarea').fill('now something calm');
    await panel(page).locator('textarea').press('Enter');
    await page.evaluate(() => window.EchoTune!.close!());
    await page.locator('echotune-widget .badge:not([hidden])').waitFor();
    expect(await page.locator('echotune-widget .badge').textContent()).toBe('1');
    expect(
      await page.evaluate(() =>
        (window as unknown as { log: Array<[string]> }).log.some(([e]) => e === 'close'),
      ),
    ).toBe(true);

    await page.reload();
    await launcher(page).click();
    await page.locator('echotune-widget .message.user', { hasText: 'now something calm' }).waitFor();
    expect(await page.locator('echotune-widget .message.assistant').count()).toBe(2);
    expect(await page.locator('echotune-widget').count()).toBe(1);
    // It opens at the latest exchange: the last question at the top of the panel, not the first one.
    const viewTop = (await panel(page).locator('.scroll').boundingBox())!.y;
    const questionOffset = async () =>
      (await page.locator('echotune-widget .message.user').last().boundingBox())!.y - viewTop;
    await expect.poll(async () => Math.abs(await questionOffset()) < 40).toBe(true);
    expect(
      await panel(page)
        .locator('.scroll')
        .evaluate((node) => node.scrollTop),
    ).toBeGreaterThan(0);
  });

  it('runs calls queued before it loaded, and a second copy of the script adds no second widget', async () => {
    const queued = await visit(`${allowed.origin}/queued`);
    await panel(queued).waitFor();
    expect(await queued.evaluate(() => (window as unknown as { events: string[] }).events)).toEqual([
      'ready',
      'open',
    ]);

    const twice = await visit(`${allowed.origin}/twice`);
    await launcher(twice).waitFor();
    await twice.waitForTimeout(300);
    expect(await twice.locator('echotune-widget').count()).toBe(1);
  });

  it('tells a site the key does not allow, politely, and reports the error', async () => {
    const page = await visit(`${refused.origin}/`);
    await page.evaluate(() => {
      (window as unknown as { errors: unknown[] }).errors = [];
      window.EchoTune!.on!('error', (detail) =>
        (window as unknown as { errors: unknown[] }).errors.push(detail),
      );
    });
    await launcher(page).click();
    const notice = panel(page).locator('.notice');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/not set up to use this chat/);
    expect(await panel(page).locator('textarea').isDisabled()).toBe(true);
    // Focus is not lost with the disabled input: it is on Close.
    expect(
      await page.evaluate(
        () => document.querySelector('echotune-widget')?.shadowRoot?.activeElement?.className,
      ),
    ).toBe('close');
    const errors = await page.evaluate(
      () => (window as unknown as { errors: Array<{ code: string }> }).errors,
    );
    expect(errors[0]?.code).toBe('forbidden');
  });

  it('ignores an accent that is not a colour', async () => {
    const page = await visit(`${allowed.origin}/bad-accent`);
    await launcher(page).waitFor();
    const accent = await page
      .locator('echotune-widget')
      .evaluate((node) => (node as HTMLElement).style.getPropertyValue('--accent'));
    expect(accent).toBe('');
    expect(await launcher(page).evaluate((node) => getComputedStyle(node).backgroundColor)).toBe(
      'rgb(15, 122, 60)',
    );
  });

  it('survives a host page with hostile CSS', async () => {
    const page = await visit(`${allowed.origin}/hostile`);
    await launcher(page).waitFor();
    const box = await launcher(page).boundingBox();
    expect(box?.width).toBe(56);
    await launcher(page).click();
    await panel(page).waitFor();
    expect((await panel(page).boundingBox())?.width).toBeGreaterThan(300);
    await chat(page, 'calm piano for studying');
    expect(await lastReply(page).locator('.track').first().isVisible()).toBe(true);
  });

  it('works under a strict CSP that allows only EchoTune for scripts and connections', async () => {
    const page = await visit(`${allowed.origin}/csp`);
    await page.evaluate(() => {
      (window as unknown as { violations: string[] }).violations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        (window as unknown as { violations: string[] }).violations.push(
          `${event.violatedDirective} ${event.blockedURI}`,
        ),
      );
    });
    await launcher(page).click();
    await chat(page, 'energetic rock');
    expect(await lastReply(page).locator('.track').count()).toBeGreaterThanOrEqual(5);
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
  });

  it('downloads at most 4 KB before a click and 40 KB before the first message (gzipped, measured in the browser)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    const downloads: Array<{ url: string; bytes: number }> = [];
    page.on('response', (response) => {
      const url = response.url();
      if (!url.startsWith(server.url) || url.includes('/socket.io/') || url.includes('/api/')) return;
      void response.body().then(
        (body) => downloads.push({ url, bytes: gzipSync(body, { level: 9 }).length }),
        () => undefined,
      );
    });
    await page.goto(`${allowed.origin}/`);
    await launcher(page).waitFor();
    await page.waitForTimeout(300);
    const beforeClick = downloads.reduce((sum, file) => sum + file.bytes, 0);
    await launcher(page).click();
    await panel(page).locator('textarea').waitFor();
    await page.waitForTimeout(500);
    const beforeMessage = downloads.reduce((sum, file) => sum + file.bytes, 0);
    console.log(
      `widget downloads: ${beforeClick} B before a click, ${beforeMessage} B before the first message`,
    );
    expect(beforeClick).toBeGreaterThan(0);
    expect(beforeClick).toBeLessThanOrEqual(WIDGET_BUDGETS.loaderBytes);
    expect(beforeMessage).toBeLessThanOrEqual(WIDGET_BUDGETS.beforeFirstMessageBytes);
  });

  it('is full screen on a phone', async () => {
    const page = await visit(`${allowed.origin}/`, { viewport: { width: 390, height: 844 } });
    await launcher(page).click();
    const box = await panel(page).boundingBox();
    expect(box?.width).toBe(390);
    expect(box?.height).toBe(844);
    await chat(page, 'something upbeat for my run');
    await screenshot(page, 'widget-phone');
  });

  for (const [scheme, viewport] of accessibilityLooks) {
    it(`has no serious accessibility violations when open (${scheme}, ${viewport.width} px)`, async () => {
      const page = await visit(`${allowed.origin}/`, { viewport, colorScheme: scheme });
      await launcher(page).click();
      await chat(page, 'something upbeat for my run');
      expect(await seriousAxeViolations(page)).toEqual([]);
    });
  }
});
