import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateSplit, loadAnonymousCatalog } from '../../bench/held-out-subgenres.js';
import type { CatalogTrack } from '../../src/protocol/index.js';
import { attributeColumn, buildFeatureIndex, learnedColumns } from '../../src/recommend/feature-index.js';
import { bundledCatalog, seededRandom } from '../../src/recommend/index.js';
import {
  normalScore,
  quantileOf,
  shippedSimilarityModel,
  similarityModelSchema,
  trainingSetOf,
  trainSimilarity,
} from '../../src/recommend/learned-similarity/index.js';
import { mergeMembers } from '../../src/recommend/learned-similarity/merge-members.js';
import { rowDistance } from '../../src/recommend/similarity.js';
import { makeTrack } from '../store/store-fixtures.js';
import { missing, repoRoot, sharedDataset } from '../support/environment.js';

const workDir = mkdtempSync(join(tmpdir(), 'echotune-learn-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/**
 * Two scenes that no single attribute tells apart: scene A is loud-and-acoustic or quiet-and-electric,
 * scene B the other two corners (an XOR of energy and acousticness); every other attribute is noise.
 */
function xorCatalog(count: number, seed: number): { tracks: CatalogTrack[]; scene: number[] } {
  const random = seededRandom(seed);
  const scene: number[] = [];
  const tracks = Array.from({ length: count }, (_, at) => {
    const energy = random();
    const acousticness = random();
    scene.push(Number(energy > 0.5) ^ Number(acousticness > 0.5));
    const base = makeTrack(`t${at}`);
    return makeTrack(`t${at}`, {
      popularity: Math.floor(random() * 100),
      features: {
        ...base.features,
        energy,
        acousticness,
        danceability: random(),
        valence: random(),
        tempo: 60 + random() * 120,
      },
    });
  });
  return { tracks, scene };
}

function playlistsOf(scene: number[], perScene: number, size: number, seed: number) {
  const random = seededRandom(seed);
  return [0, 1].flatMap((label) => {
    const members = scene.flatMap((value, row) => (value === label ? [`t${row}`] : []));
    return Array.from({ length: perScene }, (_, at) => ({
      id: `scene${label}-${at}`,
      genre: '',
      subgenre: `scene ${label}`,
      trackIds: Array.from({ length: size }, () => members[Math.floor(random() * members.length)]!),
    }));
  });
}

/** Mean distance between rows of one scene, divided by the mean distance between rows of different scenes. */
function withinOverAcross(distance: (left: number, right: number) => number, scene: number[]): number {
  let within = 0;
  let withinPairs = 0;
  let across = 0;
  let acrossPairs = 0;
  for (let left = 0; left < scene.length; left += 3) {
    for (let right = left + 1; right < scene.length; right += 7) {
      const value = distance(left, right);
      if (scene[left] === scene[right]) {
        within += value;
        withinPairs++;
      } else {
        across += value;
        acrossPairs++;
      }
    }
  }
  return within / withinPairs / (across / acrossPairs);
}

describe('a track’s model inputs', () => {
  it('depend on its values alone: tied values share the middle of their quantiles, outside values clamp', () => {
    const knots = [0, 0, 0, 1, 1];
    expect(quantileOf(knots, 0)).toBe(0.25);
    expect(quantileOf(knots, 1)).toBe(0.875);
    expect(quantileOf([0, 1, 2], 0.5)).toBe(0.25);
    expect(quantileOf([0, 1, 2], -5)).toBe(0);
    expect(quantileOf([0, 1, 2], 7)).toBe(1);
    expect(normalScore(0.5)).toBeCloseTo(0, 9);
    expect(normalScore(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalScore(0.025)).toBeCloseTo(-1.959964, 5);
    expect(normalScore(0)).toBe(normalScore(0.005));
  });
});

describe('learning a similarity from playlists', () => {
  it('learns a combination of attributes that no single one shows, and places the scenes apart', () => {
    const { tracks, scene } = xorCatalog(900, 3);
    const model = trainSimilarity(trainingSetOf(tracks, playlistsOf(scene, 6, 60, 4)), {
      steps: 400,
      batchSize: 64,
    });
    const index = buildFeatureIndex(tracks, model);
    const learned = withinOverAcross((left, right) => rowDistance(index, left, right), scene);
    const energy = attributeColumn.get('energy')!;
    const acousticness = attributeColumn.get('acousticness')!;
    const plain = withinOverAcross((left, right) => {
      const values = [energy, acousticness].map(
        (column) => index.columnData[column]![left]! - index.columnData[column]![right]!,
      );
      return values.reduce((sum, value) => sum + value * value, 0);
    }, scene);
    expect(plain).toBeGreaterThan(0.9);
    expect(learned).toBeLessThan(0.6);
    expect(model.trainedOn).toMatchObject({ playlists: 12, tracks: 900, steps: 400 });
  });

  it('gives the same model for the same data and seed', () => {
    const { tracks, scene } = xorCatalog(200, 5);
    const set = trainingSetOf(tracks, playlistsOf(scene, 2, 30, 6));
    const first = trainSimilarity(set, { steps: 30, batchSize: 16 });
    expect(trainSimilarity(set, { steps: 30, batchSize: 16 })).toEqual(first);
    expect(trainSimilarity(set, { steps: 30, batchSize: 16, seed: 8 })).not.toEqual(first);
  });

  it('merges networks of several seeds into one as wide, whose distances follow what they share', () => {
    const { tracks, scene } = xorCatalog(900, 3);
    const set = trainingSetOf(tracks, playlistsOf(scene, 6, 60, 4));
    const single = trainSimilarity(set, { steps: 400, batchSize: 64, members: 1 });
    const merged = trainSimilarity(set, { steps: 400, batchSize: 64 });
    expect(merged.hidden.units).toBe(3 * single.hidden.units);
    expect(merged.output).toMatchObject({ units: learnedColumns.length, inputs: 3 * single.hidden.units });
    expect(merged.trainedOn).toMatchObject({ members: 3, steps: 400 });
    expect(similarityModelSchema.safeParse(merged).success).toBe(true);
    const index = buildFeatureIndex(tracks, merged);
    expect(withinOverAcross((left, right) => rowDistance(index, left, right), scene)).toBeLessThan(0.6);
  });

  it('keeps one network’s distances, up to scale, when merging copies of it', () => {
    const { tracks, scene } = xorCatalog(300, 11);
    const set = trainingSetOf(tracks, playlistsOf(scene, 4, 40, 12));
    const model = trainSimilarity(set, { steps: 50, batchSize: 32, members: 1 });
    const copies = mergeMembers([model, model], model, set.columns);
    const original = buildFeatureIndex(tracks, model);
    const twice = buildFeatureIndex(tracks, { ...model, ...copies });
    const ratios = [
      [0, 1],
      [2, 50],
      [7, 299],
      [120, 121],
    ].map(([left, right]) => rowDistance(twice, left!, right!) / rowDistance(original, left!, right!));
    for (const ratio of ratios) expect(ratio).toBeCloseTo(ratios[0]!, 3);
  });

  it('refuses playlists that cannot teach anything', () => {
    const { tracks } = xorCatalog(10, 1);
    const lonely = [{ id: 'p', genre: '', subgenre: '', trackIds: ['t1'] }];
    expect(() => trainSimilarity(trainingSetOf(tracks, lonely), { steps: 1 })).toThrow(/two or more tracks/);
  });
});

describe('the shipped model', () => {
  it('was learned from the TidyTuesday playlists and passes its own schema', () => {
    const model = shippedSimilarityModel();
    // 471 playlists, one of which holds a single distinct track and teaches nothing.
    expect(model.trainedOn).toMatchObject({ playlists: 470, tracks: 28_356, steps: 3000, members: 3 });
    expect(similarityModelSchema.safeParse(model).success).toBe(true);
  });

  it('names the field of a broken model file', () => {
    const model = structuredClone(shippedSimilarityModel());
    model.output.weights.pop();
    const result = similarityModelSchema.safeParse(model);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({
      path: ['output', 'weights'],
      message: 'weights must hold units × inputs numbers',
    });
  });

  it('puts a random pair of catalog tracks 2 apart per learned column on average, as z-scores are', () => {
    const index = buildFeatureIndex(bundledCatalog());
    let sum = 0;
    let pairs = 0;
    for (let left = 0; left < index.size; left += 2) {
      for (let right = left + 1; right < index.size; right += 3) {
        sum += rowDistance(index, left, right);
        pairs++;
      }
    }
    expect(learnedColumns.length).toBe(16);
    expect(sum / pairs).toBeGreaterThan(1.8);
    expect(sum / pairs).toBeLessThan(2.2);
  });
});

describe('npm run learn:similarity', () => {
  const header =
    'track_id,track_name,track_artist,track_popularity,track_album_id,track_album_name,track_album_release_date,' +
    'playlist_name,playlist_id,playlist_genre,playlist_subgenre,danceability,energy,key,loudness,mode,' +
    'speechiness,acousticness,instrumentalness,liveness,valence,tempo,duration_ms';
  const row = (id: number, playlist: string) =>
    `t${id},Song ${id},Artist ${id % 7},${id % 100},a${id},Album ${id},20${10 + (id % 10)}-01-01,P ${playlist},` +
    `${playlist},pop,dance pop,${(id % 10) / 10},${((id * 3) % 10) / 10},${id % 12},-${id % 20},${id % 2},0.05,` +
    `${((id * 7) % 10) / 10},0,0.1,${((id * 9) % 10) / 10},${100 + (id % 60)},${180_000 + id}`;
  const run = (...argv: string[]) =>
    spawnSync('npx', ['tsx', 'src/recommend/learned-similarity/learn-cli.ts', ...argv], {
      cwd: repoRoot,
      encoding: 'utf8',
    });

  it('learns from a catalog file’s playlists and writes a model the engine loads', () => {
    const csv = join(workDir, 'songs.csv');
    const lines = Array.from({ length: 60 }, (_, id) => row(id, id < 30 ? 'p1' : 'p2'));
    writeFileSync(csv, `${header}\n${lines.join('\n')}\n`);
    const out = join(workDir, 'model.json');
    const result = run(csv, '--steps', '20', '--out', out);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('60 tracks in 2 playlists');
    const model = similarityModelSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(model.trainedOn).toMatchObject({ playlists: 2, tracks: 60, steps: 20 });
  }, 60_000);

  it('explains bad arguments with the field and the usage, exit code 2', () => {
    const noFile = run();
    expect(noFile.status).toBe(2);
    expect(noFile.stderr).toContain('location: give the catalog file or URL');
    const badSteps = run('songs.csv', '--steps', '0');
    expect(badSteps.status).toBe(2);
    expect(badSteps.stderr).toMatch(/steps: .*1/);
    expect(badSteps.stderr).toContain('usage: npm run learn:similarity');
  }, 60_000);
});

const tidyTuesday = sharedDataset('tidytuesday_spotify_songs.csv');
const noTidyTuesday = !tidyTuesday && missing('tidytuesday_spotify_songs.csv', 'it is not in ../shared/data');

/** A short run of bench/eval-similarity.ts: one split, fewer steps and queries. */
describe.skipIf(noTidyTuesday)('on TidyTuesday subgenres the model never learned from', () => {
  it('finds the seeds’ subgenre far more often than plain kNN, without artists, albums or genres', async () => {
    const catalog = await loadAnonymousCatalog(tidyTuesday!);
    const result = await evaluateSplit(catalog, { splitSeed: 11, steps: 600, queriesPerSubgenre: 4 });
    expect(result.heldOut).toHaveLength(12);
    expect(result.learned.some((subgenre) => result.heldOut.includes(subgenre))).toBe(false);
    const precision = (name: string) => result.precision.get(name)!;
    expect(precision('learned space alone (nearest seed)')).toBeGreaterThan(precision('kNN all 14 inputs'));
    expect(precision('echotune')).toBeGreaterThan(1.5 * precision('kNN 9 audio features'));
  }, 180_000);
});
