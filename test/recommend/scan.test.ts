import { describe, expect, it } from 'vitest';
import { valueAt } from '../../src/recommend/feature-index.js';
import { bundledCatalog, createRecommender, recommendQuerySchema } from '../../src/recommend/index.js';
import { emptyListener, type ListenerSignals } from '../../src/recommend/listener-signals.js';
import { buildPlan, denseBonuses, type QueryPlan } from '../../src/recommend/query-plan.js';
import { ScanScratch, scan } from '../../src/recommend/scan.js';
import { TopK } from '../../src/recommend/top-k.js';

const engine = createRecommender({ tracks: bundledCatalog() });
const { index } = engine;

function planFor(input: object, listener: ListenerSignals = emptyListener): QueryPlan {
  return buildPlan({
    index,
    query: recommendQuerySchema.parse(input),
    weights: engine.weights,
    listener,
    excludeIds: [],
    resolveSeed: () => null,
    related: () => new Map(),
  });
}

/** Scores every row straight from the plan's definition, then sorts them all: [score, row], best first. */
function bruteForce(plan: QueryPlan): Array<[number, number]> {
  const blocked = new Set(plan.blockedRows);
  const bonuses = denseBonuses(plan, index.size);
  const scored: Array<[number, number]> = [];
  for (let row = 0; row < index.size; row++) {
    if (blocked.has(row) || (plan.forbidExplicit && index.explicit[row] === 1)) continue;
    let inside = true;
    let score = bonuses[row]!;
    for (let column = 0; column < index.width; column++) {
      const value = valueAt(index, row, column);
      if (value < plan.lower[column]! || value > plan.upper[column]!) inside = false;
      score -= (plan.quadratic[column]! * value + plan.linear[column]!) * value;
    }
    if (plan.yearWeight > 0) {
      const year = index.years[row]!;
      score -= Number.isNaN(year)
        ? plan.yearWeight
        : (Math.min(Math.abs(year - plan.yearTarget), 30) * plan.yearWeight) / 10;
    }
    if (inside) scored.push([score, row]);
  }
  return scored.sort((left, right) => right[0] - left[0]);
}

describe('scan', () => {
  const queries = [
    {},
    { mood: 'calm' },
    { activity: 'running', min_tempo: 120 },
    { seed_tracks: ['echotune:levels-avicii', 'echotune:one-more-time-daft-punk'] },
    { seed_genres: ['jazz'], target_energy: 0.3, explicit: false },
  ];
  for (const query of queries) {
    it(`returns the brute-force top 30 for ${JSON.stringify(query)}`, () => {
      const plan = planFor(query);
      const rows = scan(index, plan, new ScanScratch(index.size), 30).map((entry) => entry.row);
      const all = bruteForce(plan);
      const scoreOf = new Map(all.map(([score, row]) => [row, score]));
      const cutoff = all[29]![0];
      // Rows tied with the 30th may be swapped for each other; nothing below it may enter.
      expect(rows).toHaveLength(30);
      for (const row of rows) expect(scoreOf.get(row)!).toBeGreaterThanOrEqual(cutoff - 1e-6);
      expect(rows.slice(0, 10)).toEqual(all.slice(0, 10).map(([, row]) => row));
    });
  }

  it('matches brute force when a dislike alone makes columns concave (terms bounded by their range ends)', () => {
    const listener = {
      ...emptyListener,
      dislikedRows: [3, 40],
      skippedRows: [7],
      dislikedArtists: new Set([2]),
    };
    const plan = planFor({ max_energy: 0.8 }, listener);
    const concave = [...plan.activeColumns].filter((column) => plan.quadratic[column]! < 0);
    expect(concave.length).toBeGreaterThan(0);
    const rows = scan(index, plan, new ScanScratch(index.size), 10).map((entry) => entry.row);
    expect(rows).toEqual(
      bruteForce(plan)
        .slice(0, 10)
        .map(([, row]) => row),
    );
  });

  it('reports the full score of each row, as brute force computes it', () => {
    const plan = planFor({ seed_tracks: ['echotune:levels-avicii'], mood: 'happy', explicit: false });
    const scoreOf = new Map(bruteForce(plan).map(([score, row]) => [row, score - plan.constant]));
    for (const entry of scan(index, plan, new ScanScratch(index.size), 20)) {
      expect(entry.score).toBeCloseTo(scoreOf.get(entry.row)!, 4);
    }
  });

  it('leaves its scratch buffers clean for the next query', () => {
    const scratch = new ScanScratch(index.size);
    scan(
      index,
      planFor({
        seed_genres: ['rock', 'pop'],
        seed_tracks: ['echotune:levels-avicii'],
        exclude: ['echotune:hey-jude-the-beatles'],
      }),
      scratch,
      10,
    );
    expect(scratch.bonus.every((value) => value === 0)).toBe(true);
  });
});

describe('TopK', () => {
  it('keeps the k best of a stream, best first', () => {
    const best = new TopK(3);
    for (const [row, score] of [5, 1, 9, 7, 3, 8].entries()) best.push(score, row);
    expect(best.drain()).toEqual([
      { row: 2, score: 9 },
      { row: 5, score: 8 },
      { row: 3, score: 7 },
    ]);
  });
});
