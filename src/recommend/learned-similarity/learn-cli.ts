/**
 * `npm run learn:similarity -- <catalog CSV, path or URL> [--steps N] [--out file]`: learns the engine's
 * similarity from the playlists of a catalog file whose rows name their playlist (TidyTuesday
 * `spotify_songs`) and writes the model the engine loads (by default the shipped one).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { z } from 'zod';
import { runCli } from '../../run-cli.js';
import { readPlaylistCatalog } from './playlists.js';
import { trainSimilarity } from './train-similarity.js';
import { trainingSetOf } from './training-set.js';

const usage = 'usage: npm run learn:similarity -- <catalog CSV path or URL> [--steps N] [--out file]';
const shippedPath = fileURLToPath(new URL('./similarity-model.json', import.meta.url));

const argumentsSchema = z.object({
  location: z.string({ error: 'give the catalog file or URL' }).min(1, 'give the catalog file or URL'),
  steps: z.coerce.number().int().min(1).max(1_000_000).default(3000),
  out: z.string().min(1).default(shippedPath),
});

function parseArguments(argv: string[]) {
  const flag = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const location = argv.find((argument, at) => !argument.startsWith('--') && !argv[at - 1]?.startsWith('--'));
  return argumentsSchema.safeParse({ location, steps: flag('steps'), out: flag('out') });
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(usage);
    return 0;
  }
  const parsed = parseArguments(argv);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    console.error(`${issue.path.join('.')}: ${issue.message}\n${usage}`);
    return 2;
  }
  const { location, steps, out } = parsed.data;
  const catalog = await readPlaylistCatalog(location);
  console.log(`${catalog.tracks.length} tracks in ${catalog.playlists.length} playlists`);
  const bar = new SingleBar({
    format: 'learning [{bar}] {percentage}% | step {value}/{total} | loss {loss}',
  });
  bar.start(steps, 0, { loss: '-' });
  const model = trainSimilarity(trainingSetOf(catalog.tracks, catalog.playlists), {
    steps,
    onProgress: (step, total, loss) => {
      bar.setTotal(total);
      bar.update(step, { loss: loss.toFixed(3) });
    },
  });
  bar.stop();
  await writeFile(out, `${JSON.stringify(model)}\n`);
  console.log(`wrote ${out} (final loss ${model.trainedOn.loss})`);
  return 0;
}

runCli(() => main(process.argv.slice(2)));
