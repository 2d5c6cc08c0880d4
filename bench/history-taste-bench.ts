/**
 * The taste an imported history gives (issue #13): for each genre of the bundled catalog, a listener
 * whose imported history plays only that genre (every track of it, three times, full length) asks five
 * open-ended questions; the share of that genre in the answers, against a new listener asking the same
 * in the same run. Run: npx tsx bench/history-taste-bench.ts
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryImports } from '../src/listening/index.js';
import { bundledCatalog, createRecommender } from '../src/recommend/index.js';
import { createSqliteStore } from '../src/store/index.js';
import { genreShare, oneGenreHistory, openQuestions } from '../test/support/taste-fixtures.js';
import { printTable } from './print-table.js';

const catalog = bundledCatalog();
const genres = [...new Set(catalog.map((track) => track.genres[0]!))].sort();

const directory = mkdtempSync(join(tmpdir(), 'echotune-taste-bench-'));
const store = await createSqliteStore({ path: ':memory:' });
try {
  await store.upsertTracks(catalog);
  const engine = createRecommender({ tracks: catalog, store, historyTtlMs: 0 });
  const imports = new HistoryImports({ store, recommender: engine });

  const rows: string[][] = [];
  let sumWith = 0;
  let sumWithout = 0;
  for (const genre of genres) {
    const userId = `history-${genre}`;
    const plays = oneGenreHistory(catalog, genre);
    const path = join(directory, `${userId}.json`);
    writeFileSync(path, JSON.stringify(plays));
    await imports.start(
      userId,
      [{ fileName: 'StreamingHistory_music_0.json', path, bytes: statSync(path).size }],
      {
        importProgress: () => undefined,
      },
    );
    await imports.idle();
    const withHistory = await genreShare(engine, genre, userId);
    const fresh = await genreShare(engine, genre, 'new-listener');
    sumWith += withHistory;
    sumWithout += fresh;
    const ratio = fresh === 0 ? '∞' : (withHistory / fresh).toFixed(1);
    rows.push([genre, String(plays.length), pct(fresh), pct(withHistory), ratio]);
  }
  rows.push([
    'mean',
    '',
    pct(sumWithout / genres.length),
    pct(sumWith / genres.length),
    (sumWith / sumWithout).toFixed(1),
  ]);
  console.log(
    `${catalog.length} tracks, ${genres.length} genres, ${openQuestions.length} open questions × 10 tracks`,
  );
  printTable(['history genre', 'plays', 'new listener', 'with history', '× new listener'], rows);
} finally {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
}

function pct(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}
