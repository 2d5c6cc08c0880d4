import { pipeline } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { describeBytes, ExportLimitError } from './export-limits.js';

/** The file is not a ZIP that can be read (no central directory, bad offsets…). */
export class ZipFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ZipFormatError';
  }
}

/** A member's data is damaged: it does not inflate, or not to its declared size, or fails its CRC-32. */
export class MemberDataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MemberDataError';
  }
}

export interface ZipArchive {
  /** The members listed by the central directory, folders left out. */
  readonly entries: readonly Entry[];
  /** A member's uncompressed bytes, checked against its CRC-32 at the end. */
  memberBytes(entry: Entry): AsyncGenerator<Buffer>;
  close(): void;
}

/**
 * Opens a ZIP file with yauzl, which reads and checks the central directory (offsets, names, Zip64) and
 * hands out each member's stored bytes; memberBytes inflates them, holds them to the declared size and
 * checks the CRC-32 (which yauzl does not).
 */
export async function openZipArchive(path: string, maxMembers: number): Promise<ZipArchive> {
  let zipfile: ZipFile;
  try {
    zipfile = await yauzl.openPromise(path, {
      lazyEntries: true,
      autoClose: false,
      // memberBytes holds every member to its declared size; yauzl's own check would also fail the whole
      // archive, not just the member, over one stored entry whose two sizes differ.
      validateEntrySizes: false,
      strictFileNames: false,
    });
  } catch (error) {
    throw new ZipFormatError(`is not a readable ZIP archive (${messageOf(error)})`, { cause: error });
  }
  try {
    if (zipfile.entryCount > maxMembers) {
      throw new ExportLimitError(
        `lists ${zipfile.entryCount.toLocaleString('en-US')} members, over the limit of ${maxMembers.toLocaleString('en-US')}`,
        'maxMembers',
      );
    }
    const entries: Entry[] = [];
    try {
      for await (const entry of zipfile.eachEntry()) if (!entry.fileName.endsWith('/')) entries.push(entry);
    } catch (error) {
      throw new ZipFormatError(`has a damaged central directory (${messageOf(error)})`, { cause: error });
    }
    return { entries, memberBytes: (entry) => memberBytes(zipfile, entry), close: () => zipfile.close() };
  } catch (error) {
    zipfile.close();
    throw error;
  }
}

/** Inflated in chunks of 64 KiB (zlib's default of 16 KiB makes four times the round trips to its thread). */
const inflateChunkBytes = 64 * 1024;

/**
 * A member's bytes as they inflate, held to its declared size (yauzl's own check applies to data it
 * inflates itself; here zlib runs with larger chunks) and checked against its CRC-32 at the end.
 */
async function* memberBytes(zipfile: ZipFile, entry: Entry): AsyncGenerator<Buffer> {
  let stream: AsyncIterable<Buffer>;
  try {
    const raw = await zipfile.openReadStreamPromise(entry, { decodeFileData: false });
    stream =
      entry.compressionMethod === 8
        ? pipeline(raw, createInflateRaw({ chunkSize: inflateChunkBytes }), () => {})
        : raw;
  } catch (error) {
    throw new MemberDataError(`cannot be read (${messageOf(error)})`, { cause: error });
  }
  let checksum = 0;
  let total = 0;
  try {
    for await (const chunk of stream) {
      total += chunk.length;
      if (total > entry.uncompressedSize) {
        throw new MemberDataError(
          `is damaged: it inflates past its declared size of ${describeBytes(entry.uncompressedSize)}`,
        );
      }
      checksum = crc32(chunk, checksum);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof MemberDataError) throw error;
    // Everything the stream itself throws is about the member's bytes (a limit stops it from outside).
    throw new MemberDataError(describeStreamError(error), { cause: error });
  }
  if (total !== entry.uncompressedSize) {
    throw new MemberDataError(
      `is damaged: it inflates to ${describeBytes(total)}, not its declared ${describeBytes(entry.uncompressedSize)}`,
    );
  }
  if (checksum >>> 0 !== entry.crc32 >>> 0) {
    throw new MemberDataError(
      `is damaged: its CRC-32 is ${hex(checksum)}, the archive says ${hex(entry.crc32)}`,
    );
  }
}

function describeStreamError(error: unknown): string {
  const message = messageOf(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_'))
    return `is damaged: its data does not inflate (${message})`;
  if (/bytes in the stream/.test(message)) {
    return `is damaged: it does not inflate to its declared size (${message})`;
  }
  return `could not be read (${message})`;
}

const hex = (value: number) => `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The member's declared sizes against the limits, before a byte of it is inflated; null when they pass. */
export function declaredSizeProblem(
  entry: Entry,
  limits: {
    maxMemberBytes: number;
    remainingTotalBytes: number;
    maxCompressionRatio: number;
    ratioGraceBytes: number;
  },
): { message: string; limit: 'maxMemberBytes' | 'maxTotalUncompressedBytes' | 'maxCompressionRatio' } | null {
  const size = entry.uncompressedSize;
  if (size > limits.maxMemberBytes) {
    return {
      message: `declares ${describeBytes(size)} uncompressed, over the ${describeBytes(limits.maxMemberBytes)} per-file limit`,
      limit: 'maxMemberBytes',
    };
  }
  if (size > limits.remainingTotalBytes) {
    return {
      message: `declares ${describeBytes(size)} uncompressed, more than the ${describeBytes(limits.remainingTotalBytes)} left of the total limit`,
      limit: 'maxTotalUncompressedBytes',
    };
  }
  if (size > limits.ratioGraceBytes && size > limits.maxCompressionRatio * entry.compressedSize) {
    return {
      message: `declares a compression ratio of ${ratio(size, entry.compressedSize)}:1, over the limit of ${limits.maxCompressionRatio}:1`,
      limit: 'maxCompressionRatio',
    };
  }
  return null;
}

export const ratio = (uncompressed: number, compressed: number) =>
  compressed === 0 ? '∞' : Math.round(uncompressed / compressed).toLocaleString('en-US');
