import type { RelatedRow } from './query-plan.js';

const neighboursPerTrack = 50;
const maxBasketSize = 200;

/**
 * Item-to-item co-occurrence: two tracks are related when the same listeners played or liked both.
 * Counts are normalized by how common each track is (cosine on binary baskets), so hits that everyone
 * plays do not relate to everything. Only the strongest neighbours per track are kept.
 */
export class CooccurrenceModel {
  static readonly empty = new CooccurrenceModel(new Map());

  private constructor(private readonly neighbours: ReadonlyMap<number, ReadonlyMap<number, number>>) {}

  /** Each basket is one listener's distinct rows, most recent first. */
  static fromBaskets(baskets: ReadonlyArray<readonly number[]>): CooccurrenceModel {
    const frequency = new Map<number, number>();
    const pairs = new Map<number, Map<number, number>>();
    for (const basket of baskets) {
      const rows = [...new Set(basket)].slice(0, maxBasketSize);
      for (const row of rows) frequency.set(row, (frequency.get(row) ?? 0) + 1);
      for (const left of rows) {
        let counts = pairs.get(left);
        if (!counts) {
          counts = new Map();
          pairs.set(left, counts);
        }
        for (const right of rows) if (right !== left) counts.set(right, (counts.get(right) ?? 0) + 1);
      }
    }
    const neighbours = new Map<number, Map<number, number>>();
    for (const [left, counts] of pairs) {
      const scored = [...counts]
        .map(([right, count]): [number, number] => [
          right,
          count / Math.sqrt(frequency.get(left)! * frequency.get(right)!),
        ])
        .sort((a, b) => b[1] - a[1])
        .slice(0, neighboursPerTrack);
      if (scored.length > 0) neighbours.set(left, new Map(scored));
    }
    return new CooccurrenceModel(neighbours);
  }

  get size(): number {
    return this.neighbours.size;
  }

  /** Rows related to any anchor; the score sums over anchors (capped at 1), the strongest anchor named. */
  related(anchors: readonly number[]): Map<number, RelatedRow> {
    const found = new Map<number, RelatedRow & { strongest: number }>();
    for (const anchor of new Set(anchors)) {
      for (const [row, score] of this.neighbours.get(anchor) ?? []) {
        const known = found.get(row);
        if (!known) found.set(row, { score, anchor, strongest: score });
        else {
          known.score += score;
          if (score > known.strongest) Object.assign(known, { anchor, strongest: score });
        }
      }
    }
    return new Map(
      [...found].map(([row, entry]) => [row, { score: Math.min(1, entry.score), anchor: entry.anchor }]),
    );
  }
}
