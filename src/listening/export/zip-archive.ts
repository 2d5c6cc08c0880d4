import { crc32 } from 'node:zlib';
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
 * Opens a ZIP file with yauzl, which reads the central directory and holds every member's stream to the
 * sizes the directory declares (an entry that inflates to more or fewer bytes errors). yauzl does not
 * check CRC-32s; memberBytes does.
 */
export async function openZipArchive(path: string, maxMembers: number): Promise<ZipArchive> {
  let zipfile: ZipFile;
  try {
    zipfile = await yauzl.openPromise(path, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
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

async function* memberBytes(zipfile: ZipFile, entry: Entry): AsyncGenerator<Buffer> {
  let checksum = 0;
  let stream: AsyncIterable<Buffer>;
  try {
    stream = await zipfile.openReadStreamPromise(entry);
  } catch (error) {
    throw new MemberDataError(`cannot be read (${messageOf(error)})`, { cause: error });
  }
  try {
    for await (const chunk of stream) {
      checksum = crc32(chunk, checksum);
      yield chunk;
    }
  } catch (error) {
    // Everything the stream itself throws is about the member's bytes (a limit stops it from outside).
    throw new MemberDataError(describeStreamError(error), { cause: error });
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
