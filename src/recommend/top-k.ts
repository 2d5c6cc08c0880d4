/**
 * Keeps the k best (score, row) pairs seen so far in a binary min-heap: O(n log k) for a scan instead
 * of sorting every row. Arrays are typed and reused by reset(), so a scan allocates nothing.
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly rows: Int32Array;
  private count = 0;

  constructor(readonly capacity: number) {
    this.scores = new Float64Array(capacity);
    this.rows = new Int32Array(capacity);
  }

  reset(): void {
    this.count = 0;
  }

  /** The score a row must beat to enter; -Infinity while there is room. */
  get threshold(): number {
    return this.count < this.capacity ? Number.NEGATIVE_INFINITY : this.scores[0]!;
  }

  push(score: number, row: number): void {
    if (this.count < this.capacity) {
      this.siftUp(this.count++, score, row);
    } else if (score > this.scores[0]!) {
      this.siftDown(score, row);
    }
  }

  /** Best first. */
  drain(): Array<{ row: number; score: number }> {
    const entries: Array<{ row: number; score: number }> = [];
    for (let at = 0; at < this.count; at++) entries.push({ row: this.rows[at]!, score: this.scores[at]! });
    this.count = 0;
    return entries.sort((left, right) => right.score - left.score || left.row - right.row);
  }

  private siftUp(start: number, score: number, row: number): void {
    let at = start;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.scores[parent]! <= score) break;
      this.scores[at] = this.scores[parent]!;
      this.rows[at] = this.rows[parent]!;
      at = parent;
    }
    this.scores[at] = score;
    this.rows[at] = row;
  }

  private siftDown(score: number, row: number): void {
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= this.count) break;
      const right = left + 1;
      const child = right < this.count && this.scores[right]! < this.scores[left]! ? right : left;
      if (this.scores[child]! >= score) break;
      this.scores[at] = this.scores[child]!;
      this.rows[at] = this.rows[child]!;
      at = child;
    }
    this.scores[at] = score;
    this.rows[at] = row;
  }
}
