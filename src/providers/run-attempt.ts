import type { Attempt } from '../protocol/index.js';
import type { FinishReason, ModelRequest, ProviderFailure, RouterEvent, StreamPart } from './contract.js';
import type { Deployment } from './deployment.js';
import { costUsd } from './pricing.js';
import { estimateTokens } from './token-estimate.js';

export interface AttemptTimeouts {
  /** Longest wait for the first text or tool call. */
  firstTokenMs: number;
  /** Longest silence between two parts once the stream has started. */
  idleMs: number;
}

export interface AttemptResult {
  attempt: Attempt;
  failure?: ProviderFailure;
  finishReason?: FinishReason;
  /** Text this attempt delivered (what a failover continues from). */
  text: string;
  toolCalls: number;
  /** Tokens per second of output after the first token, when measurable. */
  outputTokensPerSecond: number | null;
}

interface Timeout {
  timedOut: true;
}

function nextWithTimeout<T>(
  iterator: AsyncIterator<T>,
  milliseconds: number,
): Promise<IteratorResult<T> | Timeout> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Timeout>((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), milliseconds);
  });
  return Promise.race([iterator.next(), timeout]).finally(() => clearTimeout(timer));
}

function isTimeout<T>(value: IteratorResult<T> | Timeout): value is Timeout {
  return 'timedOut' in value;
}

function thrownFailure(error: unknown): ProviderFailure {
  const message = error instanceof Error ? error.message : String(error);
  return { message: `adapter threw: ${message}`, retryable: true, cause: error };
}

/**
 * Runs one attempt against one deployment: forwards text and tool calls as router events, enforces
 * the first-token and idle timeouts (aborting the upstream request when one fires), and returns what
 * happened so the router can record health and decide on failover.
 */
export async function* runAttempt(
  deployment: Deployment,
  request: ModelRequest,
  timeouts: AttemptTimeouts,
  promptTokens: number,
): AsyncGenerator<RouterEvent, AttemptResult> {
  const started = performance.now();
  const upstream = new AbortController();
  const forwardAbort = () => upstream.abort(request.signal.reason);
  request.signal.addEventListener('abort', forwardAbort, { once: true });
  const iterator = deployment.languageModel
    .stream({ ...request, signal: upstream.signal })
    [Symbol.asyncIterator]();

  let text = '';
  let toolCallText = '';
  let toolCalls = 0;
  let firstTokenAt: number | null = null;
  let usage: { inputTokens: number; outputTokens: number } | null = null;
  let finishReason: FinishReason | undefined;
  let failure: ProviderFailure | undefined;

  try {
    while (true) {
      const limit = firstTokenAt === null ? timeouts.firstTokenMs : timeouts.idleMs;
      let next: IteratorResult<StreamPart> | Timeout;
      try {
        next = await nextWithTimeout(iterator, limit);
      } catch (error) {
        failure = thrownFailure(error);
        break;
      }
      if (request.signal.aborted) break;
      if (isTimeout(next)) {
        const phase = firstTokenAt === null ? 'first token' : 'next chunk';
        failure = { message: `no ${phase} within ${limit}ms`, retryable: true };
        break;
      }
      if (next.done) break;
      const part = next.value;
      if (part.type === 'text-delta' || part.type === 'tool-call') firstTokenAt ??= performance.now();
      if (part.type === 'text-delta') {
        if (part.text.length === 0) continue;
        text += part.text;
        yield part;
      } else if (part.type === 'tool-call') {
        toolCalls += 1;
        toolCallText += JSON.stringify(part.call.args);
        yield part;
      } else if (part.type === 'usage') {
        usage = { inputTokens: part.inputTokens, outputTokens: part.outputTokens };
      } else if (part.type === 'finish') {
        finishReason = part.reason;
        break;
      } else {
        failure = part.error;
        break;
      }
    }
  } finally {
    request.signal.removeEventListener('abort', forwardAbort);
    // Stops the upstream request (the SDK closes the connection) whatever ended the attempt.
    upstream.abort();
    void iterator.return?.().catch(() => undefined);
  }

  if (!failure && !finishReason && !request.signal.aborted) {
    failure = { message: 'stream ended without a finish', retryable: true };
  }
  const ended = performance.now();
  const inputTokens = usage?.inputTokens ?? promptTokens;
  const outputTokens = usage?.outputTokens ?? estimateTokens(text + toolCallText);
  const outcome = request.signal.aborted ? 'cancelled' : failure ? 'error' : 'ok';
  const streamingSeconds = firstTokenAt === null ? 0 : (ended - firstTokenAt) / 1000;
  return {
    attempt: {
      deploymentId: deployment.id,
      provider: deployment.provider,
      model: deployment.model,
      outcome,
      ...(outcome === 'error' && failure ? { error: failure.message } : {}),
      inputTokens,
      outputTokens,
      costUsd: costUsd(deployment, inputTokens, outputTokens),
      ttftMs: firstTokenAt === null ? null : Math.round(firstTokenAt - started),
      totalMs: Math.round(ended - started),
    },
    ...(failure ? { failure } : {}),
    ...(finishReason ? { finishReason } : {}),
    text,
    toolCalls,
    outputTokensPerSecond:
      streamingSeconds > 0.05 && outputTokens > 0 ? outputTokens / streamingSeconds : null,
  };
}
