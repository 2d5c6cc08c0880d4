/**
 * The learned similarity on subgenres it never saw (npm run eval:recommend, after eval-recommend.ts):
 * the protocol of held-out-subgenres.ts for several splits, the model trained in this run for each,
 * the baselines beside it on the same queries. EVAL_SPLITS, EVAL_QUERIES, EVAL_TRAINING_STEPS shorten it.
 */
import { sharedDataset } from '../test/support/environment.js';
import { evaluateSplit, loadAnonymousCatalog, type SplitResult } from './held-out-subgenres.js';
import { printTable } from './print-table.js';

const splitSeeds = (process.env.EVAL_SPLITS ?? '11,12,13').split(',').map(Number);
const queriesPerSubgenre = Number(process.env.EVAL_QUERIES ?? 25);
const steps = Number(process.env.EVAL_TRAINING_STEPS ?? 3000);

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

async function main(): Promise<void> {
  const path = sharedDataset('tidytuesday_spotify_songs.csv');
  if (!path) throw new Error('tidytuesday_spotify_songs.csv not found in ../shared/data');
  const catalog = await loadAnonymousCatalog(path);
  console.log(
    `\nlearned similarity on held-out subgenres: ${catalog.tracks.length} tracks without artists, albums or ` +
      `genres; ${queriesPerSubgenre} queries × held-out subgenre; ${steps} training steps per split\n`,
  );
  const results = new Map<number, SplitResult>();
  for (const splitSeed of splitSeeds) {
    const result = await evaluateSplit(catalog, { splitSeed, steps, queriesPerSubgenre });
    console.log(
      `split ${splitSeed}: learned from ${result.trainingPlaylists} playlists (${result.trainingSeconds.toFixed(0)} s) ` +
        `of ${result.learned.join(', ')}; held out: ${result.heldOut.join(', ')}`,
    );
    results.set(splitSeed, result);
  }
  const names = [...[...results.values()][0]!.precision.keys()];
  const baseline = names[0]!;
  const cell = (figures: Map<string, number>, name: string) =>
    name === baseline
      ? figures.get(name)!.toFixed(3)
      : `${figures.get(name)!.toFixed(3)} (${(figures.get(name)! / figures.get(baseline)!).toFixed(2)}×)`;
  const averaged = new Map(
    names.map((name) => [name, mean([...results.values()].map((result) => result.precision.get(name)!))]),
  );
  console.log('');
  printTable(
    ['split seed', ...names],
    [
      ...[...results].map(([splitSeed, result]) => [
        String(splitSeed),
        ...names.map((name) => cell(result.precision, name)),
      ]),
      ['mean', ...names.map((name) => cell(averaged, name))],
    ],
  );
  const ratio = averaged.get('echotune')! / averaged.get(baseline)!;
  console.log('');
  printTable(
    ['check', 'result'],
    [
      [
        'echotune ≥ 2× kNN on 9 audio features (mean of splits)',
        `${ratio.toFixed(2)}× ${ratio >= 2 ? 'PASS' : 'FAIL'}`,
      ],
    ],
  );
}

await main();
