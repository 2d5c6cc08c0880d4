import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface SpooledFile {
  path: string;
  remove(): Promise<void>;
}

/**
 * Writes the chunks to a new temporary file. A ZIP is read from its end (the central directory lists
 * the members and their sizes), so an upload arriving as a stream goes to disk first, not into memory.
 */
export async function spoolToFile(chunks: AsyncIterable<Buffer>, directory = tmpdir()): Promise<SpooledFile> {
  const folder = await mkdtemp(join(directory, 'echotune-export-'));
  const remove = () => rm(folder, { recursive: true, force: true });
  const path = join(folder, 'export.zip');
  try {
    await pipeline(chunks, createWriteStream(path));
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, remove };
}
