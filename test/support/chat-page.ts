import type { BrowserContext, Page } from 'playwright-core';
import type { Message, Page as ResultPage, Session } from '../../src/protocol/index.js';

/** Driving the chat page in a browser test: open it, type, and read what the server stored. */

/** A page of the chat, connected (it may open an existing conversation). */
export async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  // Shorter than the test's own timeout, so a failure names the element it waited for.
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(url);
  // An empty status line is hidden: wait for it to be there, not to be seen.
  await page.locator('#status[data-connection="connected"]').waitFor({ state: 'attached' });
  return page;
}

/** A connected page showing a new, empty chat. */
export async function openChat(context: BrowserContext, url: string): Promise<Page> {
  const page = await openPage(context, url);
  await page.locator('#welcome:not([hidden])').waitFor();
  return page;
}

export async function send(page: Page, text: string): Promise<void> {
  await page.fill('#text', text);
  await page.keyboard.press('Enter');
}

export const lastReply = (page: Page) => page.locator('.message.assistant').last();

/** The page's own guest token and open chat, from its localStorage. */
export function pageAuth(page: Page): Promise<{ token: string; sessionId: string }> {
  return page.evaluate(() => ({
    token: (JSON.parse(localStorage.getItem('echotune.token') ?? '{}') as { token?: string }).token ?? '',
    sessionId: localStorage.getItem('echotune.sessionId') ?? '',
  }));
}

/** Messages of the page's open chat as the server stored them, read with the page's own token. */
export async function storedMessages(page: Page, baseUrl: string): Promise<Message[]> {
  const { token, sessionId } = await pageAuth(page);
  const response = await fetch(`${baseUrl}/api/v1/sessions/${sessionId}/messages?limit=200`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as ResultPage<Message>).items;
}

/** The page's listener's chats as the server lists them. */
export async function storedSessions(page: Page, baseUrl: string): Promise<Session[]> {
  const { token } = await pageAuth(page);
  const response = await fetch(`${baseUrl}/api/v1/sessions?limit=100`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as ResultPage<Session>).items;
}
