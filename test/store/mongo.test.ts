import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { EchoError } from '../../src/errors.js';
import { createMongoStore } from '../../src/store/mongo/index.js';
import { startFerretDb } from '../support/ferretdb.js';
import { describeStoreContract } from './store-contract.js';

// MongoDB proper cannot be installed on these machines; FerretDB speaks its wire protocol.
const ferret = await startFerretDb();
afterAll(async () => {
  await ferret?.stop();
});

let databaseNumber = 0;
function mongoConfig(uri: string, database: string) {
  return { MONGODB_URI: uri, MONGODB_DB: database, MONGODB_TIMEOUT_MS: 5_000, MONGODB_MAX_POOL_SIZE: 20 };
}

describeStoreContract(
  'mongo (FerretDB)',
  () => {
    databaseNumber += 1;
    // A database per test keeps tests independent; FerretDB's temp dir goes away with it.
    return createMongoStore({ config: mongoConfig(ferret!.uri, `contract_${databaseNumber}`) });
  },
  { skip: ferret === null },
);

describe.skipIf(ferret === null)('mongo connection', () => {
  it('applies migrations once: a second store on the same database starts cleanly', async () => {
    const config = mongoConfig(ferret!.uri, 'migrations_twice');
    const first = await createMongoStore({ config });
    const session = await first.createSession({ userId: 'u1', title: 'kept' });
    const second = await createMongoStore({ config });
    expect(await second.getSession(session.id)).toEqual(session);
    await Promise.all([first.close(), second.close()]);
  });

  it('takes the database name from the URI path when MONGODB_DB is not set', async () => {
    const store = await createMongoStore({
      config: { ...mongoConfig(`${ferret!.uri}from_path`, 'ignored'), MONGODB_DB: undefined },
    });
    const session = await store.createSession({ userId: 'u1', title: 'in from_path' });
    const reader = await createMongoStore({ config: mongoConfig(ferret!.uri, 'from_path') });
    expect(await reader.getSession(session.id)).toEqual(session);
    await Promise.all([store.close(), reader.close()]);
  });
});

describe('mongo connection failures', () => {
  it('an unreachable server fails fast as unavailable, naming the host and never the password', async () => {
    const started = Date.now();
    const failure = await createMongoStore({
      config: {
        MONGODB_URI: 'mongodb://echo:s3cret-pass@127.0.0.1:9/echotune',
        MONGODB_DB: undefined,
        MONGODB_TIMEOUT_MS: 300,
        MONGODB_MAX_POOL_SIZE: 5,
      },
    }).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failure).toBeInstanceOf(EchoError);
    expect(failure).toMatchObject({ code: 'unavailable', retryable: true });
    const error = failure as EchoError;
    expect(error.message).toContain('127.0.0.1:9');
    const everything = `${error.message} ${String(error.cause)} ${JSON.stringify(error)}`;
    expect(everything).not.toContain('s3cret-pass');
  });
});

describe.skipIf(ferret === null)('mongo catch-up reads', () => {
  it('stop before a gap in seqs that an append in flight may still fill, and pass an old gap', async () => {
    const config = mongoConfig(ferret!.uri, 'gaps');
    const store = await createMongoStore({ config });
    const session = await store.createSession({ userId: 'u1', title: 'gaps' });
    await store.appendMessage({ sessionId: session.id, role: 'user', text: 'one' });
    const client = new MongoClient(ferret!.uri);
    const messages = client.db('gaps').collection<{ _id: string } & Record<string, unknown>>('messages');
    // Seq 3 is visible while seq 2 is still being appended elsewhere.
    const pending = {
      _id: 'third',
      sessionId: session.id,
      seq: 3,
      role: 'user',
      text: 'three',
      clientMsgId: null,
    };
    await messages.insertOne({
      ...pending,
      clientMsgKey: 'message:third',
      createdAt: new Date().toISOString(),
      meta: null,
    });
    const early = await store.listMessages(session.id, { afterSeq: 0, limit: 10 });
    expect(early).toMatchObject({ items: [{ seq: 1 }], nextCursor: null });
    // Long after, the gap is permanent (the append that held seq 2 gave it up) and reads pass it.
    const old = new Date(Date.now() - 60_000).toISOString();
    await messages.updateOne({ _id: 'third' }, { $set: { createdAt: old } });
    const later = await store.listMessages(session.id, { afterSeq: 0, limit: 10 });
    expect(later.items.map((message) => message.seq)).toEqual([1, 3]);
    await client.close();
    await store.close();
  });
});
