import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const PEER_NAMES = ['litellm', 'portkey'] as const;
export type PeerName = (typeof PEER_NAMES)[number];

/** A comma-separated flag value as its trimmed, non-empty items. */
const listOf = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

const Flags = z.object({
  samples: z.coerce.number().int().min(2).max(100_000).optional(),
  levels: z
    .string()
    .transform(listOf)
    .pipe(z.array(z.coerce.number<string>().int().min(1).max(1000)).min(1))
    .default([1, 50, 200]),
  peers: z
    .string()
    .transform(listOf)
    .pipe(z.array(z.enum(PEER_NAMES)))
    .default([...PEER_NAMES]),
  rounds: z.coerce.number().int().min(1).max(20).optional(),
  quick: z.boolean().default(false),
  'cache-dir': z.string().min(1).optional(),
});

export interface Options {
  /** Counted turns per side, level and arrival shape (before the per-worker bounds below). */
  samples: number;
  levels: number[];
  peers: PeerName[];
  rounds: number;
  /** Turns each of the N workers runs at least and at most: what bounds `samples` at a level. */
  turnsPerWorker: { min: number; max: number };
  quick: boolean;
  cacheDir: string;
}

export const USAGE = `npm run bench:peers -- [--samples 300] [--levels 1,50,200] [--peers litellm,portkey]
                      [--rounds 3] [--quick] [--cache-dir ~/.cache/echotune-peers]`;

/** The command line, validated: an unknown flag or a bad value throws, naming the flag. */
export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      samples: { type: 'string' },
      levels: { type: 'string' },
      peers: { type: 'string' },
      rounds: { type: 'string' },
      quick: { type: 'boolean' },
      'cache-dir': { type: 'string' },
    },
  });
  const parsed = Flags.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [flag, item] = issue.path.map(String);
    throw new Error(`--${flag ?? '?'}${item === undefined ? '' : ` (item ${item})`}: ${issue.message}`);
  }
  const flags = parsed.data;
  const cacheHome = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return {
    // Quick: a few turns per worker and two rounds, enough to see every side work (~6 minutes).
    samples: flags.samples ?? (flags.quick ? 60 : 300),
    levels: flags.levels,
    peers: flags.peers,
    rounds: flags.rounds ?? (flags.quick ? 2 : 3),
    turnsPerWorker: flags.quick ? { min: 1, max: 6 } : { min: 3, max: 20 },
    quick: flags.quick,
    cacheDir: flags['cache-dir'] ?? join(cacheHome, 'echotune-peers'),
  };
}

/** Counted turns per side at one level and arrival shape: `samples`, within the per-worker bounds. */
export const turnsAt = (options: Options, level: number): number =>
  Math.min(Math.max(options.samples, level * options.turnsPerWorker.min), level * options.turnsPerWorker.max);
