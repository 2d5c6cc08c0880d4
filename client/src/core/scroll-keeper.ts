/** How close to the bottom counts as "the reader is at the bottom". */
const BOTTOM_SLACK_PX = 48;
const TOP_MARGIN_PX = 12;

/**
 * Keeps the reader's place while replies stream in. After a send, the view follows the new reply only as
 * far as it can without pushing the listener's own message off the top; it follows at all only when the
 * reader was at the bottom. Scrolled up to read, the view stays put.
 */
export class ScrollKeeper {
  #anchor: HTMLElement | null = null;
  #atBottom = true;
  /** Where this keeper last put the view: a different position means the reader scrolled since. */
  #lastTop = 0;

  constructor(private readonly viewport: HTMLElement) {
    viewport.addEventListener(
      'scroll',
      () => {
        this.#atBottom = this.#isAtBottom();
      },
      { passive: true },
    );
  }

  /** The listener sent a message: bring it to the top of the view and follow its reply from there. */
  sent(bubble: HTMLElement): void {
    this.#anchor = bubble;
    this.#atBottom = true;
    this.#follow();
  }

  /** Content changed: follow it when the reader was at the bottom. */
  changed(): void {
    // The scroll event of a reader's move may not have arrived yet: judge from where the view is now.
    if (Math.abs(this.viewport.scrollTop - this.#lastTop) > 1) this.#atBottom = this.#isAtBottom();
    if (this.#atBottom) this.#follow();
  }

  /** A conversation was (re)loaded: open at its latest exchange. */
  loaded(lastUserBubble: HTMLElement | undefined): void {
    this.#anchor = lastUserBubble ?? null;
    this.#atBottom = true;
    this.#follow();
  }

  #follow(): void {
    const bottom = this.viewport.scrollHeight - this.viewport.clientHeight;
    const anchorTop = this.#anchor?.isConnected ? this.#anchor.offsetTop - TOP_MARGIN_PX : bottom;
    const target = Math.max(0, Math.min(bottom, anchorTop));
    if (Math.abs(this.viewport.scrollTop - target) > 1) this.viewport.scrollTop = target;
    this.#lastTop = this.viewport.scrollTop;
    this.#atBottom = true;
  }

  #isAtBottom(): boolean {
    const { scrollHeight, scrollTop, clientHeight } = this.viewport;
    if (scrollHeight - scrollTop - clientHeight < BOTTOM_SLACK_PX) return true;
    // Following a reply stops at the listener's message: being there counts as being at the bottom.
    const anchorTop = this.#anchor?.isConnected ? this.#anchor.offsetTop - TOP_MARGIN_PX : Number.NaN;
    return Math.abs(scrollTop - anchorTop) < BOTTOM_SLACK_PX;
  }
}
