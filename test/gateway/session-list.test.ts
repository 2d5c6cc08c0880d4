import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src/protocol/index.js';
import { startTestServer, type TestServer } from '../support/echotune-server.js';

const UPBEAT = 'something upbeat for my run';

/** The session list over real HTTP and Socket.io: create, automatic title, rename, delete, order. */
describe('session list', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  /** A listener with two sockets: one does things, the other (another tab) watches. */
  const listener = async () => {
    const { token } = await server.guest();
    const tab = await server.connect(token);
    const otherTab = await server.connect(token);
    return { token, tab, otherTab };
  };

  const api = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const rename = (token: string, sessionId: string, body: unknown) =>
    api('PATCH', `/api/v1/sessions/${sessionId}`, token, body);
  const remove = (token: string, sessionId: string) => api('DELETE', `/api/v1/sessions/${sessionId}`, token);
  const listed = async (token: string): Promise<Session[]> =>
    ((await (await api('GET', '/api/v1/sessions', token)).json()) as { items: Session[] }).items;

  it('tells every socket of the listener, and only theirs, about a new session', async () => {
    const { tab, otherTab } = await listener();
    const stranger = await listener();
    const { session } = await tab.ok('session:create', { title: 'Run' });
    expect(await otherTab.waitFor('session:updated')).toEqual({ session });
    expect(await tab.waitFor('session:updated')).toEqual({ session });
    await stranger.tab.ok('session:create', {});
    await stranger.tab.waitFor('session:updated');
    expect(stranger.tab.of('session:updated').map((event) => event.session.id)).not.toContain(session.id);
  });

  it('renames with PATCH: 200 with the session, the other tab hears it, and the list order stays', async () => {
    const { token, tab, otherTab } = await listener();
    const { session: older } = await tab.ok('session:create', { title: 'older' });
    const { session: newer } = await tab.ok('session:create', { title: 'newer' });
    const response = await rename(token, older.id, { title: '  Road trip  ' });
    expect(response.status).toBe(200);
    const renamed = (await response.json()) as Session;
    expect(renamed).toEqual({ ...older, title: 'Road trip' });
    const heard = await otherTab.waitFor('session:updated', (event) => event.session.title === 'Road trip');
    expect(heard.session).toEqual(renamed);
    expect((await listed(token)).map((session) => [session.id, session.title])).toEqual([
      [newer.id, 'newer'],
      [older.id, 'Road trip'],
    ]);
  });

  it('answers a bad title with 400 naming the field', async () => {
    const { token, tab } = await listener();
    const { session } = await tab.ok('session:create', {});
    const cases: Array<[unknown, string]> = [
      [{ title: '' }, 'body.title: must not be empty'],
      [{ title: '   ' }, 'body.title: must not be empty'],
      [{ title: 'x'.repeat(201) }, 'body.title: must be at most 200 characters'],
      [{}, 'body.title'],
      [{ title: 'ok', pinned: true }, 'pinned'],
      [{ title: 5 }, 'body.title'],
    ];
    for (const [body, message] of cases) {
      const response = await rename(token, session.id, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: 'invalid', message: expect.stringContaining(message), retryable: false },
      });
    }
    const untouched = await listed(token);
    expect(untouched.map((item) => item.title)).toEqual(['New chat']);
  });

  it('refuses another listener’s session with 403 and an unknown one with 404, for both', async () => {
    const owner = await listener();
    const intruder = await listener();
    const { session } = await owner.tab.ok('session:create', { title: 'mine' });
    const forbiddenRename = await rename(intruder.token, session.id, { title: 'theirs' });
    expect(forbiddenRename.status).toBe(403);
    expect(await forbiddenRename.json()).toMatchObject({ error: { code: 'forbidden' } });
    const forbiddenDelete = await remove(intruder.token, session.id);
    expect(forbiddenDelete.status).toBe(403);
    expect(await forbiddenDelete.json()).toMatchObject({ error: { code: 'forbidden' } });
    for (const response of [
      await rename(owner.token, 'no-such-session', { title: 'x' }),
      await remove(owner.token, 'no-such-session'),
    ]) {
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
    expect((await listed(owner.token)).map((item) => item.title)).toEqual(['mine']);
    const unauthenticated = await fetch(`${server.url}/api/v1/sessions/${session.id}`, { method: 'DELETE' });
    expect(unauthenticated.status).toBe(401);
  });

  it('deletes with DELETE: 204, the other tab and the session’s room hear it, and nothing is left', async () => {
    const { token, tab, otherTab } = await listener();
    const { session } = await tab.ok('session:create', { title: 'doomed' });
    const { session: kept } = await tab.ok('session:create', { title: 'kept' });
    await tab.ok('message:send', { sessionId: session.id, clientMsgId: 'd1', text: 'calm piano' });
    await tab.waitFor('turn:done');
    const response = await remove(token, session.id);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(await otherTab.waitFor('session:deleted')).toEqual({ sessionId: session.id });
    // The tab was in the listener's room and the session's: it hears the news once.
    await tab.waitFor('session:deleted');
    expect(tab.of('session:deleted')).toEqual([{ sessionId: session.id }]);

    expect((await listed(token)).map((item) => item.id)).toEqual([kept.id]);
    const messages = await api('GET', `/api/v1/sessions/${session.id}/messages`, token);
    expect(messages.status).toBe(404);
    expect(await tab.request('session:join', { sessionId: session.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect((await remove(token, session.id)).status).toBe(404);
    expect((await rename(token, session.id, { title: 'back?' })).status).toBe(404);
  });

  it('deleting stops the session’s running turn', async () => {
    const { token, tab } = await listener();
    const { session } = await tab.ok('session:create', {});
    await tab.ok('message:send', { sessionId: session.id, clientMsgId: 'r1', text: UPBEAT });
    const delta = await tab.waitFor('turn:delta');
    expect((await remove(token, session.id)).status).toBe(204);
    expect(await tab.waitFor('turn:error')).toMatchObject({ turnId: delta.turnId, code: 'cancelled' });
    await tab.waitFor('session:deleted');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(tab.of('turn:done')).toHaveLength(0);
    const refused = await tab.request('message:send', {
      sessionId: session.id,
      clientMsgId: 'r2',
      text: 'hi',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('titles a new chat from its first message, once, and never over a name the listener chose', async () => {
    const { token, tab, otherTab } = await listener();
    const { session } = await tab.ok('session:create', {});
    expect(session.title).toBe('New chat');
    const text = '  calm   piano for a rainy sunday afternoon with tea and a very long book  ';
    await tab.ok('message:send', { sessionId: session.id, clientMsgId: 't1', text });
    const titled = await otherTab.waitFor('session:updated', (event) => event.session.title !== 'New chat');
    expect(titled.session).toMatchObject({
      id: session.id,
      title: 'calm piano for a rainy sunday afternoon with…',
    });
    await tab.waitFor('turn:done');
    await tab.ok('message:send', { sessionId: session.id, clientMsgId: 't2', text: 'now something louder' });
    await tab.waitFor('turn:done', (done) => done.message.seq === 4);
    expect((await listed(token))[0]?.title).toBe('calm piano for a rainy sunday afternoon with…');
    expect(otherTab.of('session:updated').filter((event) => event.session.id === session.id)).toHaveLength(2);

    const { session: named } = await tab.ok('session:create', {});
    expect((await rename(token, named.id, { title: 'Mine' })).status).toBe(200);
    await tab.ok('message:send', { sessionId: named.id, clientMsgId: 'n1', text: 'jazz for cooking' });
    await tab.waitFor('turn:done', (done) => done.sessionId === named.id);
    expect((await listed(token)).find((item) => item.id === named.id)?.title).toBe('Mine');
  });

  it('lists the most recently active session first', async () => {
    const { token, tab } = await listener();
    const created: Session[] = [];
    for (const title of ['first', 'second', 'third']) {
      created.push((await tab.ok('session:create', { title })).session);
    }
    expect((await listed(token)).map((session) => session.title)).toEqual(['third', 'second', 'first']);
    await tab.ok('message:send', { sessionId: created[0]!.id, clientMsgId: 'o1', text: 'back to the first' });
    await tab.waitFor('turn:done');
    expect((await listed(token)).map((session) => session.title)).toEqual(['first', 'third', 'second']);
    expect((await rename(token, created[1]!.id, { title: 'second, renamed' })).status).toBe(200);
    expect((await listed(token)).map((session) => session.title)).toEqual([
      'first',
      'third',
      'second, renamed',
    ]);
  });
});
