import { EchoError } from '../errors.js';
import type { Page } from './records.js';

/** Largest page any query returns, whatever the caller asks; keeps one request from reading a table. */
export const maxPageSize = 1000;

export type CursorKey = ReadonlyArray<string | number>;

/** Cursors are opaque to callers: base64url of the sort key of the last item on the page. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * Reads a cursor back into its sort key, checking each part's type against `shape` so a forged or
 * stale cursor is an `invalid` request rather than a confusing query.
 */
export function decodeCursor<Shape extends ReadonlyArray<'string' | 'number'>>(
  cursor: string,
  shape: Shape,
): { [Index in keyof Shape]: Shape[Index] extends 'number' ? number : string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new EchoError('invalid', 'Malformed page cursor', { cause: error });
  }
  const fits =
    Array.isArray(parsed) &&
    parsed.length === shape.length &&
    shape.every((type, index) => typeof parsed[index] === type);
  if (!fits) throw new EchoError('invalid', 'Malformed page cursor');
  return parsed as { [Index in keyof Shape]: Shape[Index] extends 'number' ? number : string };
}

export function clampLimit(limit: number): number {
  if (!Number.isFinite(limit)) return maxPageSize;
  return Math.min(maxPageSize, Math.max(1, Math.floor(limit)));
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only proves that another page
 * exists, so the last page always has a null cursor without a second query.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorOf: (row: Row) => string,
): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  const nextCursor = rows.length > limit && last !== undefined ? cursorOf(last) : null;
  return { items: pageRows.map(toItem), nextCursor };
}
