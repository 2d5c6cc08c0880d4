import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/protocol/index.js';
import { bundledCatalog } from '../../src/recommend/catalog/bundled-catalog.js';
import { startTestServer, type TestClient, type TestServer } from '../support/echotune-server.js';

export interface ChatFlowBackend {
  /** Extra environment for the server (e.g. MONGODB_URI); null when the backend is unavailable. */
  env(): Promise<Record<string, string> | null>;
  stop?(): Promise<void>;
}

const UPBEAT = 'something upbeat for my run';

/** The spine end to end over a real socket, run once per store backend. */
export function describeChatFlow(name: string, backend: ChatFlowBackend): void {
  describe(`chat flow over Socket.io (${name})`, () => {
    let server: TestServer | null = null;
    const catalogMedianEnergy = bundledMedianEnergy();

    beforeAll(async () => {
      const env = await backend.env();
      if (!env) return;
      server = await startTestServer(env);
    });
    afterAll(async () => {
      await server?.stop();
      await backend.stop?.();
    });

    const ready = (): TestServer => {
      if (!server) throw new Error('backend unavailable');
      return server;
    };
    const guestClient = async (): Promise<TestClient> => ready().connect((await ready().guest()).token);
    const newSession = async (client: TestClient) =>
      (await client.ok('session:create', { title: 'Run' })).session;

    it('issues a guest token and refuses sockets without a valid one', async (context) => {
      if (!server) return context.skip();
      const guest = await server.guest();
      expect(guest.token.split('.')).toHaveLength(3);
      expect(guest.userId).toMatch(/\S+/);
      await expect(server.connect()).rejects.toThrow(/token is required/i);
      await expect(server.connect('not-a-jwt')).rejects.toThrow(/not valid/i);
    });

    it('streams a full turn: ack, message:new, turn:start, ordered deltas, recs, done with usage', async (context) => {
      if (!server) return context.skip();
      const client = await guestClient();
      const session = await newSession(client);
      // The turn runs between the send and turn:done; the server's clocks must fit inside this one.
      const sentAt = performance.now();
      const ack = await client.ok('message:send', { sessionId: session.id, clientMsgId: 'm1', text: UPBEAT });
      expect(ack.seq).toBe(1);

      const done = await client.waitFor('turn:done');
      const wallMs = performance.now() - sentAt;
      const [newMessage] = client.of('message:new');
      expect(newMessage?.message).toMatchObject({ id: ack.messageId, seq: 1, role: 'user', text: UPBEAT });
      const [start] = client.of('turn:start');
      expect(start).toMatchObject({ turnId: done.turnId, provider: 'offline' });

      const deltas = client.of('turn:delta').filter((delta) => delta.turnId === done.turnId);
      expect(deltas.map((delta) => delta.index)).toEqual(deltas.map((_, index) => index));
      expect(deltas.map((delta) => delta.text).join('')).toBe(done.message.text);

      const [recs] = client.of('turn:recs');
      expect(recs?.tracks.length).toBeGreaterThanOrEqual(5);
      const energies = recs!.tracks.map((track) => track.features.energy ?? 0);
      const meanEnergy = energies.reduce((sum, value) => sum + value, 0) / energies.length;
      expect(meanEnergy).toBeGreaterThan(catalogMedianEnergy);
      expect(done.message.text).toContain(recs!.tracks[0]!.name);

      expect(done.message).toMatchObject({ role: 'assistant', seq: 2 });
      expect(done.usage.inputTokens).toBeGreaterThan(0);
      expect(done.usage.outputTokens).toBeGreaterThan(0);
      // The first token comes after the tool call and the catalog search, so it takes measurable time.
      expect(done.ttftMs).toEqual(expect.any(Number));
      expect(done.ttftMs).toBeGreaterThan(0);
      expect(done.ttftMs).toBeLessThanOrEqual(done.totalMs);
      // Both are rounded to whole milliseconds, so compare with the wall clock rounded the same way.
      expect(done.totalMs).toBeLessThanOrEqual(Math.round(wallMs));
      expect(done.meta).toMatchObject({ ttftMs: done.ttftMs, totalMs: done.totalMs });
      expect(done.meta.attempts.length).toBeGreaterThanOrEqual(1);
      expect(done.meta.recommendationIds).toEqual([recs!.recommendationId]);
    });

    it('answers a repeated clientMsgId with the same seq and stores one message', async (context) => {
      if (!server) return context.skip();
      const client = await guestClient();
      const session = await newSession(client);
      const payload = { sessionId: session.id, clientMsgId: 'same', text: 'calm music to study' };
      const [first, second] = await Promise.all([
        client.ok('message:send', payload),
        client.ok('message:send', payload),
      ]);
      const third = await client.ok('message:send', payload);
      expect(second).toEqual(first);
      expect(third).toEqual(first);
      await client.waitFor('turn:done');
      const stored = await storedMessages(client, session.id);
      expect(stored.filter((message) => message.role === 'user')).toHaveLength(1);
      expect(client.of('turn:done')).toHaveLength(1);
    });

    it('lets a client that dropped mid-turn catch up with session:join afterSeq', async (context) => {
      if (!server) return context.skip();
      const { token } = await ready().guest();
      const first = await ready().connect(token);
      const session = await newSession(first);
      const ack = await first.ok('message:send', { sessionId: session.id, clientMsgId: 'c1', text: UPBEAT });
      await first.waitFor('turn:delta');
      first.socket.disconnect();

      const second = await ready().connect(token);
      const assistant = await waitForAssistant(second, session.id, ack.seq);
      const joined = await second.ok('session:join', { sessionId: session.id, afterSeq: ack.seq - 1 });
      expect(joined.messages.map((message) => message.seq)).toEqual([ack.seq, assistant.seq]);
      expect(joined.messages[1]?.text.length).toBeGreaterThan(20);
      expect(joined.messages[1]?.meta?.finishReason).not.toBe('cancelled');
      const shownBeforeDrop = first.of('turn:recs')[0]!;
      expect(joined.recommendations).toEqual([
        {
          recommendationId: shownBeforeDrop.recommendationId,
          turnId: shownBeforeDrop.turnId,
          tracks: expect.any(Array),
          opinions: {},
        },
      ]);
      expect(joined.recommendations[0]!.tracks.map((track) => track.id)).toEqual(
        shownBeforeDrop.tracks.map((track) => track.id),
      );
    });

    it('refuses to let a listener join or write another listener’s session', async (context) => {
      if (!server) return context.skip();
      const owner = await guestClient();
      const intruder = await guestClient();
      const session = await newSession(owner);
      for (const [event, payload] of [
        ['session:join', { sessionId: session.id }],
        ['message:send', { sessionId: session.id, clientMsgId: 'x', text: 'hi' }],
        ['turn:cancel', { sessionId: session.id, turnId: 't' }],
      ] as const) {
        const response = await intruder.request(event, payload);
        expect(response).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
      const typing = await intruder.request('typing', { sessionId: session.id, on: true });
      expect(typing).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    });

    it('answers invalid payloads for every event with code invalid and a named field', async (context) => {
      if (!server) return context.skip();
      const client = await guestClient();
      const cases = [
        ['session:create', { title: 5 }, 'title'],
        ['session:join', { sessionId: '' }, 'sessionId'],
        ['session:join', { sessionId: 's', afterSeq: -1 }, 'afterSeq'],
        ['message:send', { sessionId: 's', clientMsgId: 'c', text: '' }, 'text'],
        ['message:send', { sessionId: 's', clientMsgId: 'c', text: 'x'.repeat(4001) }, 'text'],
        ['message:send', 'just a string', '(root)'],
        ['turn:cancel', { sessionId: 's' }, 'turnId'],
        ['feedback', { recommendationId: 'r', trackId: 't', signal: 'love' }, 'signal'],
        ['typing', { sessionId: 's', on: 'yes' }, 'on'],
        ['session:create', { title: 'ok', extra: true }, 'extra'],
      ] as const;
      for (const [event, payload, field] of cases) {
        const response = await client.request(event, payload);
        expect(response.ok, `${event} ${JSON.stringify(payload).slice(0, 60)}`).toBe(false);
        if (!response.ok) {
          expect(response.error.code).toBe('invalid');
          expect(response.error.message).toContain(field);
        }
      }
      expect(client.socket.connected).toBe(true);
    });

    it('stops a turn on turn:cancel, keeping the partial answer', async (context) => {
      if (!server) return context.skip();
      const client = await guestClient();
      const session = await newSession(client);
      await client.ok('message:send', { sessionId: session.id, clientMsgId: 'k1', text: UPBEAT });
      const delta = await client.waitFor('turn:delta');
      const cancel = await client.ok('turn:cancel', { sessionId: session.id, turnId: delta.turnId });
      expect(cancel.cancelled).toBe(true);
      const error = await client.waitFor('turn:error');
      expect(error).toMatchObject({ turnId: delta.turnId, code: 'cancelled', retryable: false });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(client.of('turn:done')).toHaveLength(0);
      const assistant = (await storedMessages(client, session.id)).find(
        (message) => message.role === 'assistant',
      );
      expect(assistant?.meta?.finishReason).toBe('cancelled');
    });

    it('records feedback only for the listener’s own recommendations', async (context) => {
      if (!server) return context.skip();
      const client = await guestClient();
      const session = await newSession(client);
      await client.ok('message:send', { sessionId: session.id, clientMsgId: 'f1', text: UPBEAT });
      const recs = await client.waitFor('turn:recs');
      const trackId = recs.tracks[0]!.id;
      const liked = await client.ok('feedback', {
        recommendationId: recs.recommendationId,
        trackId,
        signal: 'like',
      });
      expect(liked.feedbackId).toMatch(/\S+/);
      const intruder = await guestClient();
      const foreign = await intruder.request('feedback', {
        recommendationId: recs.recommendationId,
        trackId,
        signal: 'dislike',
      });
      expect(foreign).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const wrongTrack = await client.request('feedback', {
        recommendationId: recs.recommendationId,
        trackId: 'not-in-it',
        signal: 'like',
      });
      expect(wrongTrack).toMatchObject({ ok: false, error: { code: 'invalid' } });
    });

    it('shows the latest like or dislike of each card on join, and clear withdraws it', async (context) => {
      if (!server) return context.skip();
      const client = await guestClient();
      const session = await newSession(client);
      await client.ok('message:send', { sessionId: session.id, clientMsgId: 'o1', text: UPBEAT });
      const recs = await client.waitFor('turn:recs');
      await client.waitFor('turn:done');
      const [first, second] = recs.tracks.map((track) => track.id) as [string, string];
      const give = (trackId: string, signal: string) =>
        client.ok('feedback', { recommendationId: recs.recommendationId, trackId, signal });
      const opinions = async () => {
        const joined = await client.ok('session:join', { sessionId: session.id });
        return joined.recommendations.find((card) => card.recommendationId === recs.recommendationId)
          ?.opinions;
      };
      await give(first, 'like');
      expect(await opinions()).toEqual({ [first]: 'like' });
      await give(first, 'dislike');
      await give(second, 'like');
      // A play is no opinion: it leaves the standing one as it is.
      await give(second, 'play');
      expect(await opinions()).toEqual({ [first]: 'dislike', [second]: 'like' });
      await give(first, 'clear');
      expect(await opinions()).toEqual({ [second]: 'like' });
      await give(first, 'like');
      expect(await opinions()).toEqual({ [first]: 'like', [second]: 'like' });
    });

    it('does not recommend the same track twice in one session', async (context) => {
      if (!server) return context.skip();
      const client = await guestClient();
      const session = await newSession(client);
      await client.ok('message:send', { sessionId: session.id, clientMsgId: 'e1', text: UPBEAT });
      await client.waitFor('turn:done');
      await client.ok('message:send', { sessionId: session.id, clientMsgId: 'e2', text: UPBEAT });
      await client.waitFor('turn:done', (done) => done.message.seq === 4);
      const [first, second] = client.of('turn:recs');
      const firstIds = new Set(first!.tracks.map((track) => track.id));
      expect(second!.tracks.some((track) => firstIds.has(track.id))).toBe(false);
    });
  });
}

async function storedMessages(client: TestClient, sessionId: string): Promise<Message[]> {
  return (await client.ok('session:join', { sessionId, afterSeq: 0 })).messages;
}

async function waitForAssistant(client: TestClient, sessionId: string, afterSeq: number): Promise<Message> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const messages = await storedMessages(client, sessionId);
    const found = messages.find((message) => message.role === 'assistant' && message.seq > afterSeq);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the assistant message never arrived');
}

/** The median energy of the bundled catalog a fresh server seeds itself with. */
function bundledMedianEnergy(): number {
  const energies = bundledCatalog()
    .map((track) => track.features.energy)
    .sort((a, b) => a - b);
  return energies[Math.floor(energies.length / 2)] ?? 0.5;
}
