import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parse } from 'csv-parse';
import { EchoError } from '../../errors.js';

export interface CatalogSource {
  records: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>;
  /** Bytes in the source when known, for progress. */
  totalBytes: number | null;
  /** Bytes consumed so far. */
  bytesRead: () => number;
}

const isUrl = (location: string) => /^https?:\/\//i.test(location);
const isJson = (location: string) => /\.json(\?|$)/i.test(location);

/** Opens a CSV (streamed) or JSON catalog from a path or an http(s) URL. */
export async function openCatalogSource(location: string): Promise<CatalogSource> {
  if (isJson(location)) return jsonSource(location);
  const { stream, totalBytes } = await openStream(location);
  let bytes = 0;
  stream.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  const parser = stream.pipe(
    parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: false }),
  );
  return { records: parser as AsyncIterable<Record<string, unknown>>, totalBytes, bytesRead: () => bytes };
}

/** Parses CSV text (tests, small inputs). */
export function parseCsvText(text: string): AsyncIterable<Record<string, unknown>> {
  return Readable.from([text]).pipe(
    parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }),
  );
}

async function openStream(location: string): Promise<{ stream: Readable; totalBytes: number | null }> {
  if (isUrl(location)) {
    const response = await fetchOk(location);
    const length = Number(response.headers.get('content-length'));
    const body = Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
    return { stream: body, totalBytes: Number.isFinite(length) && length > 0 ? length : null };
  }
  const size = (await stat(location)).size;
  return { stream: createReadStream(location), totalBytes: size };
}

async function jsonSource(location: string): Promise<CatalogSource> {
  const text = isUrl(location) ? await (await fetchOk(location)).text() : await readFile(location, 'utf8');
  const parsed: unknown = JSON.parse(text);
  const list = Array.isArray(parsed) ? parsed : isTrackList(parsed) ? parsed.tracks : null;
  if (!list) throw new EchoError('invalid', 'JSON catalog must be an array of tracks or { "tracks": [...] }');
  const records = list.map(
    (item): Record<string, unknown> =>
      typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {},
  );
  return { records, totalBytes: text.length, bytesRead: () => text.length };
}

function isTrackList(value: unknown): value is { tracks: unknown[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { tracks?: unknown }).tracks);
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok || !response.body) {
    throw new EchoError('unavailable', `could not download ${url}: HTTP ${response.status}`);
  }
  return response;
}
