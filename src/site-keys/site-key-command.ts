import { parseArgs } from 'node:util';
import { siteKeyCreateBodySchema, siteKeySchema } from '../protocol/index.js';

/** What `npm run site-key -- …` was asked to do, checked before any store is opened. */
export type SiteKeyCommand =
  | { action: 'help' }
  | { action: 'create'; name: string; origins: string[]; json: boolean }
  | { action: 'list'; json: boolean }
  | { action: 'revoke'; key: string; json: boolean };

export const siteKeyUsage = `usage: npm run site-key -- <command> [--json]

  create --name <name> --origin <origin> [--origin <origin> …]
                         a new key for the widget, allowed on these origins (scheme://host[:port])
  list                   every key, newest first, revoked ones included
  revoke <pk_…>          refuse the key from now on (running servers notice within 30 s)

  --json                 print JSON instead of a table`;

/** A mistake in the arguments: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const options = {
  name: { type: 'string' },
  origin: { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function parseSiteKeyCommand(argv: string[]): SiteKeyCommand {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [action, ...rest] = positionals;
  if (values.help || action === 'help' || action === undefined) return { action: 'help' };
  if (action === 'create') return createCommand(values, rest);
  if (action === 'list') {
    refuseExtra(rest, 'list');
    refuseCreateOptions(values, 'list');
    return { action: 'list', json: values.json };
  }
  if (action === 'revoke') return revokeCommand(values, rest);
  throw new UsageError(`unknown command "${action}": use create, list or revoke`);
}

type Values = { name?: string | undefined; origin?: string[] | undefined; json: boolean };

function createCommand(values: Values, rest: string[]): SiteKeyCommand {
  refuseExtra(rest, 'create');
  if (values.name === undefined) throw new UsageError('create needs --name <name>');
  const origins = values.origin ?? [];
  if (origins.length === 0) throw new UsageError('create needs at least one --origin <origin>');
  const checked = siteKeyCreateBodySchema.safeParse({ name: values.name, origins });
  if (!checked.success) {
    // The same rules as the admin endpoint, but naming the flag and the value as typed.
    const problems = checked.error.issues.map((issue) => {
      const [field, index] = issue.path;
      if (field === 'origins' && typeof index === 'number') {
        return `--origin ${origins[index]}: ${issue.message}`;
      }
      return `--${field === 'origins' ? 'origin' : String(field)}: ${issue.message}`;
    });
    throw new UsageError(problems.join('\n'));
  }
  return { action: 'create', ...checked.data, json: values.json };
}

function revokeCommand(values: Values, rest: string[]): SiteKeyCommand {
  const [key, ...extra] = rest;
  if (key === undefined) throw new UsageError('revoke needs the key: revoke pk_…');
  refuseExtra(extra, 'revoke');
  refuseCreateOptions(values, 'revoke');
  const checked = siteKeySchema.safeParse(key);
  if (!checked.success) throw new UsageError(`${key}: ${checked.error.issues[0]?.message}`);
  return { action: 'revoke', key: checked.data, json: values.json };
}

function refuseExtra(rest: string[], action: string): void {
  if (rest.length > 0) throw new UsageError(`${action} takes no further arguments (got ${rest.join(' ')})`);
}

function refuseCreateOptions(values: Values, action: string): void {
  if (values.name !== undefined || values.origin !== undefined) {
    throw new UsageError(`--name and --origin belong to create, not ${action}`);
  }
}
