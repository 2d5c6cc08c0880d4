/** The longest a delta window grows under load: four frames a second still reads as streaming text. */
const MAX_WINDOW_MS = 250;

/**
 * How long delta windows last on this instance right now. Every delta frame costs a socket write per
 * listener, and under load those writes are what delays the first words of new turns. So the window is
 * the configured floor while few turns stream, and widens as more do, keeping this instance near
 * `framesPerSecond` delta frames in all (200 streaming turns at 2,000 frames/s: 100 ms windows).
 */
export class DeltaPacer {
  private streaming = 0;

  /**
   * @param floorMs the window while the instance is quiet; 0 turns coalescing (and pacing) off.
   * @param framesPerSecond this instance's delta frame budget; 0 means no budget (always the floor).
   */
  constructor(
    private readonly floorMs: number,
    private readonly framesPerSecond: number,
  ) {}

  /** A turn started streaming; pair with `end()`. */
  begin(): void {
    this.streaming += 1;
  }

  end(): void {
    this.streaming = Math.max(0, this.streaming - 1);
  }

  windowMs(): number {
    if (this.floorMs === 0 || this.framesPerSecond === 0) return this.floorMs;
    const fair = (1000 * this.streaming) / this.framesPerSecond;
    return Math.min(MAX_WINDOW_MS, Math.max(this.floorMs, fair));
  }
}
