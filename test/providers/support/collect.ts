import type { RouterEvent, StreamPart } from '../../../src/providers/index.js';

/** Drains a stream into an array (parts or router events) for assertions. */
export async function collect<T extends StreamPart | RouterEvent>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

/** Drains a router stream, keeping the events seen before it threw, and the error. */
export async function collectUntilError(
  stream: AsyncIterable<RouterEvent>,
): Promise<{ events: RouterEvent[]; error: unknown }> {
  const events: RouterEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

export function textOf(items: ReadonlyArray<StreamPart | RouterEvent>): string {
  return items.map((item) => (item.type === 'text-delta' ? item.text : '')).join('');
}
