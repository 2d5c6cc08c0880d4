import type { DeltaPacer } from './delta-pacer.js';

/**
 * Releases text deltas as numbered frames 0, 1, 2, … (so a client can detect gaps), at most one frame
 * per window, whose length the instance's pacer sets. The first piece goes out at once, so coalescing
 * never delays the first words; what arrives inside a window is batched into the next frame, keeping a
 * busy node's socket traffic low. Counts as streaming with the pacer until `dispose()`.
 */
export class DeltaCoalescer {
  private buffer = '';
  private nextIndex = 0;
  private timer: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(
    private readonly pacer: DeltaPacer,
    private readonly release: (index: number, text: string) => void,
  ) {
    pacer.begin();
  }

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
    if (this.disposed) return;
    this.disposed = true;
    this.pacer.end();
  }

  private openWindow(): void {
    const windowMs = this.pacer.windowMs();
    if (windowMs === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.buffer.length === 0) return;
      this.emitBuffer();
      this.openWindow();
    }, windowMs);
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
