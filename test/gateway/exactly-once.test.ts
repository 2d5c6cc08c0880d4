import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../support/echotune-server.js';
import { missing } from '../support/environment.js';
import { startFerretDb } from '../support/ferretdb.js';
import { type RedisServer, redisBinary, startRedisServer } from '../support/redis-server.js';
import { type SlowUpstream, startSlowUpstream } from '../support/slow-upstream.js';

const skipped =
  !redisBinary && missing('one turn per message across instances', 'redis-server is not installed');

/** The slow upstream's reply, known once it has started. */
let REPLY = '';

/** FerretDB (MongoDB wire protocol) for the MongoDB case; null (a skip, said) outside CI without it. */
const ferret = skipped ? null : await startFerretDb();

/** The store both instances share: one SQLite file on this host, or MongoDB (FerretDB) as in production. */
const stores = [
  { name: 'one SQLite file', env: {} as Record<string, string>, skip: false },
  {
    name: 'MongoDB (FerretDB)',
    env: ferret ? { MONGODB_URI: `${ferret.uri}echotune_once` } : ({} as Record<string, string>),
    skip: ferret === null,
  },
];
afterAll(async () => {
  await ferret?.stop();
});

// startFerretDb() has said why when it returned null (and under CI it throws instead).
describe.skipIf(skipped).each(stores.filter((store) => !store.skip))(
  'one user message, one turn, across instances sharing $name',
  (store) => {
    let redis: RedisServer;
    let slow: SlowUpstream;
    let directory: string;
    const servers: TestServer[] = [];

    beforeAll(async () => {
      redis = await startRedisServer();
      directory = mkdtempSync(join(tmpdir(), 'echotune-once-'));
      slow = await startSlowUpstream({ directory, words: 20, word: 'note' });
      REPLY = slow.reply;
      const env = {
        REDIS_URL: `redis://127.0.0.1:${redis.port}`,
        JWT_SECRET: randomBytes(32).toString('hex'),
        DATA_DIR: join(directory, 'data'),
        PROVIDERS_FILE: slow.providersFile,
        ...store.env,
      };
      servers.push(await startTestServer(env), await startTestServer(env));
    });
    afterAll(async () => {
      for (const server of servers) await server.stop();
      await slow?.close();
      redis?.stop();
      if (directory) rmSync(directory, { recursive: true, force: true });
    });

    async function tabsOnBothInstances(): Promise<{ tabs: [TestClient, TestClient]; sessionId: string }> {
      const [first, second] = servers as [TestServer, TestServer];
      const { token } = await first.guest();
      const tabs: [TestClient, TestClient] = [await first.connect(token), await second.connect(token)];
      const { session } = await tabs[0].ok('session:create', {});
      await tabs[1].ok('session:join', { sessionId: session.id });
      return { tabs, sessionId: session.id };
    }

    async function expectOneAnswer(tabs: [TestClient, TestClient], sessionId: string) {
      const done = await tabs[0].waitFor('turn:done');
      // Time for a second turn to show itself, had one started anywhere.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const turnIds = new Set(tabs.flatMap((tab) => tab.of('turn:start').map((start) => start.turnId)));
      expect([...turnIds]).toEqual([done.turnId]);
      const joined = await tabs[1].ok('session:join', { sessionId, afterSeq: 0 });
      expect(joined.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
      expect(joined.messages[1]?.text).toBe(REPLY);
      expect(joined.messages[1]?.meta?.replyTo).toBe(joined.messages[0]?.id);
    }

    it('answers once when the same clientMsgId reaches two instances together', async () => {
      const { tabs, sessionId } = await tabsOnBothInstances();
      const send = { sessionId, clientMsgId: 'together', text: 'calm music' };
      const [first, second] = await Promise.all(tabs.map((tab) => tab.ok('message:send', send)));
      expect(second).toEqual(first);
      await expectOneAnswer(tabs, sessionId);
    });

    it('answers once when the resend reaches the other instance while the first turn runs', async () => {
      const { tabs, sessionId } = await tabsOnBothInstances();
      const send = { sessionId, clientMsgId: 'resent', text: 'calm music' };
      const first = await tabs[0].ok('message:send', send);
      await tabs[0].waitFor('turn:delta');
      expect(await tabs[1].ok('message:send', send)).toEqual(first);
      await expectOneAnswer(tabs, sessionId);
    });

    it('runs one turn per session at a time across instances, in order', async () => {
      const { tabs, sessionId } = await tabsOnBothInstances();
      await tabs[0].ok('message:send', { sessionId, clientMsgId: 'a', text: 'calm music' });
      await tabs[0].waitFor('turn:delta');
      await tabs[1].ok('message:send', { sessionId, clientMsgId: 'b', text: 'more calm music' });
      await expect.poll(() => tabs[0].of('turn:done').length, { timeout: 20_000 }).toBe(2);
      const [firstDone, secondDone] = tabs[0].of('turn:done');
      const secondStart = tabs[0].of('turn:start').find((start) => start.turnId === secondDone?.turnId);
      expect(secondStart).toBeDefined();
      // The second turn started only after the first was done: its events all come later.
      const order = tabs[0].events.map((item) => item.event);
      expect(order.indexOf('turn:done')).toBeLessThan(order.lastIndexOf('turn:start'));
      expect(firstDone?.message.text).toBe(REPLY);
      // Both messages were stored on arrival; each reply names the message it answers, in order.
      const joined = await tabs[1].ok('session:join', { sessionId, afterSeq: 0 });
      const [a, b, ...replies] = joined.messages;
      expect([a?.clientMsgId, b?.clientMsgId]).toEqual(['a', 'b']);
      expect(replies.map((reply) => [reply.role, reply.meta?.replyTo])).toEqual([
        ['assistant', a?.id],
        ['assistant', b?.id],
      ]);
    });
  },
);
