import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientEventName, clientPayloadSchemas, feedbackSignals } from '../../src/protocol/index.js';
import { startTestServer, TestClient, type TestServer } from '../support/echotune-server.js';
import {
  ackSchema,
  anyValue,
  assertShape,
  checkHealthMidRun,
  errorPayloadSchema,
  fuzzServerEnv,
  HEALTH_BUDGET_MS,
  healthLatencyMs,
  hostileKeys,
  hostileString,
  hugeNumber,
  mutated,
  prototypeKeys,
  watchProcessFaults,
} from './fuzz-support.js';

const EVENT_RUNS = 5_000;
const HANDSHAKE_RUNS = 150;
/** /health is asked this often during the run; it must answer within HEALTH_BUDGET_MS each time. */
const HEALTH_EVERY = 250;

const events = Object.keys(clientPayloadSchemas) as ClientEventName[];

/** What the listener owns, so near-valid payloads reach past validation into the handlers. */
interface Fixtures {
  token: string;
  sessionId: string;
  turnId: string;
  recommendationId: string;
  trackIds: string[];
}

function validPayload(event: ClientEventName, f: Fixtures): fc.Arbitrary<Record<string, unknown>> {
  const sessionId = fc.constantFrom(f.sessionId, randomUUID());
  switch (event) {
    case 'session:create':
      return fc.record({ title: fc.string({ minLength: 1, maxLength: 30 }) }, { requiredKeys: [] });
    case 'session:join':
      return fc.record({ sessionId, afterSeq: fc.nat(20) }, { requiredKeys: ['sessionId'] });
    case 'message:send':
      return fc.record({
        sessionId,
        clientMsgId: fc.uuid(),
        text: fc.constantFrom('calm piano for reading', 'something upbeat', 'more like that'),
      });
    case 'turn:cancel':
      return fc.record({ sessionId, turnId: fc.constantFrom(f.turnId, randomUUID()) });
    case 'feedback':
      return fc.record({
        recommendationId: fc.constantFrom(f.recommendationId, randomUUID()),
        trackId: fc.constantFrom(...f.trackIds, 'no-such-track'),
        signal: fc.constantFrom(...feedbackSignals),
      });
    case 'typing':
      return fc.record({ sessionId, on: fc.boolean() });
    case 'auth:refresh':
      return fc.record({ token: fc.constantFrom(f.token, `${f.token}x`) });
  }
}

/** One client event as a fuzzer sends it: any value, or a valid shape with one thing wrong. */
function payloadFor(event: ClientEventName, f: Fixtures): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: validPayload(event, f).chain(mutated) },
    { weight: 2, arbitrary: anyValue },
    { weight: 1, arbitrary: fc.oneof(hostileString, hugeNumber, fc.uint8Array({ maxLength: 64 })) },
  );
}

type Form = 'ack' | 'extra-args' | 'no-payload' | 'no-ack';
interface FuzzEvent {
  event: ClientEventName;
  payload: unknown;
  form: Form;
  extras: unknown[];
}

function fuzzEvent(f: Fixtures): fc.Arbitrary<FuzzEvent> {
  return fc.constantFrom(...events).chain((event) =>
    fc.record({
      event: fc.constant(event),
      payload: payloadFor(event, f),
      form: fc.constantFrom<Form>('ack', 'ack', 'ack', 'extra-args', 'no-payload', 'no-ack'),
      extras: fc.array(anyValue, { minLength: 1, maxLength: 3 }),
    }),
  );
}

/**
 * Emits with an ack; null when socket.io-client cannot encode the arguments (its binary encoder copies
 * objects by assignment, so an own `__proto__` key beside a typed array throws before anything is sent).
 */
function emitWithAck(client: TestClient, event: string, args: unknown[]): Promise<unknown> | null {
  let answered: (response: unknown) => void = () => undefined;
  const ack = new Promise<unknown>((resolve) => {
    answered = resolve;
  });
  try {
    client.socket.timeout(5_000).emit(event, ...args, (error: Error | null, response: unknown) => {
      answered(error === null ? response : { timedOut: error.message });
    });
  } catch {
    return null;
  }
  return ack;
}

/** Sends it; resolves with the acks it got (a missing-ack emit is followed by a probe that must answer). */
async function send(client: TestClient, sent: FuzzEvent): Promise<{ acks: unknown[]; payloads: number }> {
  if (sent.form === 'no-ack') {
    try {
      client.socket.emit(sent.event, sent.payload);
    } catch {
      return { acks: [], payloads: 0 };
    }
    const probe = await emitWithAck(client, 'typing', [{ sessionId: 'not-joined', on: true }]);
    return { acks: [probe], payloads: 2 };
  }
  const args = {
    ack: [sent.payload],
    'extra-args': [sent.payload, ...sent.extras],
    'no-payload': [],
  }[sent.form];
  const ack = emitWithAck(client, sent.event, args);
  return ack === null ? { acks: [], payloads: 0 } : { acks: [await ack], payloads: 1 };
}

function withTimeout<T>(promise: Promise<T>, ms = 5_000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);
}

function describeEvent(sent: FuzzEvent): string {
  let payload: string;
  try {
    payload = JSON.stringify(sent.payload)?.slice(0, 300) ?? String(sent.payload);
  } catch {
    payload = String(sent.payload);
  }
  return `${sent.event} (${sent.form}) ${payload}`;
}

describe('fuzz: every client socket event', () => {
  let server: TestServer;
  let client: TestClient;
  let fixtures: Fixtures;
  const faults = watchProcessFaults();
  const prototypesBefore = prototypeKeys();
  const counted = { payloads: 0, healthChecks: 0, slowestHealthMs: 0, answered: new Map<string, number>() };

  beforeAll(async () => {
    server = await startTestServer(fuzzServerEnv);
    const { token } = await server.guest();
    client = await server.connect(token);
    const { session } = await client.ok('session:create', {});
    await client.ok('message:send', { sessionId: session.id, clientMsgId: 'fixture', text: 'calm piano' });
    const recs = await client.waitFor('turn:recs');
    await client.waitFor('turn:done');
    fixtures = {
      token,
      sessionId: session.id,
      turnId: recs.turnId,
      recommendationId: recs.recommendationId,
      trackIds: recs.tracks.map((track) => track.id),
    };
  });

  afterAll(async () => {
    faults.stop();
    await server?.stop();
  });

  it(`answers ${EVENT_RUNS} generated events in the documented shape and stays connected`, async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fuzzEvent(fixtures), async (sent) => {
        const { acks, payloads } = await send(client, sent);
        counted.payloads += payloads;
        for (const ack of acks) {
          assertShape(ackSchema, ack, describeEvent(sent));
          const outcome = (ack as { ok: boolean; error?: { code: string } }).error?.code ?? 'ok';
          counted.answered.set(outcome, (counted.answered.get(outcome) ?? 0) + 1);
        }
        if (!client.socket.connected) throw new Error(`disconnected after ${describeEvent(sent)}`);
        if (counted.payloads % HEALTH_EVERY < payloads) await checkHealthMidRun(server.url, counted);
      }),
      { numRuns: EVENT_RUNS },
    );
    console.info(
      `socket fuzz: ${counted.payloads} payloads in ${Math.round(performance.now() - started)} ms, ` +
        `slowest /health ${Math.round(counted.slowestHealthMs)} ms over ${counted.healthChecks} checks; ` +
        `acks ${[...counted.answered].map(([outcome, n]) => `${outcome}×${n}`).join(' ')}`,
    );
    expect(counted.payloads).toBeGreaterThanOrEqual(EVENT_RUNS);
  }, 120_000);

  it(`refuses ${HANDSHAKE_RUNS} generated handshakes with the documented connect error`, async () => {
    await fc.assert(
      fc.asyncProperty(
        // The auth must be an object: socket.io itself drops a connection whose CONNECT carries anything else.
        fc.oneof(
          fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...hostileKeys)), anyValue),
          hostileString.map((token) => ({ token })),
          anyValue.map((token) => ({ token })),
        ),
        async (auth) => {
          counted.payloads += 1;
          const refusal = await withTimeout(TestClient.connect(server.url, undefined, { auth })).then(
            (connected) => {
              connected.socket.disconnect();
              return null;
            },
            (error: { data?: unknown }) => error.data,
          );
          expect(refusal, JSON.stringify(auth)?.slice(0, 200)).not.toBeNull();
          assertShape(errorPayloadSchema, refusal, `handshake ${JSON.stringify(auth)?.slice(0, 200)}`);
        },
      ),
      { numRuns: HANDSHAKE_RUNS },
    );
  });

  it('refuses an event far over the size limit in the documented way, and others stay connected', async () => {
    const ack = await client.request('message:send', {
      sessionId: fixtures.sessionId,
      clientMsgId: 'big',
      text: 'x'.repeat(70_000),
    });
    counted.payloads += 1;
    expect(ack).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    expect(client.socket.connected).toBe(true);
  });

  it('ran the turns that fuzzed messages started without an internal failure', () => {
    const failures = client.of('turn:error').filter((error) => error.code === 'internal');
    expect(failures).toEqual([]);
    expect(client.of('turn:done').length).toBeGreaterThan(1);
  });

  it('is still healthy afterwards: /health answers 200 quickly and a normal chat turn still works', async () => {
    expect(await healthLatencyMs(server.url)).toBeLessThan(HEALTH_BUDGET_MS);
    const fresh = await server.connect(fixtures.token);
    const { session } = await fresh.ok('session:create', {});
    const sent = await fresh.ok('message:send', {
      sessionId: session.id,
      clientMsgId: randomUUID(),
      text: 'upbeat songs for a morning run',
    });
    const done = await fresh.waitFor('turn:done', ({ sessionId }) => sessionId === session.id, 20_000);
    expect(done.message.meta?.replyTo).toBe(sent.messageId);
    expect(done.message.text.length).toBeGreaterThan(0);
  });

  it('saw no unhandled rejection and no process warning (a listener leak is one)', () => {
    expect(faults.rejections).toEqual([]);
    expect(faults.warnings).toEqual([]);
  });

  it('left the shared prototypes as they were (no payload polluted them)', () => {
    expect(prototypeKeys()).toEqual(prototypesBefore);
  });
});
