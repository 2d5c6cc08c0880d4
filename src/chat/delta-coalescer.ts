/**
 * Releases text deltas as numbered frames 0, 1, 2, … (so a client can detect gaps), at most one frame
 * per `intervalMs`. The first piece goes out at once, so coalescing never delays the first words; what
 * arrives inside a window is batched into the next frame, keeping a busy node's socket traffic low.
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
    if (this.timer) return;
    this.emitBuffer();
    this.openWindow();
  }

  /** Sends whatever is buffered now (end of a turn or a step). */
  flush(): void {
    this.closeWindow();
    this.emitBuffer();
  }

  /** Drops anything buffered (the turn was abandoned). */
  dispose(): void {
    this.closeWindow();
    this.buffer = '';
  }

  private openWindow(): void {
    if (this.intervalMs === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.buffer.length === 0) return;
      this.emitBuffer();
      this.openWindow();
    }, this.intervalMs);
  }

  private closeWindow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private emitBuffer(): void {
    if (this.buffer.length === 0) return;
    const text = this.buffer;
    this.buffer = '';
    this.release(this.nextIndex++, text);
  }
}
