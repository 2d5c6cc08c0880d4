/**
 * `npm run catalog:import -- <file-or-url> [--without-genres]`: imports a CSV (TidyTuesday or Kaggle
 * Spotify columns) or JSON catalog into the store the environment selects (same settings as the server).
 */
import { SingleBar } from 'cli-progress';
import { loadConfig, secretValues } from '../config/index.js';
import { createLogger } from '../logger.js';
import { runCli } from '../run-cli.js';
import { createStore } from '../store/index.js';
import { importCatalogIntoStore } from './import/index.js';

const usage = 'usage: npm run catalog:import -- <file-or-url> [--without-genres]';

async function main(argv: string[]): Promise<number> {
  const location = argv.find((argument) => !argument.startsWith('--'));
  if (!location || argv.includes('--help')) {
    console.error(usage);
    return location ? 0 : 2;
  }
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, undefined, {
    format: config.LOG_FORMAT,
    secrets: secretValues(process.env),
  });
  const store = await createStore({ config, logger });
  const bar = new SingleBar({ format: '{phase} [{bar}] {percentage}% | {value}/{total}', hideCursor: true });
  let phase = '';
  try {
    const { report, job } = await importCatalogIntoStore(store, location, {
      withoutGenres: argv.includes('--without-genres'),
      onProgress: (progress) => {
        if (progress.phase !== phase) {
          if (phase !== '') bar.stop();
          phase = progress.phase;
          bar.start(progress.total ?? 0, 0, { phase });
        }
        bar.update(progress.done, { phase });
      },
    });
    if (phase !== '') bar.stop();
    console.log(
      `import ${job.id} (${report.columnSet ?? 'unknown'} columns): read ${report.read}, imported ${report.imported}, ` +
        `merged ${report.merged}, rejected ${report.rejected}`,
    );
    for (const error of report.errors) console.log(`  rejected ${error}`);
    return 0;
  } finally {
    if (phase !== '') bar.stop();
    await store.close();
  }
}

runCli(() => main(process.argv.slice(2)));
