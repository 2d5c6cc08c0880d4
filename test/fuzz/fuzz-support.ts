import fc from 'fast-check';
import { z } from 'zod';
import { errorCodes } from '../../src/protocol/index.js';

/** Limits high enough that fuzz traffic is answered on its merits, not with 429. */
export const fuzzServerEnv = {
  RATE_LIMIT_REQUESTS_PER_MINUTE: '1000000',
  RATE_LIMIT_MESSAGES_PER_MINUTE: '1000000',
  RATE_LIMIT_SESSIONS_PER_MINUTE: '1000000',
  MAX_CONNECTIONS_PER_IP: '100000',
  MAX_CONNECTIONS_PER_LISTENER: '100000',
  SERVE_CLIENT: 'false',
  ADMIN_TOKEN: 'admin-token-for-the-fuzz-suite',
  METRICS_TOKEN: 'metrics-token-for-the-fuzz-suite',
  JWT_SECRET: 'j'.repeat(40),
};

/** An error as the catalog sends it; `internal` would mean a client's input reached an unhandled path. */
export const errorPayloadSchema = z.strictObject({
  code: z.enum(errorCodes).refine((code) => code !== 'internal', 'must not be internal'),
  message: z.string().min(1),
  retryable: z.boolean(),
  retryAfterMs: z.number().int().min(0).optional(),
});

export const ackSchema = z.union([
  z.looseObject({ ok: z.literal(true) }),
  z.strictObject({ ok: z.literal(false), error: errorPayloadSchema }),
]);

export const restErrorSchema = z.strictObject({ error: errorPayloadSchema });

/** Throws, naming what was sent, unless `value` matches `schema` (inside fc properties). */
export function assertShape(schema: z.ZodType, value: unknown, what: string): void {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new Error(`${what} answered ${JSON.stringify(value)?.slice(0, 500)}: ${result.error.message}`);
  }
}

/** Keys that have bitten JavaScript services: prototype pollution, Mongo operators, our own field names. */
export const hostileKeys = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '$gt',
  '$where',
  'sessionId',
  'userId',
  'ok',
  'error',
] as const;

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

export const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.oneof(loneSurrogate, fc.string({ minLength: 1, maxLength: 1 })), maxLength: 10 }),
  // Around the 100-character id limit and the 200-character title limit.
  fc.string({ minLength: 95, maxLength: 105 }),
  fc.string({ minLength: 195, maxLength: 205 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\r\n',
    '../../etc/passwd',
    "' OR 1=1 --",
    '{"$gt":""}',
    '%00%2e%2e',
    '\u202e\ufeff',
    'x'.repeat(5_000),
  ),
);

/** Lone surrogates replaced: what URL and form encoders need (the socket side sends them as they are). */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDFFF]/gu, '\uFFFD');
}

export const hugeNumber = fc.constantFrom(
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MIN_VALUE,
  2 ** 64,
  1e21,
  -1,
  -0,
  0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
);

/** Any value at all, with hostile keys, strings and numbers among the ordinary ones. */
export const anyValue = fc.anything({
  key: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...hostileKeys)),
  values: [hostileString, hugeNumber, fc.integer(), fc.double(), fc.boolean(), fc.constant(null)],
  maxDepth: 4,
  maxKeys: 6,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withBoxedValues: true,
});

/** An object like `base` with `key` set as an own property (even `__proto__`, which `=` would not set). */
export function withOwn(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...base };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A valid shape with one thing wrong (a field replaced, removed or added), or left as it is. */
export function mutated(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(base);
  const options: fc.Arbitrary<unknown>[] = [
    fc.tuple(fc.constantFrom(...hostileKeys), anyValue).map(([key, value]) => withOwn(base, key, value)),
    fc.tuple(fc.string({ maxLength: 10 }), anyValue).map(([key, value]) => withOwn(base, key, value)),
    fc.constant([base]),
  ];
  if (keys.length > 0) {
    options.push(
      fc.tuple(fc.constantFrom(...keys), anyValue).map(([key, value]) => withOwn(base, key, value)),
      fc.tuple(fc.constantFrom(...keys), hostileString).map(([key, value]) => withOwn(base, key, value)),
      fc.constantFrom(...keys).map((key) => {
        const { [key]: _dropped, ...rest } = base;
        return rest;
      }),
    );
  }
  // Valid as it is, often: so the handlers behind validation are fuzzed too.
  return fc.oneof({ weight: 3, arbitrary: fc.constant(base) }, ...options);
}

/** The keys of the shared prototypes: a payload that polluted one (the server is in-process) adds some. */
export function prototypeKeys(): string[] {
  return [Object.prototype, Array.prototype, Function.prototype].flatMap((prototype) =>
    Reflect.ownKeys(prototype).map(String),
  );
}

/**
 * Every unhandled rejection, and every warning (a listener leak shows as MaxListenersExceededWarning), the
 * process saw while it ran: the server runs in-process, so its faults land here.
 */
export function watchProcessFaults(): { rejections: unknown[]; warnings: string[]; stop(): void } {
  const rejections: unknown[] = [];
  const warnings: string[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('unhandledRejection', onRejection);
  process.on('warning', onWarning);
  return {
    rejections,
    warnings,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('warning', onWarning);
    },
  };
}

/** How long GET /health takes, failing unless it answers 200. */
export async function healthLatencyMs(baseUrl: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/health`);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`/health answered ${response.status}`);
  return performance.now() - started;
}

/** What /health may take at any point of a fuzz run. */
export const HEALTH_BUDGET_MS = 1_000;

/** Asks /health mid-run, counting into `tally`; fails the run when it is slower than the budget. */
export async function checkHealthMidRun(
  baseUrl: string,
  tally: { healthChecks: number; slowestHealthMs: number },
): Promise<void> {
  const latency = await healthLatencyMs(baseUrl);
  tally.healthChecks += 1;
  tally.slowestHealthMs = Math.max(tally.slowestHealthMs, latency);
  if (latency > HEALTH_BUDGET_MS) throw new Error(`/health took ${Math.round(latency)} ms mid-run`);
}
