import { parseArgs } from 'node:util';
import type { z } from 'zod';

type FlagTypes = Record<string, { type: 'string' | 'boolean' }>;

/**
 * A bench's command line read strictly and checked with its schema; a refusal names the flag (zod's
 * messages, joined) and ends with the usage line. `refuse` builds the error the caller throws.
 */
export function parseFlags<Schema extends z.ZodType>(
  argv: string[],
  flags: FlagTypes,
  schema: Schema,
  usage: string,
  refuse: (message: string) => Error = (message) => new Error(message),
): z.infer<Schema> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: argv, strict: true, options: flags }).values;
  } catch (error) {
    throw refuse(`${(error as Error).message}\n${usage}`);
  }
  const result = schema.safeParse(values);
  if (!result.success) {
    throw refuse(`${result.error.issues.map((issue) => issue.message).join('; ')}\n${usage}`);
  }
  return result.data;
}
