import type { Store } from './store.js';

/** Where the time of each store call goes (the service's metrics). */
export interface StoreTimer {
  observe(operation: string, seconds: number, failed: boolean): void;
}

type Method = (...args: unknown[]) => unknown;

/**
 * The same store, every call timed: one wrapper around the adapter rather than a timer in each of its
 * methods. Getters and the adapter's own state stay the target's (methods run with the target as `this`).
 */
export function timedStore<S extends Store>(store: S, timer: StoreTimer): S {
  const wrapped = new Map<PropertyKey, Method>();
  return new Proxy(store, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name, target);
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      let method = wrapped.get(name);
      if (!method) {
        method = timed(name, value as Method, target, timer);
        wrapped.set(name, method);
      }
      return method;
    },
  });
}

function timed(operation: string, method: Method, target: object, timer: StoreTimer): Method {
  return (...args) => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const result = method.apply(target, args);
    // Every store method answers with a promise; anything else passes through untimed.
    if (!(result instanceof Promise)) return result;
    return result.then(
      (value: unknown) => {
        timer.observe(operation, seconds(), false);
        return value;
      },
      (error: unknown) => {
        timer.observe(operation, seconds(), true);
        throw error;
      },
    );
  };
}
