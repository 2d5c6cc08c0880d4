import { describe, expect, it } from 'vitest';
import { EchoError } from '../../src/errors.js';
import { clampLimit, decodeCursor, encodeCursor, maxPageSize } from '../../src/store/cursor.js';
import { newId } from '../../src/store/ids.js';
import { databaseNameFor, describeHosts } from '../../src/store/mongo/mongo-connection.js';
import type { MessageDocument } from '../../src/store/mongo/mongo-documents.js';
import { settledMessages } from '../../src/store/mongo/settled-messages.js';
import { guard } from '../../src/store/store-failure.js';

describe('page cursors', () => {
  it('round-trip the sort key and reject anything that does not fit the expected shape', () => {
    const cursor = encodeCursor(['2024-01-01T00:00:00.000Z', 42]);
    expect(decodeCursor(cursor, ['string', 'number'] as const)).toEqual(['2024-01-01T00:00:00.000Z', 42]);
    expect(() => decodeCursor(cursor, ['string', 'string'] as const)).toThrow(EchoError);
    expect(() => decodeCursor('%%%', ['string'] as const)).toThrow(/cursor/);
  });

  it('clamp page sizes to 1..maxPageSize', () => {
    expect(clampLimit(0)).toBe(1);
    expect(clampLimit(25.7)).toBe(25);
    expect(clampLimit(1e9)).toBe(maxPageSize);
    expect(clampLimit(Number.NaN)).toBe(maxPageSize);
  });
});

describe('ids', () => {
  it('are UUIDv7 and sort in creation order within one process, even within one millisecond', () => {
    const ids = Array.from({ length: 2000 }, () => newId(1_700_000_000_000));
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('guard', () => {
  it('turns backend failures into retryable unavailable errors and lets deliberate EchoErrors through', async () => {
    const failure = await guard('getSession', () => {
      throw new Error('disk I/O error');
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'unavailable',
      retryable: true,
      message: expect.stringContaining('getSession'),
    });
    expect((failure as EchoError).cause).toBeInstanceOf(Error);
    await expect(guard('x', () => Promise.reject(new EchoError('not_found')))).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

describe('MongoDB connection strings', () => {
  it('describe only the hosts, never user or password', () => {
    expect(describeHosts('mongodb://user:p%40ss@db1:27017,db2:27018/echotune?replicaSet=rs0')).toBe(
      'db1:27017,db2:27018',
    );
    expect(describeHosts('mongodb+srv://u:secret@cluster0.example.net/?retryWrites=true')).toBe(
      'cluster0.example.net',
    );
    expect(describeHosts('mongodb://localhost')).toBe('localhost');
  });

  it('take the database from MONGODB_DB, else the URI path, else echotune', () => {
    expect(databaseNameFor('mongodb://h/fromPath', 'configured')).toBe('configured');
    expect(databaseNameFor('mongodb://u:p@h1,h2/fromPath?authSource=admin')).toBe('fromPath');
    expect(databaseNameFor('mongodb://h/?x=1')).toBe('echotune');
    expect(databaseNameFor('mongodb://h')).toBe('echotune');
  });
});

describe('settled messages', () => {
  const message = (seq: number, ageMs: number, now: number): MessageDocument => ({
    _id: `m${seq}`,
    sessionId: 's',
    seq,
    role: 'user',
    text: '',
    clientMsgId: null,
    clientMsgKey: `message:m${seq}`,
    createdAt: new Date(now - ageMs).toISOString(),
    meta: null,
  });

  it('stop at a recent gap, pass an old one, and need no gap before the first message after afterSeq', () => {
    const now = Date.now();
    const recentGap = [message(3, 0, now), message(4, 0, now), message(6, 0, now)];
    expect(settledMessages(recentGap, 2, now)).toEqual({ documents: recentGap.slice(0, 2), complete: false });
    const oldGap = [message(3, 60_000, now), message(5, 60_000, now)];
    expect(settledMessages(oldGap, 2, now)).toEqual({ documents: oldGap, complete: true });
    expect(settledMessages([message(5, 0, now)], 2, now)).toEqual({ documents: [], complete: false });
  });
});
