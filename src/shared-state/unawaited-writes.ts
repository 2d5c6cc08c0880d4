import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * The connection a Socket.io adapter publishes on, with its writes (PUBLISH, XADD) handed to ioredis and
 * not waited for. Both adapters need it during a Redis outage:
 * - the pub/sub adapter never handles a failed PUBLISH, and the rejection would end the process;
 * - the streams adapter waits for XADD before delivering to this instance's own sockets, so while Redis
 *   is away local listeners would wait too.
 * Writes keep their order on the connection (ioredis queues them while reconnecting). At most
 * `maxPending` wait at once; past that a write is dropped, so an outage cannot grow memory without end.
 */
export function withUnawaitedWrites(
  redis: Redis,
  options: { role: string; logger: Logger; maxPending: number },
): Redis {
  let pending = 0;
  let droppedSinceReported = 0;
  const send = (write: () => Promise<unknown>): Promise<string> => {
    if (pending >= options.maxPending) {
      if (droppedSinceReported === 0) {
        options.logger.warn({ role: options.role }, 'redis is away and the write queue is full; dropping');
      }
      droppedSinceReported += 1;
      return Promise.resolve('');
    }
    pending += 1;
    write().then(
      () => {
        pending -= 1;
        droppedSinceReported = 0;
      },
      (error: unknown) => {
        pending -= 1;
        options.logger.debug({ role: options.role, error: String(error) }, 'redis write failed');
      },
    );
    return Promise.resolve('');
  };
  return new Proxy(redis, {
    get(target, property) {
      if (property === 'publish') {
        return (...args: Parameters<Redis['publish']>) => send(() => target.publish(...args));
      }
      if (property === 'xadd') {
        return (...args: unknown[]) =>
          send(() => Reflect.apply(target.xadd, target, args) as Promise<unknown>);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
