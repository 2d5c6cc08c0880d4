import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeProvider,
  type FakeScript,
  type RecordedRequest,
  startFakeProvider,
} from '../providers/fake-servers/index.js';
import { ensureClientBuilt, hasChromium, launchChromium, seriousAxeViolations } from '../support/browser.js';
import {
  lastReply,
  openChat,
  openPage,
  pageAuth,
  send,
  storedMessages,
  storedSessions,
} from '../support/chat-page.js';
import { type CuttableProxy, startCuttableProxy } from '../support/cuttable-proxy.js';
import { startTestServer, type TestServer } from '../support/echotune-server.js';

/**
 * The chat page's states beyond the happy path (chat-page.test.ts): Retry, Queued, what a screen reader
 * hears, keyboard-only use, reduced motion, two tabs, and the outbox across a reload. The model is a
 * fake OpenAI server whose answer the message picks by a tag in its text.
 */
const SLOW_REPLY = Array.from({ length: 60 }, (_, index) => `word${index}`).join(' ');
const RETRIED_REPLY = 'Second time lucky: here is your music.';
const TRACKS_REPLY = 'Here are some tracks that should suit you.';

/** How often each failing message has reached the model so far. */
const attempts = new Map<string, number>();

function lastUserText(request: RecordedRequest): string {
  const body = request.body as { messages?: Array<{ role: string; content: unknown }> } | undefined;
  const last = body?.messages?.filter((message) => message.role === 'user').at(-1);
  return typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
}

/** `[fail]` fails the first two requests (one turn's attempts), `[slow]` streams slowly, `[think]` waits. */
function script(request: RecordedRequest): FakeScript {
  const text = lastUserText(request);
  if (text.includes('[fail]')) {
    const seen = attempts.get(text) ?? 0;
    attempts.set(text, seen + 1);
    return seen < 2 ? { fault: 'server-error' } : { reply: { text: RETRIED_REPLY } };
  }
  if (text.includes('[think]'))
    return { fault: 'slow-first-token', delayMs: 3_000, reply: { text: `Thought about: ${text}` } };
  if (text.includes('[tracks]')) {
    if (JSON.stringify(request.body).includes('recommendationId'))
      return { reply: { text: `${TRACKS_REPLY} ${SLOW_REPLY}` }, chunkDelayMs: 40 };
    return {
      reply: { toolCalls: [{ name: 'recommend_tracks', args: { mood: 'upbeat', limit: 5 } }] },
    };
  }
  if (text.includes('[slow]')) return { reply: { text: SLOW_REPLY }, chunkDelayMs: 60 };
  return { reply: { text: `You said: ${text}` } };
}

const userBubble = (page: Page, text: string) => page.locator('.message.user', { hasText: text });

describe.skipIf(!hasChromium)('the chat page’s states in real Chromium', () => {
  let browser: Browser;
  let server: TestServer;
  let proxy: CuttableProxy;
  let fake: FakeProvider;
  const configDirectory = mkdtempSync(join(tmpdir(), 'echotune-page-states-'));
  const contexts: BrowserContext[] = [];
  const newContext = async (options: Parameters<Browser['newContext']>[0] = {}) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
    contexts.push(context);
    return context;
  };

  beforeAll(async () => {
    ensureClientBuilt();
    fake = await startFakeProvider('openai', script);
    const providersFile = join(configDirectory, 'providers.json');
    writeFileSync(
      providersFile,
      JSON.stringify({
        deployments: [
          {
            id: 'openai-only',
            provider: 'openai',
            model: 'gpt-4o-mini',
            baseURL: fake.baseURL,
            apiKeyEnv: 'OPENAI_API_KEY',
          },
          // Listed with weight 0 so that it is never the last resort: a failing OpenAI fails the turn.
          { id: 'offline', provider: 'offline', model: 'offline-intent-v1', weight: 0 },
        ],
        router: { backoffBaseMs: 5, backoffMaxMs: 20, explorationShare: 0 },
      }),
    );
    [browser, server] = await Promise.all([
      launchChromium(),
      startTestServer({ PROVIDERS_FILE: providersFile, OPENAI_API_KEY: 'test-key-never-sent-anywhere-else' }),
    ]);
    proxy = await startCuttableProxy(server.port);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await proxy?.close();
    await server?.stop();
    await fake?.close();
    rmSync(configDirectory, { recursive: true, force: true });
  });

  it('shows a failed reply with Retry, which answers the same message without storing it twice', async () => {
    const page = await openChat(await newContext(), proxy.url);
    await send(page, 'anything at all [fail]');
    const failed = lastReply(page).and(page.locator('[data-status="failed"]'));
    await failed.waitFor();
    expect(await failed.locator('.error-text').textContent()).toMatch(/did not finish/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    // From the keyboard: the button goes away with the failed reply, focus must not go with it.
    await failed.getByRole('button', { name: 'Retry' }).focus();
    await page.keyboard.press('Enter');
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('text');
    expect(await lastReply(page).locator('.text').textContent()).toContain(RETRIED_REPLY);
    expect(await page.locator('.message.assistant').count()).toBe(1);
    expect(await page.locator('.message.user').count()).toBe(1);
    const stored = await storedMessages(page, server.url);
    expect(stored.filter((message) => message.role === 'user')).toHaveLength(1);
    expect(stored.filter((message) => message.role === 'assistant')).toHaveLength(1);
    // Two failed attempts in the first turn, one answered attempt in the turn Retry started.
    expect(attempts.get('anything at all [fail]')).toBe(3);
  });

  it('queues a message sent while a reply streams; Send needs text, Stop shows only while a reply runs', async () => {
    const page = await openChat(await newContext(), proxy.url);
    const sendButton = page.locator('#send');
    const stop = page.locator('#stop');
    expect(await sendButton.isDisabled()).toBe(true);
    expect(await stop.isHidden()).toBe(true);
    await page.fill('#text', 'something');
    expect(await sendButton.isEnabled()).toBe(true);
    await page.fill('#text', '   ');
    expect(await sendButton.isDisabled()).toBe(true);

    await send(page, 'a long one please [slow]');
    await lastReply(page).and(page.locator('[data-status="streaming"]')).waitFor();
    expect(await stop.isVisible()).toBe(true);
    expect(await sendButton.isDisabled()).toBe(true);
    await send(page, 'and then a short one');
    const queued = userBubble(page, 'and then a short one');
    await queued.and(page.locator('[data-delivery="queued"]')).waitFor();
    expect(await queued.locator('.state').textContent()).toMatch(/Queued/);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.locator('.message.assistant[data-status="done"]').nth(1).waitFor();
    expect(await queued.getAttribute('data-delivery')).toBe('delivered');
    const replies = page.locator('.message.assistant');
    expect((await replies.nth(0).locator('.text').textContent())?.trim()).toBe(SLOW_REPLY);
    expect(await replies.nth(1).locator('.text').textContent()).toContain('and then a short one');
    // Each reply under its own message, though the queued message was stored before the first reply.
    const order = () =>
      page
        .locator('.entries > .message')
        .evaluateAll((nodes) => nodes.map((node) => node.textContent?.slice(0, 12)));
    const expected = ['a long one p', 'word0 word1 ', 'and then a s', 'You said: an'];
    expect(await order()).toEqual(expected);
    await expect.poll(() => stop.isHidden()).toBe(true);
    await page.reload();
    await page.locator('.message.assistant[data-status="done"]').nth(1).waitFor();
    expect(await order()).toEqual(expected);
  });

  it('shows a reply that a reload interrupted finishing under its message, which is not left queued', async () => {
    const page = await openChat(await newContext(), proxy.url);
    await send(page, 'a long one to reload in [slow]');
    await lastReply(page).and(page.locator('[data-status="streaming"]')).waitFor();
    await page.reload();
    await page.locator('#status[data-connection="connected"]').waitFor({ state: 'attached' });
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor();
    expect((await lastReply(page).locator('.text').textContent())?.trim()).toBe(SLOW_REPLY);
    const bubble = userBubble(page, 'a long one to reload in');
    expect(await bubble.getAttribute('data-delivery')).toBe('delivered');
    expect(await bubble.locator('.state').textContent()).toBe('');
  });

  it('announces a reply once when it is done, and labels every control', async () => {
    const page = await openChat(await newContext(), proxy.url);
    await page.evaluate(() => {
      const announcer = document.getElementById('announcer')!;
      const heard: string[] = [];
      (window as unknown as { heard: string[] }).heard = heard;
      new MutationObserver((records) => {
        for (const _record of records) heard.push(announcer.textContent ?? '');
      }).observe(announcer, { childList: true, characterData: true, subtree: true });
    });
    await send(page, 'upbeat songs [tracks]');
    await lastReply(page).and(page.locator('[data-status="streaming"]')).waitFor();
    expect(await unlabelledButtons(page)).toEqual([]);
    // Named by its word alone: a screen reader would read the ■ as "black square".
    expect(await page.getByRole('button', { name: 'Stop', exact: true }).isVisible()).toBe(true);
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor();
    // Any late mutation would show up within this pause.
    await page.waitForTimeout(300);
    const heard = await page.evaluate(() => (window as unknown as { heard: string[] }).heard);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toContain(TRACKS_REPLY);
    expect(heard[0]).toContain('word59');
    const tracks = await lastReply(page).locator('.track').count();
    expect(tracks).toBeGreaterThan(0);
    expect(heard[0]).toContain(`${tracks} tracks suggested`);
    expect(await unlabelledButtons(page)).toEqual([]);
  });

  it('works from the keyboard alone: Enter, Shift+Enter, Tab to Send and the latest reply, the theme', async () => {
    const context = await newContext();
    const page = await openChat(context, proxy.url);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('text');
    await page.keyboard.type('first line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    expect(await page.inputValue('#text')).toBe('first line\nsecond line');
    expect(await page.locator('.message.user').count()).toBe(0);
    await page.keyboard.press('Enter');
    await lastReply(page).and(page.locator('[data-status="done"]')).waitFor();
    expect(await page.locator('.message.user .text').textContent()).toBe('first line\nsecond line');
    expect(await page.inputValue('#text')).toBe('');

    await page.keyboard.type('draft');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('send');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('to-latest');
    await page.keyboard.press('Enter');
    expect(
      await page.evaluate(() => {
        const replies = document.querySelectorAll('.message.assistant');
        return document.activeElement === replies[replies.length - 1];
      }),
    ).toBe(true);

    const theme = () => page.evaluate(() => document.documentElement.dataset.theme ?? 'system');
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const toggle = page.locator('#theme');
    expect(await theme()).toBe('system');
    const systemBackground = await background();
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await theme()).toBe('light');
    expect(await toggle.getAttribute('aria-label')).toMatch(/^Theme: light/);
    const lightBackground = await background();
    await page.keyboard.press('Enter');
    expect(await theme()).toBe('dark');
    expect(await background()).not.toBe(lightBackground);
    await page.reload();
    await page.locator('#status[data-connection="connected"]').waitFor({ state: 'attached' });
    expect(await theme()).toBe('dark');
    expect(await background()).not.toBe(lightBackground);
    await toggle.focus();
    await page.keyboard.press('Space');
    expect(await theme()).toBe('system');
    await page.reload();
    expect(await theme()).toBe('system');
    expect(await background()).toBe(systemBackground);
  });

  it('honours prefers-reduced-motion: no thinking animation, no drawer transition', async () => {
    const motion = async (reducedMotion: 'reduce' | 'no-preference') => {
      const context = await newContext({ viewport: { width: 360, height: 740 }, reducedMotion });
      const page = await openChat(context, proxy.url);
      const drawer = await page
        .locator('#drawer')
        .evaluate((node) => getComputedStyle(node).transitionDuration.split(', '));
      await send(page, `take your time [think] ${reducedMotion}`);
      const dots = lastReply(page).locator('.dots');
      await dots.waitFor();
      const animation = await dots.evaluate((node) => getComputedStyle(node, '::after').animationName);
      return { drawer, animation };
    };
    const [reduced, moving] = await Promise.all([motion('reduce'), motion('no-preference')]);
    // The same page without the preference does move: the check would see an animation.
    expect(moving.animation).not.toBe('none');
    expect(moving.drawer.some((duration) => duration !== '0s')).toBe(true);
    expect(reduced.animation).toBe('none');
    expect(reduced.drawer.every((duration) => duration === '0s')).toBe(true);
  });

  it('shows a message typed in one tab in the other as it is answered, and leaves a chat deleted elsewhere', async () => {
    const context = await newContext();
    const first = await openChat(context, proxy.url);
    const second = await openChat(context, proxy.url);
    const { sessionId } = await pageAuth(first);
    expect((await pageAuth(second)).sessionId).toBe(sessionId);

    await send(first, 'hello from the first tab [slow]');
    await userBubble(second, 'hello from the first tab').waitFor();
    // As it is answered: the second tab streams the reply too, and can stop it.
    await lastReply(second).and(second.locator('[data-status="streaming"]')).waitFor();
    expect(await second.locator('#stop').isVisible()).toBe(true);
    await send(first, 'and a second one');
    await userBubble(second, 'and a second one').and(second.locator('[data-delivery="queued"]')).waitFor();
    await second.locator('.message.assistant[data-status="done"]').nth(1).waitFor();
    const replies = second.locator('.message.assistant');
    expect((await replies.nth(0).locator('.text').textContent())?.trim()).toBe(SLOW_REPLY);
    expect(await replies.nth(1).locator('.text').textContent()).toContain('and a second one');
    expect(await second.locator('.message').count()).toBe(4);
    const deliveries = await second
      .locator('.message.user')
      .evaluateAll((nodes) => nodes.map((node) => (node as HTMLElement).dataset.delivery));
    expect(deliveries).toEqual(['delivered', 'delivered']);

    await first.locator('.message.assistant[data-status="done"]').nth(1).waitFor();
    first.once('dialog', (dialog) => void dialog.accept());
    await first.getByRole('button', { name: 'Delete “hello from the first tab [slow]”' }).click();
    for (const page of [first, second]) {
      await page.locator('#welcome:not([hidden])').waitFor();
      expect(await page.locator('.message').count()).toBe(0);
      await expect
        .poll(() => page.locator('.session.current').getAttribute('data-session-id'))
        .not.toBe(sessionId);
    }
    await expect.poll(async () => (await storedSessions(first, server.url)).length).toBe(1);
    const [remaining] = await storedSessions(first, server.url);
    for (const page of [first, second]) {
      await expect
        .poll(() => page.locator('.session.current').getAttribute('data-session-id'))
        .toBe(remaining?.id);
    }
  });

  it('keeps a message typed offline through closing the tab, and sends it once when back', async () => {
    const context = await newContext();
    const page = await openChat(context, proxy.url);
    proxy.cut();
    try {
      await page.locator('#status[data-connection="offline"]').waitFor({ state: 'attached' });
      await send(page, 'kept in the outbox');
      await userBubble(page, 'kept in the outbox').and(page.locator('[data-delivery="waiting"]')).waitFor();
      await page.close();
    } finally {
      proxy.restore();
    }

    const reopened = await openPage(context, proxy.url);
    const bubble = userBubble(reopened, 'kept in the outbox');
    await bubble.waitFor();
    await lastReply(reopened).and(reopened.locator('[data-status="done"]')).waitFor();
    expect(await lastReply(reopened).locator('.text').textContent()).toContain('kept in the outbox');
    expect(await bubble.getAttribute('data-delivery')).toBe('delivered');
    expect(await reopened.locator('.message.user').count()).toBe(1);
    const stored = await storedMessages(reopened, server.url);
    expect(stored.filter((message) => message.role === 'user')).toHaveLength(1);
    expect(fake.requests.filter((request) => lastUserText(request) === 'kept in the outbox')).toHaveLength(1);
    const outbox = await reopened.evaluate(() =>
      Object.keys(localStorage).filter((key) => key.startsWith('echotune.outbox.')),
    );
    expect(outbox).toEqual([]);
  });
});

/** Buttons (visible or not) without an accessible name, described so a failure says which. */
function unlabelledButtons(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, summary, [role="button"]')]
      .filter((button) => {
        const labelledBy = button.getAttribute('aria-labelledby');
        const name =
          button.getAttribute('aria-label') ??
          (labelledBy ? document.getElementById(labelledBy)?.textContent : null) ??
          button.textContent ??
          '';
        return name.trim() === '' && !button.title;
      })
      .map((button) => button.outerHTML.slice(0, 120)),
  );
}
