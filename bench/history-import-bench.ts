/**
 * Spotify history import: reading 100,000 plays of generated extended streaming history, as a plain
 * JSON file and inside a ZIP (split into yearly files the way Spotify splits them), against a baseline
 * measured in the same run: JSON.parse of the same bytes read whole. The whole import (HistoryImports:
 * read, match each play to the catalog by URI or by title and artist, store in SQLite) runs on the
 * TidyTuesday catalog (28,356 tracks; the bundled one when ../shared/data is absent): a third of the
 * plays are catalog tracks with their URI, a third catalog tracks under another URI (matched by name),
 * a third tracks the catalog lacks. Each case runs in its own process,
 * and its peak RSS is that process's VmHWM (getrusage's maxrss would not do: Linux carries the parent's
 * RSS at fork into a child's maxrss, and the parent holds the generated export). Target (issue #13): the whole import of 100,000 plays
 * under 10 s and under 200 MB. Run: npx tsx bench/history-import-bench.ts (BENCH_PLAYS=… to choose;
 * past 300,000 plays only the ZIP runs: the plain JSON would outgrow the per-file limit and V8's longest
 * string, and the ZIP shows that memory does not grow with the export).
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { ZipFile } from 'yazl';
import { HistoryImports, listeningSignal, readSpotifyExport } from '../src/listening/index.js';
import {
  bundledCatalog,
  createRecommender,
  importRecords,
  loadCatalog,
  openCatalogSource,
} from '../src/recommend/index.js';
import { createSqliteStore } from '../src/store/index.js';
import { printTable } from './print-table.js';

const plays = Number(process.env.BENCH_PLAYS ?? 100_000);
const filesInZip = 7;
const maxPlainPlays = 300_000;
const targetMs = 10_000;
const targetRssMb = 200;

type CaseName =
  | 'JSON.parse (baseline)'
  | 'readSpotifyExport, plain JSON'
  | 'readSpotifyExport, ZIP'
  | 'whole import into SQLite, plain JSON'
  | 'whole import into SQLite, ZIP';
const cases: CaseName[] = [
  'JSON.parse (baseline)',
  'readSpotifyExport, plain JSON',
  'readSpotifyExport, ZIP',
  'whole import into SQLite, plain JSON',
  'whole import into SQLite, ZIP',
];
const catalogCsv = fileURLToPath(new URL('../../shared/data/tidytuesday_spotify_songs.csv', import.meta.url));

/** The catalog's tracks as the rows need them: id, title, first artist. */
type CatalogRow = [id: string, name: string, artist: string];
let catalogRows: CatalogRow[] = [];

async function readCatalogRows(): Promise<CatalogRow[]> {
  const tracks = existsSync(catalogCsv)
    ? (await importRecords((await openCatalogSource(catalogCsv)).records)).tracks
    : bundledCatalog();
  return tracks.map((track) => [track.id, track.name, track.artists[0] ?? '']);
}

interface Measured {
  plays: number;
  ms: number;
  peakRssMb: number;
  /** The whole import: RSS with the catalog loaded, before the import began. */
  catalogRssMb?: number;
  matched?: string;
}

/** One row of the extended history, shaped like the 2023 vintage; every 40th is skipped. */
function row(index: number): Record<string, unknown> {
  const track = index % 7_919;
  const skipped = index % 40 === 0;
  const known =
    catalogRows.length > 0 && index % 3 !== 2 ? catalogRows[track % catalogRows.length] : undefined;
  const names = known
    ? {
        master_metadata_track_name: known[1],
        master_metadata_album_artist_name: known[2],
        spotify_track_uri: `spotify:track:${index % 3 === 0 ? known[0] : track.toString(36).padStart(22, '0')}`,
      }
    : {
        master_metadata_track_name: `Track ${track} — “Édition” ${index % 13}`,
        master_metadata_album_artist_name: `Artist ${track % 613}`,
        spotify_track_uri: `spotify:track:${track.toString(36).padStart(22, '0')}`,
      };
  return {
    ts: new Date(Date.UTC(2017, 0, 1) + index * 180_000).toISOString().replace('.000', ''),
    platform: 'android',
    ms_played: skipped ? 4_000 + (index % 20_000) : 120_000 + ((index * 7_919) % 180_000),
    conn_country: 'SE',
    ip_addr: '192.0.2.10',
    ...names,
    master_metadata_album_album_name: `Album ${track % 1_999}`,
    episode_name: null,
    episode_show_name: null,
    spotify_episode_uri: null,
    audiobook_title: null,
    audiobook_uri: null,
    audiobook_chapter_uri: null,
    audiobook_chapter_title: null,
    reason_start: 'trackdone',
    reason_end: skipped ? 'fwdbtn' : 'trackdone',
    shuffle: index % 3 === 0,
    skipped,
    offline: false,
    offline_timestamp: Math.floor(Date.UTC(2017, 0, 1) / 1000) + index * 180,
    incognito_mode: false,
  };
}

const history = (from: number, to: number) =>
  JSON.stringify(
    Array.from({ length: to - from }, (_, offset) => row(from + offset)),
    null,
    2,
  );

async function prepare(directory: string): Promise<{ jsonPath: string; zipPath: string; jsonBytes: number }> {
  const jsonPath = join(directory, 'Streaming_History_Audio_2017-2023_0.json');
  if (plays <= maxPlainPlays) writeFileSync(jsonPath, history(0, plays));
  const zip = new ZipFile();
  const perFile = Math.ceil(plays / filesInZip);
  let jsonBytes = 0;
  for (let file = 0; file * perFile < plays; file++) {
    const name = `Spotify Extended Streaming History/Streaming_History_Audio_${2017 + file}_${file}.json`;
    const bytes = Buffer.from(history(file * perFile, Math.min(plays, (file + 1) * perFile)));
    jsonBytes += bytes.length;
    zip.addBuffer(bytes, name);
  }
  zip.addBuffer(Buffer.from('%PDF-1.4'), 'Spotify Extended Streaming History/ReadMeFirst.pdf');
  zip.end();
  const zipPath = join(directory, 'my_spotify_data.zip');
  await pipeline(zip.outputStream, createWriteStream(zipPath));
  return { jsonPath, zipPath, jsonBytes };
}

/** Runs one case (in a child process) and returns what it measured. */
async function runCase(name: CaseName, jsonPath: string, zipPath: string): Promise<Measured> {
  if (name.startsWith('whole import')) return wholeImport(name.endsWith('ZIP') ? zipPath : jsonPath);
  const started = performance.now();
  let count = 0;
  if (name === 'JSON.parse (baseline)') {
    const rows = JSON.parse(readFileSync(jsonPath, 'utf8')) as unknown[];
    count = rows.length;
  } else {
    const path = name === 'readSpotifyExport, ZIP' ? zipPath : jsonPath;
    const reading = readSpotifyExport(createReadStream(path), {
      fileName: path.slice(path.lastIndexOf('/') + 1),
    });
    const signals = new Map<string, number>();
    for await (const batch of reading) {
      count += batch.length;
      for (const play of batch) {
        const signal = listeningSignal(play);
        signals.set(signal, (signals.get(signal) ?? 0) + 1);
      }
    }
    if (reading.summary.totals.rejected > 0)
      throw new Error(`rejected rows: ${reading.summary.files[0]?.errors}`);
  }
  const ms = performance.now() - started;
  return { plays: count, ms, peakRssMb: peakRssKib() / 1024 };
}

/**
 * HistoryImports as the server runs it, into a fresh SQLite file: the catalog is imported and loaded
 * first (not timed; its share of the peak RSS is reported beside it).
 */
async function wholeImport(path: string): Promise<Measured> {
  const directory = mkdtempSync(join(tmpdir(), 'echotune-history-import-'));
  const store = await createSqliteStore({ path: join(directory, 'echotune.db') });
  try {
    if (existsSync(catalogCsv)) {
      const { tracks } = await importRecords((await openCatalogSource(catalogCsv)).records);
      await store.upsertTracks(tracks);
    }
    const recommender = createRecommender({ tracks: await loadCatalog(store), store });
    const catalogRssMb = process.memoryUsage().rss / 1024 / 1024;
    const imports = new HistoryImports({ store, recommender });
    const upload = join(directory, path.slice(path.lastIndexOf('/') + 1));
    copyFileSync(path, upload);
    const file = {
      fileName: upload.slice(upload.lastIndexOf('/') + 1),
      path: upload,
      bytes: statSync(upload).size,
    };
    const started = performance.now();
    const job = await imports.start('listener', [file], { importProgress: () => undefined });
    await imports.idle();
    const ms = performance.now() - started;
    const done = await imports.get('listener', job.id);
    if (done.status !== 'done') throw new Error(`import ${done.status}: ${done.errors.join('; ')}`);
    const { report } = done;
    return {
      plays: report.inserted,
      ms,
      peakRssMb: peakRssKib() / 1024,
      catalogRssMb,
      matched: `${report.matchedByUri.toLocaleString('en-US')} by URI, ${report.matchedByName.toLocaleString('en-US')} by name`,
    };
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** This process's own peak resident set, in KiB. */
function peakRssKib(): number {
  try {
    const line = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (line) return Number(line[1]);
  } catch {
    // Not Linux: maxrss is the best there is (it may include the parent's RSS at fork).
  }
  return process.resourceUsage().maxRSS;
}

async function main(): Promise<void> {
  const caseArgument = process.argv.indexOf('--case');
  if (caseArgument >= 0) {
    const [name, jsonPath, zipPath] = process.argv.slice(caseArgument + 1) as [CaseName, string, string];
    console.log(JSON.stringify(await runCase(name, jsonPath, zipPath)));
    return;
  }
  catalogRows = await readCatalogRows();
  const directory = mkdtempSync(join(tmpdir(), 'echotune-history-bench-'));
  try {
    const { jsonPath, zipPath, jsonBytes } = await prepare(directory);
    const zipBytes = readFileSync(zipPath).length;
    const results = new Map<CaseName, Measured>();
    const run = plays <= maxPlainPlays ? cases : cases.filter((name) => name.endsWith('ZIP'));
    for (const name of run) {
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--case', name, jsonPath, zipPath],
        { encoding: 'utf8' },
      );
      if (child.status !== 0) throw new Error(`${name} failed: ${child.stderr}`);
      results.set(name, JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Measured);
    }
    const baseline = results.get('JSON.parse (baseline)');
    const times = (value: number, base: number | undefined) => (base ? (value / base).toFixed(2) : 'n/a');
    const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `${plays.toLocaleString('en-US')} plays: JSON ${megabytes(jsonBytes)} MiB, ZIP ${megabytes(zipBytes)} MiB ` +
        `(${filesInZip} history files)`,
    );
    printTable(
      [
        'case',
        'plays',
        'time ms',
        '× JSON.parse',
        'peak RSS MiB',
        '× JSON.parse ',
        'of it: server with catalog',
        'import adds MiB',
        'target',
      ],
      run.map((name) => {
        const measured = results.get(name)!;
        // The whole import is held to the memory it adds to a running server, which has its catalog loaded.
        const importMb = measured.peakRssMb - (measured.catalogRssMb ?? 0);
        const meets = measured.ms < targetMs && importMb < targetRssMb;
        const target =
          plays === 100_000
            ? meets
              ? `met (<${targetMs / 1000} s, adds <${targetRssMb} MiB)`
              : 'MISSED'
            : '';
        return [
          name,
          measured.plays.toLocaleString('en-US'),
          measured.ms.toFixed(0),
          times(measured.ms, baseline?.ms),
          measured.peakRssMb.toFixed(0),
          times(measured.peakRssMb, baseline?.peakRssMb),
          measured.catalogRssMb?.toFixed(0) ?? '',
          measured.catalogRssMb === undefined ? '' : importMb.toFixed(0),
          name.startsWith('whole import') ? target : '',
        ];
      }),
    );
    for (const name of run) {
      const matched = results.get(name)?.matched;
      if (matched) console.log(`${name}: matched ${matched}`);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
