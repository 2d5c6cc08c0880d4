import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeProvider, startFakeProvider } from '../providers/fake-servers/index.js';
import {
  accessibilityLooks,
  ensureClientBuilt,
  hasChromium,
  launchChromium,
  screenshot,
  seriousAxeViolations,
} from '../support/browser.js';
import { lastReply, openChat, send, storedMessages } from '../support/chat-page.js';
import { type CuttableProxy, startCuttableProxy } from '../support/cuttable-proxy.js';
import { startTestServer, type TestServer } from '../support/echotune-server.js';

const SLOW_REPLY = Array.from({ length: 60 }, (_, index) => `word${index}`).join(' ');
/** Many paragraphs, streamed: longer than a phone screen. */
const LONG_REPLY = Array.from(
  { length: 40 },
  (_, index) => `Paragraph ${index} about a song you may like.`,
).join('\n\n');
const HOSTILE_MARKDOWN = [
  'Here is **bold** and a list:',
  '',
  '- first item',
  '- second item',
  '',
  '[a safe link](https://example.com/tracks) and [a bad one](javascript:window.pwned=1)',
  '',
  '<script>window.pwned = 2</script>',
  '<img src="x" onerror="window.pwned = 3">',
  '<b onclick="window.pwned = 4">raw html</b>',
].join('\n');

interface Served {
  server: TestServer;
  proxy: CuttableProxy;
}

async function serve(env: Record<string, string> = {}): Promise<Served> {
  const server = await startTestServer(env);
  return { server, proxy: await startCuttableProxy(server.port) };
}

describe.skipIf(!hasChromium)('the chat page in real Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let offline: Served;
  let scripted: Served;
  let fake: FakeProvider;
  const contexts: BrowserContext[] = [];
  const newContext = async (options: Parameters<Browser['newContext']>[0] = {}) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
    contexts.push(context);
    return context;
  };

  beforeAll(async () => {
    ensureClientBuilt();
    fake = await startFakeProvider('openai');
    fake.setScript((request) => {
      const body = JSON.stringify(request.body);
      if (body.includes('hostile markdown')) return { reply: { text: HOSTILE_MARKDOWN } };
      if (body.includes('a long story')) return { reply: { text: LONG_REPLY }, chunkDelayMs: 15 };
      return { reply: { text: SLOW_REPLY }, chunkDelayMs: 60 };
    });
    [browser, offline, scripted] = await Promise.all([
      launchChromium(),
      serve(),
      serve({
        OPENAI_API_KEY: 'test-key-never-sent-anywhere-else',
        OPENAI_BASE_URL: fake.baseURL,
        OPENAI_MODEL: 'gpt-4o-mini',
        // Long enough that a reply keeps running while its only listener is away.
        DISCONNECT_GRACE_MS: '20000',
      }),
    ]);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    for (const served of [offline, scripted]) {
      await served?.proxy.close();
      await served?.server.stop();
    }
    await fake?.close();
  });

  it('streams a reply with cards that say what they are, and opens at the latest exchange after a reload', async () => {
    const context = await newContext();
    const page = await openChat(context, offline.proxy.url);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('text');
    const favicon = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
      return link ? (await fetch(link.href)).status : 0;
    });
    expect(favicon).toBe(200);
    await screenshot(page, 'page-desktop-welcome');
    await send(page, 'something upbeat for my run');
    await page.locator('.message.user', { hasText: 'something upbeat for my run' }).waitFor();
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 15_000 });

    const cards = lastReply(page).locator('.track');
    expect(await cards.count()).toBeGreaterThanOrEqual(5);
    const first = cards.first();
    const name = (await first.locator('.name').textContent()) ?? '';
    expect(await lastReply(page).locator('.text').textContent()).toContain(name);
    expect(await first.locator('.album').textContent()).toMatch(/\d{4}/);
    const meter = first.getByRole('meter', { name: 'Energy' });
    const value = Number(await meter.getAttribute('aria-valuenow'));
    expect(value).toBeGreaterThan(0);
    expect(await meter.getAttribute('aria-valuemax')).toBe('100');
    expect(await first.locator('.meter-value').first().textContent()).toMatch(/^≈\d+\/100$/);
    expect(await first.locator('.estimated-note').count()).toBe(1);
    const listen = first.getByRole('link', { name: /Open in Spotify/ });
    expect(await listen.getAttribute('href')).toMatch(/^https:\/\/open\.spotify\.com\/search\//);
    expect(await listen.getAttribute('rel')).toBe('noopener noreferrer');
    await screenshot(page, 'page-desktop');
    // No developer line under the reply: provider and timing sit behind the details disclosure.
    const details = lastReply(page).locator('details.reply-details');
    expect(await details.locator('dl').isVisible()).toBe(false);
    await details.locator('summary').click();
    expect(await details.locator('dl').textContent()).toContain('offline');

    await send(page, 'now something calm for the evening');
    await page.locator('.message.assistant[data-status="done"]').nth(1).waitFor({ timeout: 15_000 });
    await page.reload();
    await page.locator('.message.assistant[data-status="done"]').nth(1).waitFor();
    await expect.poll(() => page.locator('.track').count()).toBeGreaterThanOrEqual(10);
    // The view opens at the latest exchange, not at the top of the history.
    const lastQuestion = page.locator('.message.user').last();
    await expect
      .poll(() => lastQuestion.evaluate((node) => node.getBoundingClientRect().top))
      .toBeLessThan(200);
    expect(await page.locator('#conversation').evaluate((node) => node.scrollTop)).toBeGreaterThan(0);
  });

  it('keeps like and not-for-me as toggles through a reload, and changes what comes next', async () => {
    const fresh = await openChat(await newContext(), offline.proxy.url);
    await send(fresh, 'energetic rock');
    await lastReply(fresh).and(fresh.locator('[data-status="done"]')).waitFor({ timeout: 15_000 });
    const baseline = await lastReply(fresh)
      .locator('.track')
      .evaluateAll((nodes) => nodes.map((node) => (node as HTMLElement).dataset.trackId));

    const page = await openChat(await newContext(), offline.proxy.url);
    await send(page, 'energetic rock');
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 15_000 });
    const cards = lastReply(page).locator('.track');
    const shown = await cards.evaluateAll((nodes) =>
      nodes.map((node) => (node as HTMLElement).dataset.trackId),
    );
    expect(shown).toEqual(baseline);

    const like = cards.nth(0).getByRole('button', { name: 'Like' });
    await like.click();
    await expect.poll(() => like.getAttribute('aria-pressed')).toBe('true');
    await like.click();
    await expect.poll(() => like.getAttribute('aria-pressed')).toBe('false');
    await like.click();
    const disliked = [1, 2, 3];
    for (const index of disliked) {
      const button = cards.nth(index).getByRole('button', { name: 'Not for me' });
      await button.click();
      await expect.poll(() => button.getAttribute('aria-pressed')).toBe('true');
    }
    const pressedColours = await cards.evaluateAll((nodes) =>
      nodes
        .slice(0, 2)
        .map((node) => getComputedStyle(node.querySelector('[aria-pressed="true"]')!).backgroundColor),
    );
    expect(pressedColours[0]).not.toBe(pressedColours[1]);

    await page.reload();
    const reloaded = lastReply(page).locator('.track');
    await reloaded.first().waitFor();
    expect(await reloaded.nth(0).getByRole('button', { name: 'Like' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    for (const index of disliked) {
      expect(
        await reloaded.nth(index).getByRole('button', { name: 'Not for me' }).getAttribute('aria-pressed'),
      ).toBe('true');
    }

    // A new chat, the same request: the tracks this listener turned down are gone.
    await page.getByRole('button', { name: 'New chat' }).click();
    await page.locator('#welcome:not([hidden])').waitFor();
    await send(page, 'energetic rock');
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 15_000 });
    const next = await lastReply(page)
      .locator('.track')
      .evaluateAll((nodes) => nodes.map((node) => (node as HTMLElement).dataset.trackId));
    for (const index of disliked) expect(next).not.toContain(shown[index]);
    expect(next).not.toEqual(baseline);
  });

  it('stops a streaming reply with Stop', async () => {
    const page = await openChat(await newContext(), scripted.proxy.url);
    expect(await page.locator('#stop').isHidden()).toBe(true);
    await send(page, 'play me something slow');
    await lastReply(page).and(page.locator('[data-status="streaming"]')).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: /Stop/ }).click();
    await lastReply(page).and(page.locator('[data-status="stopped"]')).waitFor({ timeout: 10_000 });
    expect(await page.locator('#stop').isHidden()).toBe(true);
    const text = (await lastReply(page).locator('.text').textContent()) ?? '';
    expect(text.length).toBeLessThan(SLOW_REPLY.length);
  });

  it('keeps the question and the start of a long reply in view, and leaves a reader who scrolled up alone', async () => {
    const page = await openChat(
      await newContext({ viewport: { width: 390, height: 700 } }),
      scripted.proxy.url,
    );
    await send(page, 'tell me a long story');
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 20_000 });
    const question = page.locator('.message.user').last();
    const top = await question.evaluate((node) => node.getBoundingClientRect().top);
    const header = await page.locator('.bar').evaluate((node) => node.getBoundingClientRect().bottom);
    // The reply is far longer than the screen, yet the question is still on it, at the top.
    expect(await lastReply(page).evaluate((node) => node.getBoundingClientRect().height)).toBeGreaterThan(
      700,
    );
    expect(top).toBeGreaterThanOrEqual(header);
    expect(top).toBeLessThan(header + 60);

    // Scrolled up to read an older part while the next reply streams: the view stays where the reader is.
    await send(page, 'tell me a long story again');
    await page.locator('#conversation').evaluate((node) => {
      node.scrollTop = 100;
    });
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 20_000 });
    expect(await page.locator('#conversation').evaluate((node) => node.scrollTop)).toBe(100);
  });

  it('renders markdown from the model, with scripts, handlers and javascript: links inert', async () => {
    const page = await openChat(await newContext(), scripted.proxy.url);
    await send(page, 'hostile markdown please');
    const reply = lastReply(page);
    await reply.and(page.locator('[data-status="done"]')).waitFor({ timeout: 15_000 });
    const text = reply.locator('.text');
    expect(await text.locator('strong').textContent()).toBe('bold');
    expect(await text.locator('li').count()).toBe(2);
    const safe = text.getByRole('link', { name: 'a safe link' });
    expect(await safe.getAttribute('href')).toBe('https://example.com/tracks');
    expect(await safe.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await text.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await text.locator('script, img, b[onclick], [onerror]').count()).toBe(0);
    // The raw HTML is there to read, as text.
    expect(await text.textContent()).toContain('<script>');
    await text.getByText('a bad one').click();
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
  });

  it('ends with the complete stored reply after losing the connection in the middle of it', async () => {
    const page = await openChat(await newContext(), scripted.proxy.url);
    // Away briefly while the reply streams: deltas are missed, the rest arrives live.
    await send(page, 'play me something slow');
    await lastReply(page).and(page.locator('[data-status="streaming"]')).waitFor({ timeout: 15_000 });
    scripted.proxy.cut();
    await page.locator('#status[data-connection="offline"]').waitFor({ state: 'attached' });
    await page.waitForTimeout(600);
    scripted.proxy.restore();
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 20_000 });
    expect((await lastReply(page).locator('.text').textContent())?.trim()).toBe(SLOW_REPLY);

    // Away until the reply has finished: the reconnect's catch-up brings the whole of it.
    await send(page, 'and another slow one');
    await lastReply(page).and(page.locator('[data-status="streaming"]')).waitFor({ timeout: 15_000 });
    scripted.proxy.cut();
    await page.locator('#status[data-connection="offline"]').waitFor({ state: 'attached' });
    await expect
      .poll(async () => (await storedMessages(page, scripted.server.url)).length, { timeout: 15_000 })
      .toBe(4);
    scripted.proxy.restore();
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 20_000 });
    expect((await lastReply(page).locator('.text').textContent())?.trim()).toBe(SLOW_REPLY);
    expect(await page.locator('.message.assistant .thinking').count()).toBe(0);
  });

  it('shows a message typed offline as waiting, and sends it once when back', async () => {
    const page = await openChat(await newContext(), offline.proxy.url);
    offline.proxy.cut();
    await page.locator('#status[data-connection="offline"]').waitFor({ state: 'attached' });
    await send(page, 'calm piano for studying');
    const bubble = page.locator('.message.user', { hasText: 'calm piano for studying' });
    await bubble.and(page.locator('[data-delivery="waiting"]')).waitFor();
    expect(await bubble.locator('.state').textContent()).toMatch(/Waiting for connection/);
    expect(await page.inputValue('#text')).toBe('');
    offline.proxy.restore();
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 20_000 });
    expect(await bubble.getAttribute('data-delivery')).toBe('delivered');
    const stored = await storedMessages(page, offline.server.url);
    expect(stored.filter((message) => message.text === 'calm piano for studying')).toHaveLength(1);
    expect(await page.locator('.message.user').count()).toBe(1);
  });

  it('keeps a message typed before the first chat could open, and sends it once connected', async () => {
    const context = await newContext();
    // The guest token is held back: the page loads, but cannot connect, so no chat exists yet.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await context.route('**/api/v1/auth/guest', async (route) => {
      await held;
      await route.continue();
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(offline.proxy.url);
    await send(page, 'songs for a long drive');
    const bubble = page.locator('.message.user', { hasText: 'songs for a long drive' });
    await bubble.and(page.locator('[data-delivery="waiting"]')).waitFor();
    release();
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 15_000 });
    const stored = await storedMessages(page, offline.server.url);
    expect(stored.filter((message) => message.text === 'songs for a long drive')).toHaveLength(1);
  });

  it('shows a rate-limited message as retrying, then sends it when allowed', async () => {
    const limited = await serve({ RATE_LIMIT_MESSAGES_PER_MINUTE: '1', RATE_LIMIT_WINDOW_SECONDS: '4' });
    try {
      const page = await openChat(await newContext(), limited.proxy.url);
      await send(page, 'energetic rock');
      await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 15_000 });
      await send(page, 'calm piano for studying');
      const bubble = page.locator('.message.user', { hasText: 'calm piano' });
      await bubble.and(page.locator('[data-delivery="retrying"]')).waitFor();
      expect(await bubble.locator('.state').textContent()).toMatch(/Rate limited — retrying in \d+ s/);
      await page.locator('.message.assistant[data-status="done"]').nth(1).waitFor({ timeout: 20_000 });
      expect(await bubble.getAttribute('data-delivery')).toBe('delivered');
      const stored = await storedMessages(page, limited.server.url);
      expect(stored.filter((message) => message.role === 'user')).toHaveLength(2);
    } finally {
      await limited.proxy.close();
      await limited.server.stop();
    }
  });

  it('lists chats most recent first, with titles from their first message, renamed and deleted in place', async () => {
    const page = await openChat(await newContext(), offline.proxy.url);
    await send(page, 'songs for a rainy sunday afternoon');
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 15_000 });
    const items = page.locator('.session');
    await expect
      .poll(() => items.first().locator('.session-name').textContent())
      .toBe('songs for a rainy sunday afternoon');
    await page.getByRole('button', { name: 'New chat' }).click();
    await send(page, 'energetic rock');
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 15_000 });
    await expect
      .poll(() => items.locator('.session-name').allTextContents())
      .toEqual(['energetic rock', 'songs for a rainy sunday afternoon']);

    await page.getByRole('button', { name: 'Rename “energetic rock”' }).click();
    await page.getByRole('textbox', { name: 'New name for the chat' }).fill('Gym mix');
    await page.keyboard.press('Enter');
    await expect.poll(() => items.first().locator('.session-name').textContent()).toBe('Gym mix');
    expect(await page.locator('#session-title').textContent()).toBe('Gym mix');

    await items.nth(1).locator('.session-open').click();
    await page.locator('.message.user', { hasText: 'rainy sunday' }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete “Gym mix”' }).click();
    await expect.poll(() => items.count()).toBe(1);
    await page.reload();
    await page.locator('.message.user', { hasText: 'rainy sunday' }).waitFor();
    await expect.poll(() => items.count()).toBe(1);
  });

  it('works on a phone: the chat list is a drawer, nothing is cut off', async () => {
    const context = await newContext({ viewport: { width: 360, height: 740 }, colorScheme: 'dark' });
    const page = await openChat(context, offline.proxy.url);
    const drawer = page.locator('#drawer');
    expect(await drawer.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Show your chats' }).click();
    await expect.poll(() => drawer.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => drawer.isVisible()).toBe(false);
    const placeholderFits = await page
      .locator('#text')
      .evaluate(
        (node) => (node as HTMLTextAreaElement).scrollWidth <= (node as HTMLTextAreaElement).clientWidth,
      );
    expect(placeholderFits).toBe(true);
    await send(page, 'something upbeat for my run');
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 15_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'page-phone');
  });

  for (const [scheme, viewport] of accessibilityLooks) {
    it(`has no serious accessibility violations (${scheme}, ${viewport.width} px)`, async () => {
      const page = await openChat(await newContext({ viewport, colorScheme: scheme }), offline.proxy.url);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await send(page, 'something upbeat for my run');
      await lastReply(page).and(page.locator('[data-status="done"]')).waitFor({ timeout: 15_000 });
      expect(await seriousAxeViolations(page)).toEqual([]);
    });
  }
});
