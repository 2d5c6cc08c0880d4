/**
 * Buffers text deltas and releases them at most every `intervalMs`, numbered 0, 1, 2, … so a client
 * can detect gaps. Fewer, larger socket frames keep a busy node cheap without visible lag.
 */
export class DeltaCoalescer {
  private buffer = '';
  private nextIndex = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly release: (index: number, text: string) => void,
  ) {}

  push(text: string): void {
    if (text.length === 0) return;
    this.buffer += text;
    if (this.intervalMs === 0) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    const text = this.buffer;
    this.buffer = '';
    this.release(this.nextIndex++, text);
  }

  /** Drops anything buffered (the turn was abandoned). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.buffer = '';
  }
}
