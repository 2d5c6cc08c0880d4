import type { RouterEvent } from '../contract.js';
import { ContinuationTrimmer } from './continuation.js';
import type { AttemptResult } from './run-attempt.js';

/**
 * Passes an attempt's events through, dropping text a continuing model repeats from what the
 * listener already has. Returns the attempt's result plus the text actually delivered.
 */
export async function* streamContinuation(
  attempt: AsyncGenerator<RouterEvent, AttemptResult>,
  alreadyDelivered: string,
): AsyncGenerator<RouterEvent, AttemptResult & { delivered: string }> {
  const trimmer = new ContinuationTrimmer(alreadyDelivered);
  let delivered = '';
  while (true) {
    const next = await attempt.next();
    if (next.done) {
      // Held text is released only when the attempt ended well; otherwise it was an unfinished echo.
      const rest = next.value.attempt.outcome === 'ok' ? trimmer.flush() : '';
      if (rest) {
        delivered += rest;
        yield { type: 'text-delta', text: rest };
      }
      return { ...next.value, delivered };
    }
    const event = next.value;
    if (event.type !== 'text-delta') {
      yield event;
      continue;
    }
    const text = trimmer.push(event.text);
    if (text) {
      delivered += text;
      yield { type: 'text-delta', text };
    }
  }
}
