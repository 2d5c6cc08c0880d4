import { randomUUID } from 'node:crypto';
import { GoogleGenAI } from '@google/genai';
import type { LanguageModel, ModelRequest, StreamPart, ToolCall } from '../contract.js';
import { failureFromError, malformedChunk } from '../stream-helpers/provider-failure.js';
import { convertToGeminiMessages, convertToGeminiTools } from './convert-to-gemini-messages.js';
import { type GeminiChunk, geminiChunkSchema } from './gemini-api.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

export interface GeminiModelSettings {
  model: string;
  apiKey: string;
  baseURL?: string;
}

/** Enough thought signatures to replay the recent tool calls of every live conversation. */
const rememberedSignatures = 10_000;

interface StreamState {
  toolCalls: number;
  finishReason: string | undefined;
  inputTokens: number;
  outputTokens: number;
  /** Whether any chunk carried usageMetadata (without it there are no counts to report). */
  reported: boolean;
}

export class GeminiModel implements LanguageModel {
  readonly provider = 'gemini';
  readonly model: string;
  private readonly client: GoogleGenAI;
  private readonly signatures = new Map<string, string>();

  constructor(settings: GeminiModelSettings) {
    this.model = settings.model;
    // No retryOptions: the SDK then sends each request once, and the router owns retries.
    this.client = new GoogleGenAI({
      apiKey: settings.apiKey,
      ...(settings.baseURL ? { httpOptions: { baseUrl: settings.baseURL } } : {}),
    });
  }

  async *stream(request: ModelRequest): AsyncIterable<StreamPart> {
    const prompt = convertToGeminiMessages(request.messages, request.continueFrom, this.signatures);
    let chunks: AsyncIterable<unknown>;
    try {
      chunks = await this.client.models.generateContentStream({
        model: this.model,
        contents: prompt.contents,
        config: {
          abortSignal: request.signal,
          ...(prompt.systemInstruction ? { systemInstruction: prompt.systemInstruction } : {}),
          ...(request.tools.length > 0
            ? { tools: [{ functionDeclarations: convertToGeminiTools(request.tools) }] }
            : {}),
          ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        },
      });
    } catch (error) {
      if (!request.signal.aborted) yield { type: 'error', error: failureFromError(error) };
      return;
    }
    const state: StreamState = {
      toolCalls: 0,
      finishReason: undefined,
      inputTokens: 0,
      outputTokens: 0,
      reported: false,
    };
    try {
      for await (const raw of chunks) {
        // Chunks the SDK had already buffered are dropped once the listener has gone.
        if (request.signal.aborted) return;
        const parsed = geminiChunkSchema.safeParse(raw);
        if (!parsed.success) {
          yield { type: 'error', error: malformedChunk('gemini', parsed.error.message) };
          return;
        }
        yield* this.handleChunk(parsed.data, state);
      }
    } catch (error) {
      if (!request.signal.aborted) yield { type: 'error', error: failureFromError(error) };
      return;
    }
    // The SDK may end the iteration quietly when the request is aborted: nothing more to say.
    if (request.signal.aborted) return;
    if (state.finishReason === undefined) {
      yield { type: 'error', error: { message: 'stream ended before a finishReason', retryable: true } };
      return;
    }
    // Only at the end: a chunk's usageMetadata need not count the output streamed so far, so a stream that
    // breaks is billed an estimate instead of a count that may leave its output out.
    if (state.reported) {
      yield { type: 'usage', inputTokens: state.inputTokens, outputTokens: state.outputTokens };
    }
    yield { type: 'finish', reason: mapGeminiFinishReason(state.finishReason, state.toolCalls > 0) };
  }

  private *handleChunk(chunk: GeminiChunk, state: StreamState): Iterable<StreamPart> {
    if (chunk.usageMetadata) {
      state.reported = true;
      state.inputTokens = chunk.usageMetadata.promptTokenCount ?? state.inputTokens;
      state.outputTokens =
        (chunk.usageMetadata.candidatesTokenCount ?? 0) + (chunk.usageMetadata.thoughtsTokenCount ?? 0) ||
        state.outputTokens;
    }
    if (chunk.promptFeedback?.blockReason) state.finishReason ??= 'PROHIBITED_CONTENT';
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.thought) continue;
      if (part.text) yield { type: 'text-delta', text: part.text };
      if (part.functionCall) {
        state.toolCalls += 1;
        const call: ToolCall = {
          id: part.functionCall.id ?? `call_${randomUUID()}`,
          name: part.functionCall.name,
          args: part.functionCall.args ?? {},
        };
        if (part.thoughtSignature) this.rememberSignature(call.id, part.thoughtSignature);
        yield { type: 'tool-call', call };
      }
    }
    if (candidate?.finishReason) state.finishReason = candidate.finishReason;
  }

  private rememberSignature(callId: string, signature: string): void {
    this.signatures.set(callId, signature);
    if (this.signatures.size > rememberedSignatures) {
      const oldest = this.signatures.keys().next().value;
      if (oldest !== undefined) this.signatures.delete(oldest);
    }
  }
}
