/**
 * `npm run site-key -- create --name <name> --origin <origin>… | list | revoke <pk_…> [--json]`: manages
 * the embeddable widget's site keys in the store the environment selects (same settings as the server).
 */
import { loadConfig, secretValues } from '../config/index.js';
import { createLogger } from '../logger.js';
import type { SiteKey } from '../protocol/index.js';
import { runCli } from '../run-cli.js';
import { createStore, type SiteKeyStore } from '../store/index.js';
import { parseSiteKeyCommand, type SiteKeyCommand, siteKeyUsage, UsageError } from './site-key-command.js';
import { formatSiteKeyTable } from './site-key-table.js';

/** What the command prints and its exit code (1: no such key). */
async function run(
  store: SiteKeyStore,
  command: Exclude<SiteKeyCommand, { action: 'help' }>,
): Promise<{ output: string; code: number }> {
  const print = (siteKeys: SiteKey[], single: boolean) => ({
    output: command.json
      ? JSON.stringify(single ? siteKeys[0] : siteKeys, null, 2)
      : formatSiteKeyTable(siteKeys),
    code: 0,
  });
  switch (command.action) {
    case 'create':
      return print([await store.createSiteKey({ name: command.name, origins: command.origins })], true);
    case 'list':
      return print(await store.listSiteKeys(), false);
    case 'revoke': {
      const revoked = await store.revokeSiteKey(command.key);
      if (revoked === null) return { output: `no site key ${command.key}`, code: 1 };
      return print([revoked], true);
    }
  }
}

async function main(argv: string[]): Promise<number> {
  let command: SiteKeyCommand;
  try {
    command = parseSiteKeyCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${siteKeyUsage}`);
    return 2;
  }
  if (command.action === 'help') {
    console.log(siteKeyUsage);
    return 0;
  }
  const config = loadConfig();
  // Logs go to stderr, so `--json` output can be piped as it is.
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, process.stderr, {
    format: config.LOG_FORMAT,
    secrets: secretValues(process.env),
  });
  const store = await createStore({ config, logger });
  try {
    const { output, code } = await run(store, command);
    (code === 0 ? console.log : console.error)(output);
    return code;
  } finally {
    await store.close();
  }
}

runCli(() => main(process.argv.slice(2)));
