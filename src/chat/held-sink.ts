import type { ServerEventName, ServerPayloads } from '../protocol/index.js';
import type { TurnSink } from './turn-sink.js';

/**
 * Holds a new message's events (message:new, then its turn's) until `open()`, then passes them on in
 * order. The turn can read its context and send its model request meanwhile, while the sender's ack is
 * still on its way: the listener sees ack → message:new → turn:start → deltas, and the upstream's own
 * latency overlaps the broadcasts instead of following them.
 */
export class HeldSink implements TurnSink {
  private held: Array<{ sessionId: string; event: ServerEventName; payload: unknown }> | null = [];

  constructor(private readonly sink: TurnSink) {}

  emit<E extends ServerEventName>(sessionId: string, event: E, payload: ServerPayloads[E]): void {
    if (this.held) this.held.push({ sessionId, event, payload });
    else this.sink.emit(sessionId, event, payload);
  }

  open(): void {
    const held = this.held;
    if (!held) return;
    this.held = null;
    for (const { sessionId, event, payload } of held) {
      this.sink.emit(sessionId, event, payload as ServerPayloads[typeof event]);
    }
  }
}
