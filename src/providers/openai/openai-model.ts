import OpenAI from 'openai';
import type { LanguageModel, ModelRequest, ProviderFailure, StreamPart } from '../contract.js';
import { failureFromError, malformedChunk } from '../stream-helpers/provider-failure.js';
import { isToolCall, ToolCallAssembler } from '../stream-helpers/tool-call-assembler.js';
import { convertToOpenAIMessages, convertToOpenAITools } from './convert-to-openai-messages.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { nodeHttpFetch } from './node-http-fetch.js';
import { type OpenAIChunk, parseOpenAIChunk } from './openai-api.js';

export interface OpenAIModelSettings {
  model: string;
  apiKey: string;
  baseURL?: string;
  /** Registry name reported in events ('openai', or 'openai-compatible' for other vendors). */
  provider?: string;
  /** OpenAI renamed max_tokens; most compatible servers still only know the old name. */
  maxTokensField?: 'max_completion_tokens' | 'max_tokens';
}

/** Chat Completions streaming through the official SDK; also serves every OpenAI-compatible server. */
export class OpenAIModel implements LanguageModel {
  readonly provider: string;
  readonly model: string;
  private readonly client: OpenAI;
  private readonly maxTokensField: 'max_completion_tokens' | 'max_tokens';

  constructor(settings: OpenAIModelSettings) {
    this.provider = settings.provider ?? 'openai';
    this.maxTokensField = settings.maxTokensField ?? 'max_completion_tokens';
    this.model = settings.model;
    // Retries and timeouts belong to the router, which can fail over instead of waiting.
    this.client = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL,
      maxRetries: 0,
      // The SDK would print a chunk it cannot parse to the console; the router reports it as a failure.
      logLevel: 'off',
      fetch: nodeHttpFetch,
    });
  }

  async *stream(request: ModelRequest): AsyncIterable<StreamPart> {
    let chunks: AsyncIterable<unknown>;
    try {
      chunks = await this.client.chat.completions.create(
        {
          model: this.model,
          messages: convertToOpenAIMessages(request.messages, request.continueFrom),
          ...(request.tools.length > 0 ? { tools: convertToOpenAITools(request.tools) } : {}),
          ...(request.maxOutputTokens ? { [this.maxTokensField]: request.maxOutputTokens } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal: request.signal },
      );
    } catch (error) {
      if (!request.signal.aborted) yield { type: 'error', error: failureFromError(error) };
      return;
    }
    yield* this.readChunks(chunks, request.signal);
  }

  private async *readChunks(chunks: AsyncIterable<unknown>, signal: AbortSignal): AsyncIterable<StreamPart> {
    const toolCalls = new ToolCallAssembler();
    let finishReason: string | undefined;
    let usage: OpenAIChunk['usage'];
    try {
      for await (const raw of chunks) {
        // Chunks the SDK had already buffered are dropped once the listener has gone.
        if (signal.aborted) return;
        const parsed = parseOpenAIChunk(raw);
        if (!parsed.success) {
          yield* failure(malformedChunk('openai', parsed.error.message), usage);
          return;
        }
        const chunk = parsed.data;
        if (chunk.error) {
          yield* failure({ message: chunk.error.message ?? 'error in stream', retryable: true }, usage);
          return;
        }
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices) {
          if (choice.delta?.content) yield { type: 'text-delta', text: choice.delta.content };
          for (const [position, delta] of (choice.delta?.tool_calls ?? []).entries()) {
            toolCalls.append(delta.index ?? position, {
              id: delta.id,
              name: delta.function?.name,
              argumentText: delta.function?.arguments,
            });
          }
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
      }
    } catch (error) {
      if (!signal.aborted) yield* failure(failureFromError(error), usage);
      return;
    }
    // The SDK ends the iteration quietly when the request is aborted: nothing more to say.
    if (signal.aborted) return;
    yield* finishParts(toolCalls, finishReason, usage);
  }
}

function* finishParts(
  toolCalls: ToolCallAssembler,
  finishReason: string | undefined,
  usage: OpenAIChunk['usage'],
): Iterable<StreamPart> {
  if (finishReason === undefined) {
    yield* failure({ message: 'stream ended before a finish_reason', retryable: true }, usage);
    return;
  }
  for (const call of toolCalls.completeAll()) {
    yield isToolCall(call) ? { type: 'tool-call', call } : { type: 'error', error: call };
  }
  if (usage) yield usagePart(usage);
  yield { type: 'finish', reason: mapOpenAIFinishReason(finishReason) };
}

function usagePart(usage: NonNullable<OpenAIChunk['usage']>): StreamPart {
  return { type: 'usage', inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
}

/**
 * A stream that fails after its usage chunk (the last before [DONE]) was still counted, and billed, by
 * OpenAI: its counts go first, so the attempt is charged them rather than an estimate.
 */
function* failure(error: ProviderFailure, usage: OpenAIChunk['usage']): Iterable<StreamPart> {
  if (usage) yield usagePart(usage);
  yield { type: 'error', error };
}
