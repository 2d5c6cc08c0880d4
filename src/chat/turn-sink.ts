import type { ServerEventName, ServerPayloads } from '../protocol/index.js';

/** Where a turn's events go. The gateway implements it with a Socket.io room; tests with an array. */
export interface TurnSink {
  emit<E extends ServerEventName>(sessionId: string, event: E, payload: ServerPayloads[E]): void;
}
