/**
 * Open connections per key (an address, a listener), counted against one cap. `open` takes a place
 * unless the cap is reached, `close` gives it back. A connection counts while its instance lives: the
 * shared counter forgets a dead instance's places within seconds, unlike a window counter.
 */
export interface ConnectionCounter {
  open(key: string): Promise<boolean>;
  close(key: string): void;
}

export interface ConnectionCounterSettings {
  /** Separates one cap's counts from another's. */
  keyPrefix: string;
  limit: number;
}

/** This instance's open connections per key: exact, and all there is for one instance alone. */
export class LocalConnectionCounter implements ConnectionCounter {
  readonly #counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  async open(key: string): Promise<boolean> {
    return this.openHere(key);
  }

  /** Synchronous, for the shared counter's fallback and bookkeeping. */
  openHere(key: string): boolean {
    const open = this.#counts.get(key) ?? 0;
    if (open >= this.limit) return false;
    this.#counts.set(key, open + 1);
    return true;
  }

  /** Counts a place the shared count granted (this instance's share of it). */
  add(key: string): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  close(key: string): void {
    const open = this.#counts.get(key) ?? 0;
    if (open <= 1) this.#counts.delete(key);
    else this.#counts.set(key, open - 1);
  }

  entries(): IterableIterator<[string, number]> {
    return this.#counts.entries();
  }
}
