import type { Logger } from '../logger.js';
import type { Attempt } from '../protocol/index.js';

/**
 * The model contract, types only. Every adapter turns its provider's stream into these parts; the
 * router and chat never see a provider's own wire format.
 */

export interface ToolCall {
  id: string;
  name: string;
  /** Parsed JSON arguments, complete. Validated against the tool's schema by the caller. */
  args: unknown;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; toolName: string; content: string; isError?: boolean };

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12 subset) of the arguments object. */
  inputSchema: Record<string, unknown>;
}

export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

export interface ModelRequest {
  messages: ChatMessage[];
  tools: ToolDefinition[];
  signal: AbortSignal;
  maxOutputTokens?: number;
  temperature?: number;
  /**
   * Text already delivered to the listener by an attempt that broke after its first token. The model
   * continues the same reply after it (assistant prefill or a "continue" instruction, per provider)
   * and must not repeat it.
   */
  continueFrom?: string;
}

export interface ProviderFailure {
  message: string;
  /** True for 429, 5xx, resets, timeouts: another attempt may succeed. */
  retryable: boolean;
  status?: number;
  /** Seconds from a Retry-After header, when the provider sent one. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export type StreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; call: ToolCall }
  /**
   * The provider's own token counts, sent as soon as it reports them: they cover the output streamed
   * before this part, and a later usage part replaces an earlier one. `estimated` when the adapter
   * counted them itself (a model that bills nothing has no counts of its own).
   */
  | { type: 'usage'; inputTokens: number; outputTokens: number; estimated?: boolean }
  | { type: 'finish'; reason: FinishReason }
  /** A bad chunk or a failed request, as a part: the router decides what to do, nothing throws. */
  | { type: 'error'; error: ProviderFailure };

export interface LanguageModel {
  readonly provider: string;
  readonly model: string;
  stream(request: ModelRequest): AsyncIterable<StreamPart>;
}

/** What chat asks of the router: one model step, routed, with failover inside. */
export interface RoutedRequest {
  messages: ChatMessage[];
  tools: ToolDefinition[];
  signal: AbortSignal;
  userId: string;
  maxOutputTokens?: number;
  /** The reply so far, delivered earlier (a turn finished after its instance died): continue after it. */
  continueFrom?: string;
  /** Where this request's lines go (a chat turn's logger names its session and turn); the router's otherwise. */
  logger?: Logger;
}

export type RouterEvent =
  /** A deployment was chosen for an attempt (the first one, or a failover). */
  | { type: 'route'; deploymentId: string; provider: string; model: string; reason: string; attempt: number }
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; call: ToolCall }
  /** An attempt ended (well or not), with its tokens, cost and latencies. */
  | { type: 'attempt'; attempt: Attempt }
  | { type: 'finish'; reason: FinishReason };

export interface DeploymentStatus {
  id: string;
  provider: string;
  model: string;
  circuit: 'closed' | 'open' | 'half-open';
  ttftMsEwma: number | null;
  outputTokensPerSecondEwma: number | null;
  errorRate: number;
  requests: number;
  costUsd: number;
  cooldownUntil: string | null;
}

export interface ModelRouter {
  /**
   * Streams one model step. Throws EchoError ('cancelled' when the signal aborts, 'provider_error' or
   * 'unavailable' when no deployment could answer) only after emitting the attempts it made.
   */
  stream(request: RoutedRequest): AsyncIterable<RouterEvent>;
  status(): DeploymentStatus[];
}
