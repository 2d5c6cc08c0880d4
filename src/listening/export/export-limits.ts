/**
 * How much of an export is read before it is refused. The defaults fit the largest real exports with
 * room to spare (a decade of extended history is a few hundred MB of JSON, compressing about 10:1)
 * while keeping a ZIP bomb from costing more than bounded time, disk and memory.
 */
export interface ExportLimits {
  /** The upload as received (the ZIP, or the plain JSON file). A ZIP is spooled to a temporary file. */
  maxInputBytes: number;
  /** All history files of a ZIP together, uncompressed. Members that are not read do not count. */
  maxTotalUncompressedBytes: number;
  /** One history file, uncompressed (a plain JSON upload is one file). */
  maxMemberBytes: number;
  /** Entries in a ZIP's central directory, whatever they hold. */
  maxMembers: number;
  /** Uncompressed over compressed size of one member, checked once it passes ratioGraceBytes. */
  maxCompressionRatio: number;
  /** Small members may compress far better than real history ever does; the ratio applies above this. */
  ratioGraceBytes: number;
  /** One row (array element) of a history file; a real row is well under 1 KiB. */
  maxRowBytes: number;
}

const mebibyte = 1024 * 1024;

export const defaultExportLimits: Readonly<ExportLimits> = Object.freeze({
  maxInputBytes: 1024 * mebibyte,
  maxTotalUncompressedBytes: 2048 * mebibyte,
  maxMemberBytes: 500 * mebibyte,
  maxMembers: 1_000,
  maxCompressionRatio: 200,
  ratioGraceBytes: mebibyte,
  maxRowBytes: 64 * 1024,
});

/** A limit was reached; `limit` names it. */
export class ExportLimitError extends Error {
  constructor(
    message: string,
    readonly limit: keyof ExportLimits,
  ) {
    super(message);
    this.name = 'ExportLimitError';
  }
}

/** "524,288,000 bytes (500 MiB)": exact, and readable at a glance. */
export function describeBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = '';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  const exact = `${bytes.toLocaleString('en-US')} bytes`;
  return unit === '' ? exact : `${exact} (${Number.isInteger(value) ? value : value.toFixed(1)} ${unit})`;
}
