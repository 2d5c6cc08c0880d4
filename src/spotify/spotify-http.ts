import type { z } from 'zod';
import { describeIssues, EchoError } from '../errors.js';

/** The slice of `fetch` used here; tests pass their own. */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;
export type Sleep = (milliseconds: number) => Promise<void>;

export interface RetryPolicy {
  /** 429 answers waited out before giving up with `rate_limited`. */
  maxRateLimitRetries: number;
  /** The longest Retry-After worth waiting for; a longer one is `rate_limited` at once, for the caller to schedule. */
  maxRetryAfterMs: number;
  /** Retries after a 5xx, a timeout or a network failure, before `unavailable`. */
  maxServerRetries: number;
  /** The first wait after a server failure; it doubles each time. */
  serverBackoffMs: number;
  /** How long one attempt may take. */
  timeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRateLimitRetries: 3,
  maxRetryAfterMs: 30_000,
  maxServerRetries: 2,
  serverBackoffMs: 500,
  timeoutMs: 10_000,
};

export const realSleep: Sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Spotify sends whole seconds; an HTTP date is read too. Missing or unreadable: one second. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header === null || header.trim() === '') return 1_000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1_000));
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1_000 : Math.max(0, date - now);
}

export interface SendContext {
  /** Names the request in errors: `GET /v1/search`. */
  what: string;
  policy: RetryPolicy;
  sleep: Sleep;
}

/**
 * Sends until Spotify gives an answer worth reading: waits out 429s (Retry-After, within the policy's cap)
 * and retries 5xx and network failures with backoff. Any other answer, 4xx included, is returned.
 */
export async function sendWithRetries(
  send: (signal: AbortSignal) => Promise<Response>,
  context: SendContext,
): Promise<Response> {
  let rateLimited = 0;
  let failures = 0;
  for (;;) {
    const outcome = await attempt(send, context.policy.timeoutMs);
    if (outcome instanceof Response && outcome.status === 429) {
      const waitMs = retryAfterMs(outcome.headers.get('retry-after'));
      await discard(outcome);
      if (rateLimited >= context.policy.maxRateLimitRetries || waitMs > context.policy.maxRetryAfterMs) {
        throw rateLimitedError(context.what, waitMs);
      }
      rateLimited += 1;
      await context.sleep(waitMs);
      continue;
    }
    if (outcome instanceof Response && outcome.status < 500) return outcome;
    if (failures >= context.policy.maxServerRetries) throw await unavailableError(context.what, outcome);
    if (outcome instanceof Response) await discard(outcome);
    await context.sleep(context.policy.serverBackoffMs * 2 ** failures);
    failures += 1;
  }
}

/** A response, or the error a failed attempt threw (timeout, refused connection). */
async function attempt(send: (signal: AbortSignal) => Promise<Response>, timeoutMs: number) {
  try {
    return await send(AbortSignal.timeout(timeoutMs));
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Frees the connection of an answer that is not read. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

function rateLimitedError(what: string, waitMs: number): EchoError {
  const seconds = Math.ceil(waitMs / 1_000);
  return new EchoError('rate_limited', `Spotify is rate limiting ${what}; try again in ${seconds} s`, {
    retryAfterMs: waitMs,
  });
}

async function unavailableError(what: string, outcome: Response | Error): Promise<EchoError> {
  if (outcome instanceof Error) {
    return new EchoError('unavailable', `Spotify could not be reached for ${what}: ${outcome.message}`, {
      cause: outcome,
    });
  }
  await discard(outcome);
  return new EchoError('unavailable', `Spotify answered ${outcome.status} to ${what}, after retries`);
}

/** Reads a JSON answer against its schema; a surprise names the field and what was wrong with it. */
export async function readJson<Schema extends z.ZodType>(
  response: Response,
  schema: Schema,
  what: string,
): Promise<z.infer<Schema>> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The attempt's timeout also covers reading the body.
    throw new EchoError('unavailable', `Spotify's answer to ${what} was cut off`, { cause: error });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw unexpectedAnswer(what, `the body is not JSON (${text.slice(0, 60)})`, error);
  }
  const result = schema.safeParse(body);
  if (!result.success) throw unexpectedAnswer(what, describeIssues(result.error.issues));
  return result.data;
}

/** Reads an error body if it has the expected shape, else null (the status alone is then reported). */
export async function readErrorBody<Schema extends z.ZodType>(
  response: Response,
  schema: Schema,
): Promise<z.infer<Schema> | null> {
  try {
    const result = schema.safeParse(JSON.parse(await response.text()));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

function unexpectedAnswer(what: string, problem: string, cause?: unknown): EchoError {
  return new EchoError('provider_error', `Spotify's answer to ${what} is not as expected: ${problem}`, {
    cause,
    retryable: false,
  });
}
