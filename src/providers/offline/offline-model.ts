import { randomUUID } from 'node:crypto';
import type { ChatMessage, LanguageModel, ModelRequest, StreamPart, ToolCall } from '../contract.js';
import { abortableDelay } from '../stream-helpers/abortable-delay.js';
import { estimatePromptTokens, estimateTokens } from '../stream-helpers/token-estimate.js';
import { composeApology, composeGreeting, composeRecommendationReply } from './compose-reply.js';
import { type IntentSummary, intentSummarySchema, recommendResultSchema } from './offline-api.js';

export const recommendToolName = 'recommend_tracks';
const defaultLimit = 8;
const wordsPerPiece = 3;

export interface OfflineModelOptions {
  /** Reads mood, activity, genres, tempo and named artists from free text (the recommendation engine's). */
  extractIntent: (text: string) => Record<string, unknown>;
  /** Pause between streamed pieces, so the reply arrives like a real model's. */
  chunkDelayMs?: number;
}

/** Splits text into pieces of a few words; joined back, they equal the text exactly. */
export function splitIntoPieces(text: string, size = wordsPerPiece): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [];
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += size)
    pieces.push(words.slice(index, index + size).join(''));
  return pieces;
}

/**
 * A model that needs no key and no network: it reads intent from the listener's words, calls the
 * same `recommend_tracks` tool a real model would, and describes the result in plain words. It is
 * the default deployment, so a fresh install answers, and the last resort when every provider fails.
 */
export class OfflineModel implements LanguageModel {
  readonly provider = 'offline';
  readonly model = 'offline-intent-v1';
  private readonly extractIntent: (text: string) => Record<string, unknown>;
  private readonly chunkDelayMs: number;

  constructor(options: OfflineModelOptions) {
    this.extractIntent = options.extractIntent;
    this.chunkDelayMs = options.chunkDelayMs ?? 8;
  }

  async *stream(request: ModelRequest): AsyncIterable<StreamPart> {
    if (request.signal.aborted) return;
    const inputTokens = estimatePromptTokens(request.messages, request.tools);
    const last = request.messages.at(-1);
    const offersTool = request.tools.some((tool) => tool.name === recommendToolName);

    if (last?.role === 'user' && offersTool) {
      const call = this.intentCall(last.content);
      yield { type: 'tool-call', call };
      yield { type: 'usage', inputTokens, outputTokens: estimateTokens(JSON.stringify(call.args)) };
      yield { type: 'finish', reason: 'tool-calls' };
      return;
    }

    const reply = last?.role === 'tool' ? this.replyToToolResult(request.messages, last) : composeGreeting();
    const text = continueAfter(reply, request.continueFrom);
    for (const [index, piece] of splitIntoPieces(text).entries()) {
      if (index > 0 && !(await abortableDelay(this.chunkDelayMs, request.signal))) return;
      if (request.signal.aborted) return;
      yield { type: 'text-delta', text: piece };
    }
    yield { type: 'usage', inputTokens, outputTokens: estimateTokens(text) };
    yield { type: 'finish', reason: 'stop' };
  }

  private intentCall(text: string): ToolCall {
    const intent = this.extractIntent(text);
    const args = 'limit' in intent ? intent : { ...intent, limit: defaultLimit };
    return { id: `call_${randomUUID()}`, name: recommendToolName, args };
  }

  private replyToToolResult(
    messages: readonly ChatMessage[],
    result: Extract<ChatMessage, { role: 'tool' }>,
  ): string {
    if (result.isError) return composeApology();
    const parsed = recommendResultSchema.safeParse(parseJson(result.content));
    if (!parsed.success) return composeApology();
    return composeRecommendationReply(parsed.data.tracks, findIntent(messages, result.toolCallId));
  }
}

/**
 * As the last resort after a broken stream, the offline reply cannot pick up another model's sentence;
 * it starts a fresh paragraph instead (the router drops any part of it the listener already has).
 */
function continueAfter(reply: string, continueFrom: string | undefined): string {
  if (!continueFrom || reply.startsWith(continueFrom)) return reply;
  return `${continueFrom.endsWith('\n') ? '' : '\n\n'}${reply}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The arguments of the tool call that produced this result: they say which mood and activity to explain. */
function findIntent(messages: readonly ChatMessage[], toolCallId: string): IntentSummary {
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    const call = message.toolCalls?.find((candidate) => candidate.id === toolCallId);
    if (!call) continue;
    const parsed = intentSummarySchema.safeParse(call.args);
    if (parsed.success) return parsed.data;
  }
  return {};
}
