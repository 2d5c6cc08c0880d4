/** What a fake provider answers to one request: the reply, and optionally a fault. */
export interface FakeReply {
  text?: string;
  toolCalls?: Array<{ id?: string; name: string; args: unknown }>;
  inputTokens?: number;
  outputTokens?: number;
  /** Provider-native finish reason; defaults to the natural one (stop or tool calls). */
  finishReason?: string;
}

export type FakeFault =
  /** 429 with Retry-After (and Gemini's RetryInfo in the body). */
  | 'rate-limit'
  /** 500 with the provider's error body. */
  | 'server-error'
  /** The socket is destroyed before any response. */
  | 'reset'
  /** Headers at once, first chunk after `delayMs`. */
  | 'slow-first-token'
  /** `chunksBeforeFault` chunks, then silence with the connection open. */
  | 'stall'
  /** `chunksBeforeFault` chunks, then the socket is destroyed. */
  | 'break'
  /** `chunksBeforeFault` chunks, then a chunk that is not JSON. */
  | 'malformed';

export interface FakeScript {
  reply?: FakeReply;
  fault?: FakeFault;
  retryAfterSeconds?: number;
  delayMs?: number;
  chunksBeforeFault?: number;
  /** Pause between chunks (default 2 ms), so streams arrive in pieces. */
  chunkDelayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export type ScriptSource =
  | FakeScript
  | FakeScript[]
  | ((request: RecordedRequest, index: number) => FakeScript);

export function resolveScript(source: ScriptSource, request: RecordedRequest, index: number): FakeScript {
  if (typeof source === 'function') return source(request, index);
  if (Array.isArray(source)) return source[Math.min(index, source.length - 1)] ?? {};
  return source;
}

/** Splits text into small pieces, as real models stream it. */
export function textPieces(text: string, wordsPerPiece = 2): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [];
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += wordsPerPiece) {
    pieces.push(words.slice(index, index + wordsPerPiece).join(''));
  }
  return pieces;
}

/** Splits JSON argument text into uneven pieces, as providers stream tool arguments. */
export function argumentPieces(args: unknown): string[] {
  const text = JSON.stringify(args);
  const pieces: string[] = [];
  for (let index = 0; index < text.length; index += 7) pieces.push(text.slice(index, index + 7));
  return pieces;
}
