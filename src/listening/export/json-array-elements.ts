/**
 * Streams the elements of one top-level JSON array of objects, in order, from chunks of UTF-8 bytes.
 *
 * It only finds where each element starts and ends (bracket depth outside strings) and hands the bytes
 * of each element to JSON.parse, so the values are exactly what JSON.parse would give and at most one
 * element (bounded by maxElementBytes) plus one chunk is held at a time. An element larger than the
 * bound is skipped without being buffered and reported as oversized. The array's own punctuation is
 * checked here (commas, brackets, nothing after the array); everything inside an element is checked by
 * JSON.parse. Scanning bytes is safe for UTF-8: the structural characters are ASCII, and every byte of a
 * multi-byte sequence is ≥ 0x80.
 */

export type ArrayElement =
  | { index: number; value: Record<string, unknown>; oversized?: undefined }
  | { index: number; value?: undefined; oversized: number };

/** The input is not one JSON array of objects; `offset` is the byte where that became clear. */
export class JsonShapeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonShapeError';
  }
}

const quote = 0x22;
const backslash = 0x5c;
const comma = 0x2c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;

const isWhitespace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** Where the scanner is between elements. */
type Position = 'before-array' | 'first-element' | 'after-element' | 'next-element' | 'after-array';

export async function* jsonArrayElements(
  chunks: AsyncIterable<Uint8Array>,
  options: { maxElementBytes: number },
): AsyncGenerator<ArrayElement> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let position: Position = 'before-array';
  let offset = 0; // bytes before the current chunk
  let index = 0;
  let bomMatched = 0; // bytes of a leading byte order mark seen so far
  // Inside an element:
  let depth = 0;
  let inString = false;
  let escaped = false;
  let pieces: Buffer[] = [];
  let elementBytes = 0;
  let elementStart = 0;

  const finishElement = (): ArrayElement => {
    const current = index++;
    if (elementBytes > options.maxElementBytes) return { index: current, oversized: elementBytes };
    const bytes = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    pieces = [];
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new JsonShapeError(`element [${current}] is not valid UTF-8`, elementStart);
    }
    try {
      return { index: current, value: JSON.parse(text) as Record<string, unknown> };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new JsonShapeError(
        `invalid JSON in element [${current}] (from byte ${elementStart}): ${detail}`,
        elementStart,
      );
    }
  };

  for await (const raw of chunks) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const length = chunk.length;
    let cursor = 0;
    let pieceStart = depth > 0 ? 0 : -1;
    while (cursor < length) {
      if (depth > 0) {
        if (inString) {
          const end = closingQuote(chunk, cursor, escaped);
          if (end < 0) {
            escaped = endsEscaped(chunk, cursor, escaped);
            cursor = length;
            break;
          }
          inString = false;
          escaped = false;
          cursor = end + 1;
          continue;
        }
        const byte = chunk[cursor]!;
        if (byte === quote) inString = true;
        else if (byte === openBrace || byte === openBracket) depth++;
        else if (byte === closeBrace || byte === closeBracket) {
          depth--;
          if (depth === 0) {
            addPiece(chunk.subarray(pieceStart, cursor + 1));
            pieceStart = -1;
            position = 'after-element';
            yield finishElement();
          }
        }
        cursor++;
        continue;
      }
      const byte = chunk[cursor]!;
      const at = offset + cursor;
      if (isWhitespace(byte) || (at === bomMatched && byte === byteOrderMark[at])) {
        if (!isWhitespace(byte)) bomMatched++;
        cursor++;
        continue;
      }
      switch (position) {
        case 'before-array':
          // A byte order mark is whole or it is not one.
          if (byte !== openBracket || (bomMatched > 0 && bomMatched < 3)) {
            throw new JsonShapeError(notAnArray(byte, at), at);
          }
          position = 'first-element';
          break;
        case 'first-element':
        case 'next-element':
          if (byte === closeBracket && position === 'first-element') position = 'after-array';
          else if (byte === openBrace) {
            depth = 1;
            elementBytes = 0;
            elementStart = at;
            pieces = [];
            pieceStart = cursor;
          } else throw new JsonShapeError(notAnObject(byte, index, at), at);
          break;
        case 'after-element':
          if (byte === comma) position = 'next-element';
          else if (byte === closeBracket) position = 'after-array';
          else
            throw new JsonShapeError(
              `expected ',' or ']' after element [${index - 1}] ${found(byte, at)}`,
              at,
            );
          break;
        case 'after-array':
          throw new JsonShapeError(`unexpected data after the array ${found(byte, at)}`, at);
      }
      cursor++;
    }
    if (depth > 0 && pieceStart >= 0) addPiece(chunk.subarray(pieceStart));
    offset += length;
  }
  if (position === 'before-array') {
    throw new JsonShapeError(offset === 0 ? 'is empty' : 'holds no JSON (only white space)', offset);
  }
  if (position !== 'after-array') {
    throw new JsonShapeError(`ends at byte ${offset} before its array is closed (truncated?)`, offset);
  }

  function addPiece(piece: Buffer): void {
    elementBytes += piece.length;
    // Past the bound the element is only measured, never held.
    if (elementBytes <= options.maxElementBytes) pieces.push(piece);
    else pieces = [];
  }
}

/**
 * The index of the quote that closes the string being scanned from `start`, or -1 when this chunk ends
 * first. `escaped` says the byte at `start` is escaped by a backslash that ended the previous chunk.
 */
function closingQuote(chunk: Buffer, start: number, escaped: boolean): number {
  let from = escaped ? start + 1 : start;
  for (;;) {
    const candidate = chunk.indexOf(quote, from);
    if (candidate < 0) return -1;
    let backslashes = 0;
    while (candidate - backslashes - 1 >= from && chunk[candidate - backslashes - 1] === backslash) {
      backslashes++;
    }
    if (backslashes % 2 === 0) return candidate;
    from = candidate + 1;
  }
}

/** Whether the chunk ends inside an escape (an odd run of backslashes after the last escaped byte). */
function endsEscaped(chunk: Buffer, start: number, escaped: boolean): boolean {
  const from = escaped ? start + 1 : start;
  let backslashes = 0;
  while (chunk.length - backslashes - 1 >= from && chunk[chunk.length - backslashes - 1] === backslash) {
    backslashes++;
  }
  // A chunk of one byte that was itself the escaped byte leaves no escape open.
  return backslashes % 2 === 1;
}

const byteOrderMark = [0xef, 0xbb, 0xbf];

function describeByte(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}'` : `byte 0x${byte.toString(16)}`;
}

function found(byte: number, at: number): string {
  return `at byte ${at}, found ${describeByte(byte)}`;
}

function notAnArray(byte: number, at: number): string {
  if (byte === openBrace) return `is a JSON object, not an array of plays (${found(byte, at)})`;
  return `is not JSON: expected '[' ${found(byte, at)}`;
}

function notAnObject(byte: number, index: number, at: number): string {
  const kind =
    byte === openBracket
      ? 'an array'
      : byte === quote
        ? 'a string'
        : byte === closeBracket
          ? null
          : byte === 0x74 || byte === 0x66
            ? 'a boolean'
            : byte === 0x6e
              ? 'null'
              : byte === 0x2d || (byte >= 0x30 && byte <= 0x39)
                ? 'a number'
                : null;
  if (byte === closeBracket) return `has a trailing comma before ']' (${found(byte, at)})`;
  if (kind === null) return `is not JSON: expected an element ${found(byte, at)}`;
  return `is not an array of objects: element [${index}] is ${kind} (${found(byte, at)})`;
}
