import type { LanguageModel, ModelRequest, StreamPart } from '../../../src/providers/index.js';

/** A model that answers with the listener's last words, prefixed with the key it was built with. */
export class EchoModel implements LanguageModel {
  readonly provider = 'echo';
  readonly model: string;
  readonly #keyHint: string;

  constructor(settings: { model: string; apiKey: string }) {
    this.model = settings.model;
    this.#keyHint = settings.apiKey.slice(0, 4);
  }

  async *stream(request: ModelRequest): AsyncIterable<StreamPart> {
    const last = request.messages.at(-1);
    const words = last?.role === 'user' ? last.content : '';
    yield { type: 'text-delta', text: `${this.#keyHint}: ${words}` };
    yield { type: 'usage', inputTokens: 10, outputTokens: 5 };
    yield { type: 'finish', reason: 'stop' };
  }
}
