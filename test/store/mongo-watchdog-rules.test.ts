import { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { EchoError } from '../../src/errors.js';
import { type MongoConnection, MongoWatchdog } from '../../src/store/mongo/mongo-watchdog.js';

/** A connection whose ping answers as told and whose close is counted (the rules need nothing else). */
function connection(name: string, ping: () => Promise<unknown>) {
  const state = { name, closed: 0, forced: false };
  const value = {
    db: { command: ping, databaseName: name },
    client: {
      close: async (force?: boolean) => {
        state.closed += 1;
        state.forced = force === true;
      },
    },
  } as unknown as MongoConnection;
  return { value, state };
}

const answers = () => Promise.resolve({ ok: 1 });
const never = () => new Promise<never>(() => undefined);
const networkFailure = () => Promise.reject(new Error('connection 4 to 127.0.0.1:1 closed'));
const STALL_MS = 40;
const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

function watchdogOver(first: MongoConnection, connect: () => Promise<MongoConnection>) {
  const replacedWith: string[] = [];
  const watchdog = new MongoWatchdog({
    first,
    connect,
    onReplaced: (db) => replacedWith.push(db.databaseName),
    stallMs: STALL_MS,
    pingTimeoutMs: 20,
    checkEveryMs: 60_000,
  });
  return { watchdog, replacedWith };
}

/** A watchdog over a client that answers, counting the new clients it connects. */
function countingConnects() {
  let connects = 0;
  const { watchdog } = watchdogOver(connection('current', answers).value, async () => {
    connects += 1;
    return connection('fresh', answers).value;
  });
  return { watchdog, connects: () => connects };
}

describe('the MongoDB watchdog', () => {
  it('replaces a client whose operations fail while a new one reaches the server', async () => {
    const stale = connection('stale', answers);
    const fresh = connection('fresh', answers);
    const { watchdog, replacedWith } = watchdogOver(stale.value, async () => fresh.value);
    await expect(watchdog.track(networkFailure)).rejects.toThrow('closed');
    await pause(STALL_MS + 5);
    await watchdog.judge();
    expect(replacedWith).toEqual(['fresh']);
    expect(watchdog.db.databaseName).toBe('fresh');
    expect(watchdog.replacements).toBe(1);
    expect(stale.state).toMatchObject({ closed: 1, forced: true });
    // The new client starts with a clean slate: nothing to judge until it too goes quiet.
    await watchdog.judge();
    expect(watchdog.replacements).toBe(1);
    await watchdog.close();
  });

  it('leaves the client alone while the server is down for a new client too', async () => {
    const current = connection('current', answers);
    const { watchdog } = watchdogOver(current.value, () => Promise.reject(new Error('unreachable')));
    await expect(watchdog.track(networkFailure)).rejects.toThrow();
    await pause(STALL_MS + 5);
    await watchdog.judge();
    expect(watchdog.replacements).toBe(0);
    expect(current.state.closed).toBe(0);
    await watchdog.close();
  });

  it('never judges an idle store, or one whose operations succeed', async () => {
    const { watchdog, connects } = countingConnects();
    await pause(STALL_MS + 5);
    await watchdog.judge();
    await watchdog.track(answers);
    await watchdog.judge();
    expect(connects()).toBe(0);
    await watchdog.close();
  });

  it('counts answers the server or the adapter gave as errors as signs of life', async () => {
    const { watchdog, connects } = countingConnects();
    await expect(watchdog.track(networkFailure)).rejects.toThrow();
    await expect(
      watchdog.track(() => Promise.reject(new MongoServerError({ message: 'E11000', code: 11000 }))),
    ).rejects.toThrow('E11000');
    await expect(watchdog.track(() => Promise.reject(new EchoError('not_found', 'gone')))).rejects.toThrow();
    await pause(STALL_MS + 5);
    await watchdog.judge();
    expect(connects()).toBe(0);
    await watchdog.close();
  });

  it('keeps a client with a slow operation when its own ping answers, and replaces one that hangs', async () => {
    const slow = connection('slow', answers);
    const healthy = watchdogOver(slow.value, async () => connection('fresh', answers).value);
    void healthy.watchdog.track(never);
    await pause(STALL_MS + 5);
    await healthy.watchdog.judge();
    expect(healthy.watchdog.replacements).toBe(0);

    const hung = watchdogOver(
      connection('hung', never).value,
      async () => connection('fresh', answers).value,
    );
    void hung.watchdog.track(never);
    await pause(STALL_MS + 5);
    await hung.watchdog.judge();
    expect(hung.replacedWith).toEqual(['fresh']);
    await Promise.all([healthy.watchdog.close(), hung.watchdog.close()]);
  });
});
