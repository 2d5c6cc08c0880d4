import { z } from 'zod';
import { parseFlags } from '../cli-flags.js';

/** Why a command line was refused, naming the flag (printed as is, exit code 2). */
export class LoadOptionsError extends Error {}

const count = (flag: string, max: number) =>
  z.coerce
    .number({ error: `--${flag} must be a number` })
    .int(`--${flag} must be a whole number`)
    .min(1, `--${flag} must be at least 1`)
    .max(max, `--${flag} must be at most ${max}`);

const schema = z
  .strictObject({
    clients: count('clients', 5_000).default(50),
    rate: z.coerce
      .number({ error: '--rate must be a number' })
      .positive('--rate must be above 0 (turns per second)')
      .max(1_000, '--rate must be at most 1000 turns per second')
      .default(10),
    duration: count('duration', 86_400).default(30),
    soak: count('soak', 7 * 86_400).optional(),
    faults: z.coerce
      .number({ error: '--faults must be a number' })
      .min(0, '--faults must be a share between 0 and 1')
      .max(1, '--faults must be a share between 0 and 1')
      .default(0),
    instances: count('instances', 5).default(1),
    chaos: z.boolean().default(false),
  })
  .refine((options) => !options.chaos || options.instances >= 2, {
    message: '--chaos needs --instances 2 or more (it kills one instance and restarts Redis and the store)',
  });

export type LoadOptions = z.infer<typeof schema>;

/** How long the load runs: --soak when given, else --duration. */
export const runSeconds = (options: LoadOptions): number => options.soak ?? options.duration;

export const USAGE = `npm run load -- [--clients 50] [--rate 10] [--duration 30] [--soak <seconds>]
                [--faults <share 0-1>] [--instances 1] [--chaos]`;

/** Reads the harness's flags; every value is checked, and an error names its flag. */
export function parseLoadOptions(argv: string[]): LoadOptions {
  return parseFlags(
    argv,
    {
      clients: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      soak: { type: 'string' },
      faults: { type: 'string' },
      instances: { type: 'string' },
      chaos: { type: 'boolean' },
    },
    schema,
    USAGE,
    (message) => new LoadOptionsError(message),
  );
}
