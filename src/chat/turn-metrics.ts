/** How one turn ended, for the service's metrics. */
export interface TurnReport {
  /** `completed`, or the error code the turn ended with (`cancelled`, `provider_error`, …). */
  outcome: string;
  /** The deployment's provider and model that answered last; empty when no deployment was reached. */
  provider: string;
  model: string;
  /** From the turn's start to its first text; null when no text came. */
  ttftMs: number | null;
  totalMs: number;
}

/** What chat tells the service's metrics (the composition root passes Prometheus's; tests need none). */
export interface TurnMetrics {
  turnEnded(report: TurnReport): void;
}
