import type { Attempt } from '../../protocol/index.js';
import type { FinishReason, ModelRequest, ProviderFailure, RouterEvent, StreamPart } from '../contract.js';
import type { Deployment } from '../deployments/deployment.js';
import { costUsd } from '../deployments/pricing.js';
import { UsageMeter } from './usage-meter.js';

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

const timedOut: Timeout = { timedOut: true };

/**
 * The wait for an attempt's next part, bounded: one timer per attempt, re-armed for each wait, instead
 * of a new timer and a race for every chunk of a stream.
 */
class PartDeadline {
  private timer: NodeJS.Timeout | null = null;
  private milliseconds = 0;
  private expire: (() => void) | null = null;

  next<T>(iterator: AsyncIterator<T>, milliseconds: number): Promise<IteratorResult<T> | Timeout> {
    return new Promise((resolve, reject) => {
      this.expire = () => resolve(timedOut);
      if (this.timer && milliseconds === this.milliseconds) this.timer.refresh();
      else {
        this.stop();
        this.milliseconds = milliseconds;
        this.timer = setTimeout(() => this.expire?.(), milliseconds);
      }
      iterator.next().then(resolve, reject);
    });
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
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
  let toolCalls = 0;
  let firstTokenAt: number | null = null;
  const meter = new UsageMeter();
  let finishReason: FinishReason | undefined;
  let failure: ProviderFailure | undefined;
  const deadline = new PartDeadline();

  try {
    while (true) {
      const limit = firstTokenAt === null ? timeouts.firstTokenMs : timeouts.idleMs;
      let next: IteratorResult<StreamPart> | Timeout;
      try {
        next = await deadline.next(iterator, limit);
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
        meter.observeOutput(part.text);
        yield part;
      } else if (part.type === 'tool-call') {
        toolCalls += 1;
        meter.observeOutput(JSON.stringify(part.call.args));
        yield part;
      } else if (part.type === 'usage') {
        meter.observeReport(part.inputTokens, part.outputTokens, part.estimated);
      } else if (part.type === 'finish') {
        finishReason = part.reason;
        break;
      } else {
        failure = part.error;
        break;
      }
    }
  } finally {
    deadline.stop();
    request.signal.removeEventListener('abort', forwardAbort);
    // A finished stream has released its connection to the keep-alive pool; aborting it then would only
    // cost an exception object. Anything else (failure, timeout, cancel) stops the upstream request.
    if (!finishReason) upstream.abort();
    void iterator.return?.().catch(() => undefined);
  }

  if (!failure && !finishReason && !request.signal.aborted) {
    failure = { message: 'stream ended without a finish', retryable: true };
  }
  const ended = performance.now();
  const outcome = request.signal.aborted ? 'cancelled' : failure ? 'error' : 'ok';
  const { inputTokens, outputTokens, estimated } = meter.billed(promptTokens, outcome === 'ok');
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
      ...(estimated ? { estimated: true } : {}),
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
