import type { ErrorCode, ErrorPayload } from './protocol/index.js';

/**
 * The server's side of the protocol's error codes: each code's HTTP status, whether a retry may
 * succeed, and its default message. Exactly the protocol's codes, no more and no fewer.
 */
export const errorCatalog = {
  invalid: { status: 400, retryable: false, message: 'Invalid input' },
  unauthorized: { status: 401, retryable: false, message: 'A valid token is required' },
  forbidden: { status: 403, retryable: false, message: 'You may not access this resource' },
  not_found: { status: 404, retryable: false, message: 'Not found' },
  method_not_allowed: { status: 405, retryable: false, message: 'This path does not take that method' },
  payload_too_large: { status: 413, retryable: false, message: 'Payload too large' },
  headers_too_large: { status: 431, retryable: false, message: 'Request headers too large' },
  busy: { status: 409, retryable: true, message: 'Too many turns are queued for this session' },
  conflict: { status: 409, retryable: false, message: 'Not possible in the current state' },
  rate_limited: { status: 429, retryable: true, message: 'Too many requests' },
  budget_exceeded: { status: 402, retryable: false, message: 'Daily budget for this listener is spent' },
  cancelled: { status: 499, retryable: false, message: 'Cancelled' },
  provider_error: { status: 502, retryable: true, message: 'The language model failed' },
  tool_error: { status: 502, retryable: false, message: 'The model called a tool with invalid arguments' },
  unavailable: { status: 503, retryable: true, message: 'Service temporarily unavailable' },
  internal: { status: 500, retryable: false, message: 'Internal error' },
} as const satisfies Record<ErrorCode, { status: number; retryable: boolean; message: string }>;

export class EchoError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  /** When a retry may succeed (rate limits): how long to wait first. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options: { cause?: unknown; retryable?: boolean; retryAfterMs?: number } = {},
  ) {
    super(message ?? errorCatalog[code].message, { cause: options.cause });
    this.name = 'EchoError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.retryable = options.retryable ?? errorCatalog[code].retryable;
    this.retryAfterMs = options.retryAfterMs;
  }

  toPayload(): ErrorPayload {
    const payload: ErrorPayload = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.retryAfterMs !== undefined) payload.retryAfterMs = this.retryAfterMs;
    return payload;
  }
}

export function isEchoError(error: unknown): error is EchoError {
  return error instanceof EchoError;
}

/** Wraps anything thrown into an EchoError; unknown errors become `internal` and keep their cause. */
export function toEchoError(error: unknown): EchoError {
  if (isEchoError(error)) return error;
  return new EchoError('internal', undefined, { cause: error });
}

/** A zod failure as one readable line that names each field and its problem. */
export function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .map((issue) => {
      const field = issue.path.map(String).join('.') || '(root)';
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}

export function invalid(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): EchoError {
  return new EchoError('invalid', describeIssues(issues));
}
