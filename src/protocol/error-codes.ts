/**
 * Every error that leaves the service (REST body, socket ack, turn:error) carries one of these codes.
 * The server's catalog (src/errors.ts) gives each its HTTP status and default message; the README
 * documents each (test/errors.test.ts keeps the three in step).
 */
export const errorCodes = [
  'invalid',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'headers_too_large',
  'busy',
  'conflict',
  'rate_limited',
  'budget_exceeded',
  'cancelled',
  'provider_error',
  'tool_error',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** An error as it travels on the wire. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  /** Set on `rate_limited`: wait this long before trying again. */
  retryAfterMs?: number;
}
