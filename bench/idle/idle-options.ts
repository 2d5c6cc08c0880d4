import { z } from 'zod';
import { parseFlags } from '../cli-flags.js';

export const USAGE =
  'npx tsx bench/idle-connections-bench.ts [--connections N] [--per-process 5000] [--settle 10]';

/** Descriptors a server needs besides its connections (stdio, listener, store files, epoll, timers). */
export const SPARE_DESCRIPTORS = 100;

export interface IdleOptions {
  connections: number;
  /** Connections held by one client process. */
  perProcess: number;
  /** Seconds the server is left alone before each reading. */
  settleSeconds: number;
}

const whole = (flag: string, min: number, max: number, why = '') =>
  z.coerce
    .number({ error: `--${flag} must be a number` })
    .int(`--${flag} must be a whole number`)
    .min(min, `--${flag} must be at least ${min}`)
    .max(max, `--${flag} must be at most ${max}${why}`);

/**
 * Reads the bench's flags against the open-file limit the run has (each process, server or client,
 * holds its connections as descriptors); an error names its flag and says why.
 */
export function parseIdleOptions(argv: string[], openFileLimit: number): IdleOptions {
  const most = Math.min(20_000, openFileLimit - SPARE_DESCRIPTORS);
  const why = ` (the open-file limit ${openFileLimit} less ${SPARE_DESCRIPTORS})`;
  const schema = z.strictObject({
    connections: whole('connections', 100, most, why).default(most),
    'per-process': whole('per-process', 100, most, why).default(Math.min(5_000, most)),
    settle: whole('settle', 1, 600).default(10),
  });
  const flags = {
    connections: { type: 'string' },
    'per-process': { type: 'string' },
    settle: { type: 'string' },
  } as const;
  const values = parseFlags(argv, flags, schema, USAGE);
  return {
    connections: values.connections,
    perProcess: values['per-process'],
    settleSeconds: values.settle,
  };
}
