import { describe, expect, it } from 'vitest';
import { SessionQueue } from '../../src/chat/session-queue.js';
import { EchoError } from '../../src/errors.js';

describe('SessionQueue', () => {
  it('runs one turn at a time per session, in order, while other sessions run in parallel', async () => {
    const queue = new SessionQueue(5);
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`end ${name}`);
    };
    queue.enqueue('a', task('a1', 30));
    queue.enqueue('a', task('a2', 1));
    queue.enqueue('b', task('b1', 1));
    await queue.drain();
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
  });

  it('refuses with busy once more than maxWaiting turns wait behind the running one', async () => {
    const queue = new SessionQueue(1);
    let release = () => {};
    const blocker = new Promise<void>((resolve) => {
      release = resolve;
    });
    queue.enqueue('s', () => blocker);
    queue.assertRoom('s');
    queue.enqueue('s', async () => {});
    expect(() => queue.assertRoom('s')).toThrow(EchoError);
    expect(() => queue.assertRoom('other')).not.toThrow();
    release();
    await queue.drain();
    expect(queue.pending('s')).toBe(0);
    expect(() => queue.assertRoom('s')).not.toThrow();
  });

  it('keeps going after a turn rejects', async () => {
    const queue = new SessionQueue(3);
    let ran = false;
    queue.enqueue('s', async () => {
      throw new Error('boom');
    });
    queue.enqueue('s', async () => {
      ran = true;
    });
    await queue.drain().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(ran).toBe(true);
  });
});
