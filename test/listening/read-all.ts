import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  type ExportReading,
  type Play,
  type ReadExportOptions,
  readSpotifyExport,
} from '../../src/listening/index.js';

export const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/listening/${name}`, import.meta.url));

/** Reads an export to its end: every batch, and the summary. */
export async function readAll(reading: ExportReading): Promise<{ plays: Play[]; batches: Play[][] }> {
  const batches: Play[][] = [];
  for await (const batch of reading) batches.push(batch);
  return { plays: batches.flat(), batches };
}

export function readFile(path: string, options: Partial<ReadExportOptions> = {}): ExportReading {
  return readSpotifyExport(createReadStream(path), {
    fileName: path.slice(path.lastIndexOf('/') + 1),
    ...options,
  });
}

export function readBytes(
  bytes: Buffer | string,
  fileName: string,
  options: Partial<ReadExportOptions> = {},
) {
  return readSpotifyExport(Readable.from([Buffer.from(bytes)]), { fileName, ...options });
}
