import { type Db, MongoClient } from 'mongodb';
import { EchoError } from '../../errors.js';

export const defaultDatabaseName = 'echotune';

export interface MongoConnectionOptions {
  uri: string;
  /** Overrides the database named in the URI path. */
  databaseName?: string | undefined;
  timeoutMs: number;
  maxPoolSize: number;
}

/**
 * The host list of a connection string with any user name and password removed; the only part of the
 * URI that may appear in logs and errors.
 */
export function describeHosts(uri: string): string {
  const withoutScheme = uri.replace(/^[a-z+]+:\/\//i, '');
  const authority = withoutScheme.split(/[/?]/, 1)[0] ?? '';
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  return hosts === '' ? '(no host)' : hosts;
}

/** MONGODB_DB when given, else the database named in the URI path, else 'echotune'. */
export function databaseNameFor(uri: string, configured?: string): string {
  if (configured !== undefined && configured !== '') return configured;
  const path = /^[a-z+]+:\/\/[^/?]*\/([^?]*)/i.exec(uri)?.[1];
  return path === undefined || path === '' ? defaultDatabaseName : decodeURIComponent(path);
}

/**
 * Connects with bounded waits: server selection, connect and socket timeouts all come from
 * MONGODB_TIMEOUT_MS, so an unreachable server fails start-up in seconds with a message that names the
 * host (never the credentials) instead of hanging.
 */
export async function connectMongo(
  options: MongoConnectionOptions,
): Promise<{ client: MongoClient; db: Db }> {
  const hosts = describeHosts(options.uri);
  let client: MongoClient;
  try {
    client = new MongoClient(options.uri, {
      serverSelectionTimeoutMS: options.timeoutMs,
      connectTimeoutMS: options.timeoutMs,
      maxPoolSize: options.maxPoolSize,
      appName: 'echotune',
    });
  } catch (error) {
    throw new EchoError('invalid', `MONGODB_URI for ${hosts} is not a valid MongoDB connection string`, {
      cause: redactedCause(error, options.uri),
    });
  }
  try {
    await client.connect();
    const db = client.db(databaseNameFor(options.uri, options.databaseName));
    await db.command({ ping: 1 });
    return { client, db };
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new EchoError('unavailable', `Cannot reach MongoDB at ${hosts} within ${options.timeoutMs} ms`, {
      cause: redactedCause(error, options.uri),
    });
  }
}

/**
 * Driver errors may quote the connection string; the cause kept for logs carries the message and code
 * with any password replaced, and none of the driver's internal state.
 */
function redactedCause(error: unknown, uri: string): Error {
  const password = /^[a-z+]+:\/\/[^:@/]*:([^@/]*)@/i.exec(uri)?.[1];
  const message = error instanceof Error ? error.message : String(error);
  const safe = password
    ? message.split(password).join('***').split(decodeURIComponent(password)).join('***')
    : message;
  const redacted = new Error(safe);
  redacted.name = error instanceof Error ? error.name : 'Error';
  return redacted;
}
