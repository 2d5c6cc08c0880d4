import type { ProviderFailure } from '../contract.js';

/**
 * Turns whatever an SDK threw into a ProviderFailure. The three SDKs share a shape (a numeric
 * `status`, and for OpenAI and Anthropic a `headers` object), so one duck-typed reader serves all.
 */

const retryableStatuses = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);

function readHeader(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (headers && typeof headers === 'object') {
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

/** Seconds to wait, from Retry-After (seconds or an HTTP date) or retry-after-ms. */
export function parseRetryAfter(headers: unknown, now = Date.now()): number | undefined {
  const milliseconds = readHeader(headers, 'retry-after-ms');
  if (milliseconds && Number.isFinite(Number(milliseconds))) return Number(milliseconds) / 1000;
  const value = readHeader(headers, 'retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** Gemini puts the delay in the error body (google.rpc.RetryInfo), e.g. "retryDelay": "17s". */
function retryDelayFromBody(message: string): number | undefined {
  const match = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** Providers echo a (partly masked) key in 401 messages; nothing key-like reaches logs or events. */
function redactKeys(text: string): string {
  return text.replace(/\b(sk|key|AIza)[-_A-Za-z0-9*]{8,}/g, '[redacted]');
}

export function failureFromError(error: unknown): ProviderFailure {
  const message = redactKeys(error instanceof Error ? error.message : String(error));
  const record = error && typeof error === 'object' ? (error as Record<string, unknown>) : {};
  const status = typeof record.status === 'number' ? record.status : undefined;
  const retryAfterSeconds = parseRetryAfter(record.headers) ?? retryDelayFromBody(message);
  return {
    message: status ? `HTTP ${status}: ${message.slice(0, 300)}` : message.slice(0, 300),
    // No status means the request never got an answer (reset, refused, timeout): worth another try.
    retryable: status === undefined || retryableStatuses.has(status),
    ...(status !== undefined ? { status } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    cause: error,
  };
}

export function malformedChunk(provider: string, detail: string): ProviderFailure {
  return { message: `malformed ${provider} stream chunk: ${detail.slice(0, 200)}`, retryable: true };
}
