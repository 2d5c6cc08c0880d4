import type { ChatMessage } from '../contract.js';

export const continueInstruction =
  'Your previous reply was cut off after the text above. Continue it exactly where it stopped: ' +
  'do not repeat anything, do not apologise, add no preamble.';

/**
 * Messages that ask a model without assistant prefill (OpenAI, Gemini) to carry on a reply another
 * deployment started: the partial reply as the assistant's turn, then a short instruction.
 */
export function withContinuation(
  messages: readonly ChatMessage[],
  continueFrom: string | undefined,
): ChatMessage[] {
  if (!continueFrom) return [...messages];
  return [
    ...messages,
    { role: 'assistant', content: continueFrom },
    { role: 'user', content: continueInstruction },
  ];
}

/** Shorter held text than this is not treated as an echo (a one-letter match proves nothing). */
const minimumEchoLength = 12;

/**
 * Drops text a continuing model repeats from the partial answer, so the listener never reads the
 * same words twice. Holds deltas while they could still be an echo of the partial text.
 */
export class ContinuationTrimmer {
  private held = '';
  private matching: boolean;

  constructor(private readonly partial: string) {
    this.matching = partial.length > 0;
  }

  push(text: string): string {
    if (!this.matching) return text;
    this.held += text;
    if (this.held.startsWith(this.partial)) {
      this.matching = false;
      return this.held.slice(this.partial.length);
    }
    if (this.partial.startsWith(this.held)) return '';
    this.matching = false;
    return this.held;
  }

  /** At the end of the stream: text still held is released unless it was a real echo. */
  flush(): string {
    if (!this.matching) return '';
    this.matching = false;
    return this.held.length >= Math.min(minimumEchoLength, this.partial.length) ? '' : this.held;
  }
}
