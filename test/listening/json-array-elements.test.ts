import { describe, expect, it } from 'vitest';
import { type ArrayElement, jsonArrayElements } from '../../src/listening/export/json-array-elements.js';

/** The bytes cut into pieces of `size` bytes (the last may be shorter). */
function* cut(bytes: Buffer, size: number): Generator<Buffer> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function elements(
  input: string | Buffer,
  chunkSize = 65_536,
  maxElementBytes = 65_536,
): Promise<ArrayElement[]> {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const found: ArrayElement[] = [];
  for await (const element of jsonArrayElements(toAsync(cut(bytes, chunkSize)), { maxElementBytes })) {
    found.push(element);
  }
  return found;
}

async function* toAsync(chunks: Iterable<Buffer>): AsyncGenerator<Buffer> {
  yield* chunks;
}

const values = async (input: string | Buffer, chunkSize?: number) =>
  (await elements(input, chunkSize)).map((element) => element.value);

const tricky = [
  { s: 'quote " inside', t: 'back\\slash', u: '\\', v: '\\\\"' },
  { 'key with } and ]': '{[', nested: { deep: [1, [2, { x: '}' }]] }, e: [] },
  { unicode: 'Beyoncé — 東京 🎧', escapes: '\u0000\n\t\u2028', n: -1.5e3, b: true, z: null },
  {},
];

describe('jsonArrayElements', () => {
  it('gives the same values as JSON.parse, whatever the chunk boundaries', async () => {
    const text = JSON.stringify(tricky, null, 1);
    for (let size = 1; size <= 40; size++) expect(await values(text, size)).toEqual(tricky);
    expect(await values(JSON.stringify(tricky))).toEqual(tricky);
  });

  it('agrees with JSON.parse on random objects full of quotes and backslashes, cut at random', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const alphabet = ['"', '\\', '{', '}', '[', ']', ',', ':', 'a', 'é', '🎧', ' ', '\n'];
    const text = () =>
      Array.from(
        { length: Math.floor(random() * 12) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
    const objects = Array.from({ length: 300 }, () => ({
      [text()]: text(),
      list: [text(), { inner: text() }],
    }));
    const bytes = Buffer.from(JSON.stringify(objects));
    for (let round = 0; round < 20; round++) {
      expect(await values(bytes, 1 + Math.floor(random() * 50))).toEqual(objects);
    }
  });

  it('numbers the elements from 0', async () => {
    const found = await elements('[{"a":1},{"a":2}]');
    expect(found.map((element) => element.index)).toEqual([0, 1]);
  });

  it('accepts an empty array, surrounding white space and a byte order mark', async () => {
    expect(await values(' \n[ ]\n')).toEqual([]);
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a":1}]')]);
    for (const size of [1, 2, 64]) expect(await values(withBom, size)).toEqual([{ a: 1 }]);
  });

  it('measures an element over the bound without holding it, and goes on', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(5_000) });
    const found = await elements(`[{"a":1},${big},{"a":2}]`, 100, 1_000);
    expect(found).toEqual([
      { index: 0, value: { a: 1 } },
      { index: 1, oversized: big.length },
      { index: 2, value: { a: 2 } },
    ]);
  });

  it.each([
    ['', /is empty/],
    ['   ', /only white space/],
    ['artist,track\nA,B\n', /is not JSON: expected '\[' at byte 0, found 'a'/],
    [Buffer.from([0x89, 0x50, 0x4e, 0x47]), /is not JSON: expected '\[' at byte 0, found byte 0x89/],
    ['{"a":1}', /is a JSON object, not an array of plays/],
    ['[1,2]', /element \[0\] is a number/],
    ['[{"a":1},"x"]', /element \[1\] is a string/],
    ['[{"a":1},]', /trailing comma/],
    ['[{"a":1} {"a":2}]', /expected ',' or ']' after element \[0\] at byte 9, found '\{'/],
    ['[{"a":1}] x', /unexpected data after the array at byte 10/],
    ['[{"a":1},{"a":', /ends at byte 14 before its array is closed/],
    ['[{"a":1},{"a":tru}]', /invalid JSON in element \[1\] \(from byte 9\)/],
    ['[{"a":[1}]]', /invalid JSON in element \[0\]/],
  ] as const)('refuses %j clearly', async (input, message) => {
    await expect(elements(input)).rejects.toThrow(message);
  });

  it('refuses a byte order mark that is cut short', async () => {
    await expect(elements(Buffer.from([0xef, 0xbb, 0x5b, 0x5d]))).rejects.toThrow(/is not JSON/);
  });

  it('passes deep nesting inside a row to JSON.parse without recursion of its own', async () => {
    const deep = `[{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}]`;
    expect(await elements(deep)).toHaveLength(1);
  });

  it('refuses bytes that are not UTF-8 inside an element', async () => {
    const bytes = Buffer.concat([Buffer.from('[{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]')]);
    await expect(elements(bytes)).rejects.toThrow(/element \[0\] is not valid UTF-8/);
  });

  it('yields the elements before a later error', async () => {
    const seen: unknown[] = [];
    await expect(async () => {
      for await (const element of jsonArrayElements(toAsync(cut(Buffer.from('[{"a":1},{"a":}]'), 3)), {
        maxElementBytes: 100,
      }))
        seen.push(element.value);
    }).rejects.toThrow(/element \[1\]/);
    expect(seen).toEqual([{ a: 1 }]);
  });
});
