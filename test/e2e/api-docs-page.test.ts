import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/echotune-server.js';

describe.skipIf(!hasChromium)('the API docs page in real Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: TestServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startTestServer()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('renders every operation from /api/v1/openapi.json under its CSP, with no violation', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${server.url}/api/v1/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
    const documented = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.values(documented.paths).flatMap((methods) => Object.keys(methods)).length;
    expect(await page.locator('.opblock').count()).toBe(operations);
    expect(await page.locator('.opblock-summary-path').allTextContents()).toContain('/api/v1/sessions/{id}');
    expect(await page.title()).toMatch(/Swagger UI/i);
    expect(violations).toEqual([]);
    await page.close();
  });
});
