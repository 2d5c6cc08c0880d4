/** Small helpers over streams of bytes (a Node Readable is an async iterable of Buffers). */

export type ByteChunks = AsyncIterable<Uint8Array | string>;

const toBuffer = (chunk: Uint8Array | string): Buffer =>
  typeof chunk === 'string'
    ? Buffer.from(chunk)
    : Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

/** Passes the chunks on, calling `onTotal` with the running byte count after each; it throws to stop. */
export async function* meteredBytes(
  chunks: ByteChunks,
  onTotal: (total: number) => void,
): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of chunks) {
    const buffer = toBuffer(chunk);
    total += buffer.length;
    onTotal(total);
    yield buffer;
  }
}

/**
 * The first `size` bytes (fewer when the input is shorter) and the whole input again, head included,
 * for the reader that the head decides on. `close` ends the input, whether or not the chunks were read
 * (a generator that never started cannot be stopped from inside).
 */
export async function peekBytes(
  chunks: AsyncIterable<Buffer>,
  size: number,
): Promise<{ head: Buffer; chunks: AsyncGenerator<Buffer>; close: () => Promise<void> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const taken: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    taken.push(next.value);
    length += next.value.length;
  }
  const close = async () => {
    if (ended) return;
    ended = true;
    await iterator.return?.();
  };
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      yield* taken;
      while (!ended) {
        const next = await iterator.next();
        if (next.done) {
          ended = true;
          return;
        }
        yield next.value;
      }
    } finally {
      await close();
    }
  }
  return { head: Buffer.concat(taken).subarray(0, size), chunks: replay(), close };
}

/** Reads chunks to the end and returns how many bytes there were. */
export async function drainBytes(chunks: AsyncIterable<Uint8Array>): Promise<number> {
  let total = 0;
  for await (const chunk of chunks) total += chunk.length;
  return total;
}
