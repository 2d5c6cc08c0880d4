import Anthropic from '@anthropic-ai/sdk';
import type { FinishReason, LanguageModel, ModelRequest, StreamPart } from '../contract.js';
import { failureFromError, malformedChunk } from '../stream-helpers/provider-failure.js';
import { isToolCall, ToolCallAssembler } from '../stream-helpers/tool-call-assembler.js';
import { type AnthropicEvent, anthropicEventSchema } from './anthropic-api.js';
import { convertToAnthropicMessages, convertToAnthropicTools } from './convert-to-anthropic-messages.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';

export interface AnthropicModelSettings {
  model: string;
  apiKey: string;
  baseURL?: string;
}

/** The Messages API requires max_tokens; a chat reply with a tool call fits well within this. */
const defaultMaxTokens = 1024;

interface StreamState {
  toolCalls: ToolCallAssembler;
  inputTokens: number;
  outputTokens: number;
  stopReason: string | undefined;
  stopped: boolean;
  /** Whitespace the prefill lost, so the first continued delta does not double or drop it. */
  leadingWhitespace: string | undefined;
}

export class AnthropicModel implements LanguageModel {
  readonly provider = 'anthropic';
  readonly model: string;
  private readonly client: Anthropic;

  constructor(settings: AnthropicModelSettings) {
    this.model = settings.model;
    // The router owns retries; SDK logging is off because failures come back as error parts.
    this.client = new Anthropic({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL,
      maxRetries: 0,
      logLevel: 'off',
    });
  }

  async *stream(request: ModelRequest): AsyncIterable<StreamPart> {
    const prompt = convertToAnthropicMessages(request.messages, request.continueFrom);
    let events: AsyncIterable<unknown>;
    try {
      events = await this.client.messages.create(
        {
          model: this.model,
          max_tokens: request.maxOutputTokens ?? defaultMaxTokens,
          messages: prompt.messages,
          ...(prompt.system ? { system: prompt.system } : {}),
          ...(request.tools.length > 0 ? { tools: convertToAnthropicTools(request.tools) } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          stream: true,
        },
        { signal: request.signal },
      );
    } catch (error) {
      if (!request.signal.aborted) yield { type: 'error', error: failureFromError(error) };
      return;
    }
    const trimmed = request.continueFrom
      ? request.continueFrom.slice(request.continueFrom.trimEnd().length)
      : '';
    const state: StreamState = {
      toolCalls: new ToolCallAssembler(),
      inputTokens: 0,
      outputTokens: 0,
      stopReason: undefined,
      stopped: false,
      leadingWhitespace: trimmed || undefined,
    };
    try {
      for await (const raw of events) {
        // Events the SDK had already buffered are dropped once the listener has gone.
        if (request.signal.aborted) return;
        const parsed = anthropicEventSchema.safeParse(raw);
        if (!parsed.success) {
          if (isUnknownEvent(raw)) continue;
          yield { type: 'error', error: malformedChunk('anthropic', parsed.error.message) };
          return;
        }
        yield* handleEvent(parsed.data, state);
        if (state.stopped) break;
      }
    } catch (error) {
      if (!request.signal.aborted) yield { type: 'error', error: failureFromError(error) };
      return;
    }
    // The SDK may end the iteration quietly when the request is aborted: nothing more to say.
    if (request.signal.aborted) return;
    if (state.stopReason === undefined) {
      yield { type: 'error', error: { message: 'stream ended before message_delta', retryable: true } };
      return;
    }
    const reason: FinishReason = mapAnthropicFinishReason(state.stopReason);
    yield { type: 'finish', reason };
  }
}

const knownEventTypes: ReadonlySet<string> = new Set(
  anthropicEventSchema.options.map((option) => option.shape.type.value),
);

/** New event types appear over time; one the schema does not know is skipped, not an error. */
function isUnknownEvent(raw: unknown): boolean {
  const type = raw && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
  return typeof type === 'string' && !knownEventTypes.has(type);
}

function* handleEvent(event: AnthropicEvent, state: StreamState): Iterable<StreamPart> {
  switch (event.type) {
    case 'message_start':
      // Counted before any content: a stream that breaks later is billed these plus its uncounted output.
      if (!event.message.usage) return;
      state.inputTokens = event.message.usage.input_tokens ?? 0;
      state.outputTokens = event.message.usage.output_tokens ?? 0;
      yield usage(state);
      return;
    case 'content_block_start':
      if (event.content_block.type === 'tool_use') {
        state.toolCalls.append(event.index, { id: event.content_block.id, name: event.content_block.name });
      } else if (event.content_block.text) {
        yield* text(event.content_block.text, state);
      }
      return;
    case 'content_block_delta':
      if (event.delta.type === 'text_delta' && event.delta.text) yield* text(event.delta.text, state);
      if (event.delta.type === 'input_json_delta') {
        state.toolCalls.append(event.index, { argumentText: event.delta.partial_json ?? '' });
      }
      return;
    case 'content_block_stop': {
      const call = state.toolCalls.complete(event.index);
      if (call) yield isToolCall(call) ? { type: 'tool-call', call } : { type: 'error', error: call };
      return;
    }
    case 'message_delta':
      state.stopReason = event.delta.stop_reason ?? state.stopReason ?? 'end_turn';
      if (!event.usage) return;
      // Cumulative counts, after every content block: the final ones.
      state.outputTokens = event.usage.output_tokens ?? state.outputTokens;
      if (event.usage.input_tokens) state.inputTokens = event.usage.input_tokens;
      yield usage(state);
      return;
    case 'message_stop':
      state.stopped = true;
      return;
  }
}

function usage(state: StreamState): StreamPart {
  return { type: 'usage', inputTokens: state.inputTokens, outputTokens: state.outputTokens };
}

function* text(value: string, state: StreamState): Iterable<StreamPart> {
  let piece = value;
  if (state.leadingWhitespace !== undefined) {
    // The listener already has the whitespace the prefill dropped; the model usually re-sends it.
    if (/^\s/.test(piece)) piece = piece.trimStart();
    state.leadingWhitespace = undefined;
  }
  if (piece) yield { type: 'text-delta', text: piece };
}
