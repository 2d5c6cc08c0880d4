import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteKey } from '../../src/protocol/index.js';
import { ensureClientBuilt, hasChromium, launchChromium, screenshot } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/echotune-server.js';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789';

/** A host site: one page embedding the widget from EchoTune, with the key from the query string. */
async function startHostSite(echotuneUrl: string): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    const key = new URL(request.url ?? '/', 'http://host').searchParams.get('key') ?? '';
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(`<!doctype html><html><head><title>Host shop</title></head><body>
      <h1>A shop</h1>
      <script>
        window.widgetErrors = [];
        window.EchoTune = { q: [['on', ['error', (detail) => window.widgetErrors.push(detail)]]] };
      </script>
      <script src="${echotuneUrl}/widget.js" data-site-key="${key}" data-open="true"></script>
    </body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe.skipIf(!hasChromium)('the widget on another site, through a site key (real Chromium)', () => {
  let echotune: TestServer;
  let host: { server: Server; port: number };
  let browser: Browser;
  let siteKey: SiteKey;

  beforeAll(async () => {
    ensureClientBuilt();
    echotune = await startTestServer({ ADMIN_TOKEN });
    host = await startHostSite(echotune.url);
    browser = await launchChromium();
    const created = await fetch(`${echotune.url}/api/v1/admin/site-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      // The host page as 127.0.0.1 is allowed; the same page as localhost is another origin.
      body: JSON.stringify({ name: 'Host shop', origins: [`http://127.0.0.1:${host.port}`] }),
    });
    siteKey = (await created.json()) as SiteKey;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => host?.server.close(resolve));
    await echotune?.stop();
  });

  const openHostPage = async (hostName: string, key: string): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`http://${hostName}:${host.port}/?key=${key}`);
    return page;
  };

  it('chats from an allowed origin: cross-origin token request, handshake and a reply', async () => {
    const page = await openHostPage('127.0.0.1', siteKey.key);
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.waitFor();
    await page.waitForFunction(() => {
      const widget = document.querySelector('echotune-widget');
      return widget?.shadowRoot?.querySelector('textarea')?.disabled === false;
    });
    await input.fill('something calm for reading');
    await input.press('Enter');
    await page
      .locator('echotune-widget .message.assistant[data-status="done"]')
      .first()
      .waitFor({ timeout: 20_000 });
    expect(
      await page.evaluate(() => (window as unknown as { widgetErrors: unknown[] }).widgetErrors),
    ).toEqual([]);
    await page.context().close();
  });

  const expectPoliteRefusal = async (page: Page) => {
    const notice = page.locator('echotune-widget .notice');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/not set up to use this chat/);
    expect(await page.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
    const errors = await page.evaluate(() => (window as unknown as { widgetErrors: unknown[] }).widgetErrors);
    expect(errors).toEqual([
      {
        code: 'forbidden',
        message: expect.stringMatching(/This site is not allowed to use this EchoTune widget/),
      },
    ]);
  };

  it('says politely that another origin may not use the key, and stops there', async () => {
    const page = await openHostPage('localhost', siteKey.key);
    await expectPoliteRefusal(page);
    await screenshot(page, 'widget-refused');
    await page.context().close();
  });

  it('says the same on an allowed origin once the key is revoked', async () => {
    const created = await fetch(`${echotune.url}/api/v1/admin/site-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Old shop', origins: [`http://127.0.0.1:${host.port}`] }),
    });
    const { key } = (await created.json()) as SiteKey;
    await fetch(`${echotune.url}/api/v1/admin/site-keys/${key}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const page = await openHostPage('127.0.0.1', key);
    await expectPoliteRefusal(page);
    await page.context().close();
  });
});
