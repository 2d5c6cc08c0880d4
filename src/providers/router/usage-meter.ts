import { estimateTokens } from '../stream-helpers/token-estimate.js';

export interface BilledUsage {
  inputTokens: number;
  outputTokens: number;
  /** True when some of the tokens are an estimate rather than the provider's own count. */
  estimated: boolean;
}

interface Report {
  inputTokens: number;
  outputTokens: number;
  estimated: boolean;
}

/**
 * What one attempt is billed, from what its provider counted: providers bill the tokens they report, so
 * a request they refused (an error status, a refused connection, a failure before any output) costs
 * nothing, and an estimate stands in only for output the provider streamed but never counted.
 */
export class UsageMeter {
  private report: Report | null = null;
  private produced = false;
  private output = '';
  /** Output streamed after the provider's last report, which that report does not count. */
  private uncounted = '';

  /** Text or tool-call arguments the provider streamed. */
  observeOutput(text: string): void {
    this.produced = true;
    this.output += text;
    this.uncounted += text;
  }

  /** The provider's counts so far (a later report replaces an earlier one). */
  observeReport(inputTokens: number, outputTokens: number, estimated = false): void {
    this.report = { inputTokens, outputTokens, estimated };
    this.uncounted = '';
  }

  /**
   * @param promptTokens the router's estimate of the prompt, used only when the provider produced output
   *   (so it billed the prompt) without ever reporting its counts.
   * @param completed whether the attempt finished: a finished reply is billed even if it was empty.
   */
  billed(promptTokens: number, completed: boolean): BilledUsage {
    if (this.report) {
      const uncounted = estimateTokens(this.uncounted);
      return {
        inputTokens: this.report.inputTokens,
        outputTokens: this.report.outputTokens + uncounted,
        estimated: this.report.estimated || uncounted > 0,
      };
    }
    if (!this.produced && !completed) return { inputTokens: 0, outputTokens: 0, estimated: false };
    return { inputTokens: promptTokens, outputTokens: estimateTokens(this.output), estimated: true };
  }
}
