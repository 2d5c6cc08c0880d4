/**
 * Messages typed but not yet acknowledged by the server, kept in localStorage per session so that a reload
 * or a closed tab never loses them. Sending again is safe: the server dedupes on clientMsgId.
 */
export interface OutboxItem {
  clientMsgId: string;
  text: string;
}

export class Outbox {
  constructor(private readonly storagePrefix: string) {}

  list(sessionId: string): OutboxItem[] {
    try {
      const stored = JSON.parse(localStorage.getItem(this.#key(sessionId)) ?? '[]') as unknown;
      return Array.isArray(stored) ? stored.filter(isOutboxItem) : [];
    } catch {
      return [];
    }
  }

  add(sessionId: string, item: OutboxItem): void {
    this.#save(sessionId, [...this.list(sessionId).filter((i) => i.clientMsgId !== item.clientMsgId), item]);
  }

  remove(sessionId: string, clientMsgId: string): void {
    this.#save(
      sessionId,
      this.list(sessionId).filter((item) => item.clientMsgId !== clientMsgId),
    );
  }

  clear(sessionId: string): void {
    localStorage.removeItem(this.#key(sessionId));
  }

  #save(sessionId: string, items: OutboxItem[]): void {
    if (items.length === 0) localStorage.removeItem(this.#key(sessionId));
    else localStorage.setItem(this.#key(sessionId), JSON.stringify(items));
  }

  #key(sessionId: string): string {
    return `${this.storagePrefix}.outbox.${sessionId}`;
  }
}

function isOutboxItem(value: unknown): value is OutboxItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  return typeof item.clientMsgId === 'string' && typeof item.text === 'string';
}
