import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/index.js';
import { openSqliteDatabase } from '../../src/store/sqlite/sqlite-database.js';
import { applySqliteMigrations, sqliteMigrations } from '../../src/store/sqlite/sqlite-migrations.js';
import { describeStoreContract } from './store-contract.js';
import { makeTrack } from './store-fixtures.js';

describeStoreContract('sqlite in memory', () => createSqliteStore({ path: ':memory:' }));

const directory = mkdtempSync(join(tmpdir(), 'echotune-sqlite-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let fileNumber = 0;
describeStoreContract('sqlite file', () => {
  fileNumber += 1;
  return createSqliteStore({ path: join(directory, `store-${fileNumber}.db`) });
});

describe('sqlite file store', () => {
  it('keeps data across reopening and runs in WAL mode', async () => {
    const path = join(directory, 'nested', 'reopen.db');
    const first = await createSqliteStore({ path });
    const session = await first.createSession({ userId: 'u1', title: 'kept' });
    await first.appendMessage({ sessionId: session.id, role: 'user', text: 'hello', clientMsgId: 'c1' });
    expect(existsSync(`${path}-wal`)).toBe(true);
    await first.close();
    const second = await createSqliteStore({ path });
    expect((await second.getSession(session.id))?.lastSeq).toBe(1);
    const repeat = await second.appendMessage({
      sessionId: session.id,
      role: 'user',
      text: 'hello',
      clientMsgId: 'c1',
    });
    expect(repeat.created).toBe(false);
    await second.close();
  });
});

describe('sqlite file shared by two stores', () => {
  it('interleaved appends through two connections get distinct consecutive seqs', async () => {
    const path = join(directory, 'shared.db');
    const [first, second] = await Promise.all([createSqliteStore({ path }), createSqliteStore({ path })]);
    const session = await first.createSession({ userId: 'u1', title: 'shared' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? first : second).appendMessage({
          sessionId: session.id,
          role: 'user',
          text: `m${index}`,
        }),
      ),
    );
    const seqs = results.map((result) => result.message.seq).sort((left, right) => left - right);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    await Promise.all([first.close(), second.close()]);
  });

  it('a database that cannot be opened fails as unavailable', async () => {
    // A file where the database's directory should be: mkdir and open both fail.
    const blocker = join(directory, 'not-a-directory');
    writeFileSync(blocker, '');
    const failure = await createSqliteStore({ path: join(blocker, 'x.db') })
      .then(() => null)
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'unavailable', retryable: true });
  });
});

describe('sqlite migrations', () => {
  it('version 2 drops the text-search column of a version-1 database and keeps its tracks', async () => {
    const path = join(directory, 'version-1.db');
    const database = openSqliteDatabase(path);
    applySqliteMigrations(database, sqliteMigrations.slice(0, 1));
    database
      .prepare(
        `INSERT INTO tracks (id, name, artists, album, release_date, genres, popularity, duration_ms, explicit,
           features, estimated, search_text) VALUES ('t1', 'Old', '["A"]', 'X', NULL, '[]', 5, 1000, 0, ?, 0, 'old a')`,
      )
      .run(JSON.stringify(makeTrack('t1').features));
    database.close();

    const store = await createSqliteStore({ path });
    expect((await store.getTracks(['t1']))[0]).toMatchObject({ id: 't1', name: 'Old', artists: ['A'] });
    await store.upsertTracks([makeTrack('t2')]);
    expect(await store.countTracks()).toBe(2);
    await store.close();
    const reopened = openSqliteDatabase(path);
    const columns = reopened.prepare('PRAGMA table_info(tracks)').all() as { name: string }[];
    expect(columns.map((column) => column.name)).not.toContain('search_text');
    reopened.close();
  });
});

describe('sqlite migration 4', () => {
  it('a version-3 database gains the site-keys table and keeps its sessions', async () => {
    const path = join(directory, 'version-3.db');
    const database = openSqliteDatabase(path);
    applySqliteMigrations(
      database,
      sqliteMigrations.filter((migration) => migration.version <= 3),
    );
    database
      .prepare(
        `INSERT INTO sessions (id, user_id, title, created_at, updated_at, last_seq)
         VALUES ('s1', 'u1', 'old', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 0)`,
      )
      .run();
    database.close();

    const store = await createSqliteStore({ path });
    expect(await store.getSession('s1')).toMatchObject({ title: 'old' });
    const key = await store.createSiteKey({ name: 'shop', origins: ['https://shop.example'] });
    expect(await store.listSiteKeys()).toEqual([key]);
    await store.close();
  });
});

describe('sqlite migration 5', () => {
  it('plays of a version-4 database read with the new fields, short ones as possible skips', async () => {
    const path = join(directory, 'version-4.db');
    const database = openSqliteDatabase(path);
    applySqliteMigrations(
      database,
      sqliteMigrations.filter((migration) => migration.version <= 4),
    );
    const insert = database.prepare(
      `INSERT INTO listening_history (user_id, track_id, track_name, artist_name, played_at, ms_played, source)
       VALUES ('u1', NULL, ?, 'A', ?, ?, 'account')`,
    );
    insert.run('long', '2024-01-01T10:00:00.000Z', 200_000);
    insert.run('short', '2024-01-01T11:00:00.000Z', 4_000);
    database.close();

    const store = await createSqliteStore({ path });
    const plays = await store.listListeningHistory({ userId: 'u1' }, { limit: 10 });
    expect(
      plays.items.map(({ trackName, signal, incognito, albumName, genre }) => ({
        trackName,
        signal,
        incognito,
        albumName,
        genre,
      })),
    ).toEqual([
      { trackName: 'short', signal: 'weak-skip', incognito: false, albumName: null, genre: null },
      { trackName: 'long', signal: 'neutral', incognito: false, albumName: null, genre: null },
    ]);
    expect((await store.listeningStats({ userId: 'u1' })).skips).toBe(1);
    await store.close();
  });
});

describe('sqlite migration 7', () => {
  it('a version-6 database gains Spotify links and pending sign-ins and keeps its plays', async () => {
    const path = join(directory, 'version-6.db');
    const database = openSqliteDatabase(path);
    applySqliteMigrations(
      database,
      sqliteMigrations.filter((migration) => migration.version <= 6),
    );
    database
      .prepare(
        `INSERT INTO listening_history (user_id, track_id, track_name, artist_name, played_at, ms_played, source)
         VALUES ('u1', NULL, 'kept', 'A', '2024-01-01T10:00:00.000Z', 200000, 'account')`,
      )
      .run();
    database.close();

    const store = await createSqliteStore({ path });
    expect((await store.listListeningHistory({ userId: 'u1' }, { limit: 10 })).items).toHaveLength(1);
    const link = await store.linkSpotifyAccount({
      userId: 'u1',
      spotifyUserId: 'sp1',
      displayName: null,
      accessToken: 'v1.k.a',
      refreshToken: 'v1.k.r',
      expiresAt: 1,
      scope: '',
    });
    expect(await store.findBySpotifyUser('sp1')).toEqual(link);
    await store.savePendingSignIn({
      state: 's',
      userId: 'u1',
      verifier: 'v',
      expiresAt: Date.now() + 60_000,
    });
    expect(await store.takePendingSignIn('s')).toMatchObject({ userId: 'u1' });
    await store.close();
  });
});

describe('sqlite migration 8', () => {
  it('usage rows of a version-7 database read as reported; new rows keep their estimated mark', async () => {
    const path = join(directory, 'version-7.db');
    const database = openSqliteDatabase(path);
    applySqliteMigrations(
      database,
      sqliteMigrations.filter((migration) => migration.version <= 7),
    );
    database
      .prepare(
        `INSERT INTO usage (id, user_id, session_id, turn_id, deployment_id, provider, model, input_tokens,
           output_tokens, cost_usd, created_at)
         VALUES ('old', 'u1', 's1', 't1', 'd1', 'openai', 'gpt', 10, 5, 0.5, ?)`,
      )
      .run(new Date().toISOString());
    database.close();

    const store = await createSqliteStore({ path });
    await store.recordUsage({
      userId: 'u1',
      sessionId: 's1',
      turnId: 't2',
      deploymentId: 'd1',
      provider: 'openai',
      model: 'gpt',
      inputTokens: 10,
      outputTokens: 5,
      costUsd: 0.25,
      estimated: true,
    });
    expect(await store.sumUsageCost('u1', new Date(Date.now() - 60_000))).toBeCloseTo(0.75, 10);
    await store.close();
    const reopened = openSqliteDatabase(path);
    const marks = reopened.prepare('SELECT turn_id, estimated FROM usage ORDER BY turn_id').all();
    reopened.close();
    expect(marks).toEqual([
      { turn_id: 't1', estimated: 0 },
      { turn_id: 't2', estimated: 1 },
    ]);
  });
});
