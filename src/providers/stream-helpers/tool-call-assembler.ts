import type { ProviderFailure, ToolCall } from '../contract.js';

interface PendingCall {
  id: string;
  name: string;
  argumentText: string;
}

/**
 * Collects tool calls whose JSON arguments arrive in pieces (OpenAI deltas keyed by index,
 * Anthropic input_json_delta keyed by block) and parses each once it is complete.
 */
export class ToolCallAssembler {
  private readonly pending = new Map<number | string, PendingCall>();

  append(
    key: number | string,
    piece: { id?: string | null; name?: string | null; argumentText?: string | null },
  ): void {
    const call = this.pending.get(key) ?? { id: '', name: '', argumentText: '' };
    if (piece.id) call.id = piece.id;
    if (piece.name) call.name = piece.name;
    if (piece.argumentText) call.argumentText += piece.argumentText;
    this.pending.set(key, call);
  }

  has(key: number | string): boolean {
    return this.pending.has(key);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Parses one call and forgets it. */
  complete(key: number | string): ToolCall | ProviderFailure | undefined {
    const call = this.pending.get(key);
    if (!call) return undefined;
    this.pending.delete(key);
    return parseCall(call);
  }

  /** Parses every call still open, in arrival order. */
  completeAll(): Array<ToolCall | ProviderFailure> {
    return [...this.pending.keys()].flatMap((key) => {
      const result = this.complete(key);
      return result ? [result] : [];
    });
  }
}

export function isToolCall(value: ToolCall | ProviderFailure): value is ToolCall {
  return 'args' in value;
}

function parseCall(call: PendingCall): ToolCall | ProviderFailure {
  if (!call.name) return { message: 'tool call without a name', retryable: true };
  const text = call.argumentText.trim();
  try {
    return { id: call.id || `call_${call.name}`, name: call.name, args: text === '' ? {} : JSON.parse(text) };
  } catch {
    return {
      message: `tool call ${call.name} has arguments that are not JSON: ${text.slice(0, 120)}`,
      retryable: true,
    };
  }
}
