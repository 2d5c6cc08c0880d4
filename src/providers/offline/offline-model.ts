import { randomUUID } from 'node:crypto';
import type { ChatMessage, LanguageModel, ModelRequest, StreamPart, ToolCall } from '../contract.js';
import { abortableDelay } from '../stream-helpers/abortable-delay.js';
import { estimatePromptTokens, estimateTokens } from '../stream-helpers/token-estimate.js';
import {
  composeApology,
  composeClarifyingQuestion,
  composeGreeting,
  composeRecommendationReply,
} from './compose-reply.js';
import { type IntentSummary, intentSummarySchema } from './offline-api.js';
import type { OfflineAnswerTool, OfflineConversation, OfflineTool } from './offline-tool.js';

const defaultLimit = 8;
const wordsPerPiece = 3;

export interface OfflineModelOptions {
  /** The recommendation tool it calls, as the caller (chat) defines it. */
  tool: OfflineTool;
  /** Tools it calls instead when the listener's words ask for them (checked in order, before `tool`). */
  answerTools?: readonly OfflineAnswerTool[];
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
 * same recommendation tool a real model would, and describes the result in plain words. It is
 * the default deployment, so a fresh install answers, and the last resort when every provider fails.
 */
export const offlineModelName = 'offline-intent-v1';

export class OfflineModel implements LanguageModel {
  readonly provider = 'offline';
  readonly model = offlineModelName;
  private readonly tool: OfflineTool;
  private readonly answerTools: readonly OfflineAnswerTool[];
  private readonly chunkDelayMs: number;

  constructor(options: OfflineModelOptions) {
    this.tool = options.tool;
    this.answerTools = options.answerTools ?? [];
    this.chunkDelayMs = options.chunkDelayMs ?? 8;
  }

  async *stream(request: ModelRequest): AsyncIterable<StreamPart> {
    if (request.signal.aborted) return;
    const inputTokens = estimatePromptTokens(request.messages, request.tools);
    const last = request.messages.at(-1);
    const offered = (name: string) => request.tools.some((tool) => tool.name === name);

    const call =
      last?.role === 'user'
        ? this.callFor(last.content, conversationBefore(request.messages), offered)
        : null;
    if (call) {
      yield { type: 'tool-call', call };
      const outputTokens = estimateTokens(JSON.stringify(call.args));
      yield { type: 'usage', inputTokens, outputTokens, estimated: true };
      yield { type: 'finish', reason: 'tool-calls' };
      return;
    }

    const reply =
      last?.role === 'tool'
        ? this.replyToToolResult(request.messages, last)
        : call === null && last?.role === 'user' && offered(this.tool.name)
          ? composeClarifyingQuestion()
          : composeGreeting();
    const text = continueAfter(reply, request.continueFrom);
    for (const [index, piece] of splitIntoPieces(text).entries()) {
      if (index > 0 && !(await abortableDelay(this.chunkDelayMs, request.signal))) return;
      if (request.signal.aborted) return;
      yield { type: 'text-delta', text: piece };
    }
    yield { type: 'usage', inputTokens, outputTokens: estimateTokens(text), estimated: true };
    yield { type: 'finish', reason: 'stop' };
  }

  /**
   * An answer tool the words ask for, else the recommendation tool; null when neither is offered or the
   * words say nothing the tool can use.
   */
  private callFor(
    text: string,
    conversation: OfflineConversation,
    offered: (name: string) => boolean,
  ): ToolCall | null {
    for (const tool of this.answerTools) {
      if (!offered(tool.name)) continue;
      const args = tool.argumentsFor(text);
      if (args !== null) return { id: `call_${randomUUID()}`, name: tool.name, args };
    }
    if (!offered(this.tool.name)) return null;
    const intent = this.tool.argumentsFor(text, conversation);
    if (intent === null) return null;
    const args = 'limit' in intent ? intent : { ...intent, limit: defaultLimit };
    return { id: `call_${randomUUID()}`, name: this.tool.name, args };
  }

  private replyToToolResult(
    messages: readonly ChatMessage[],
    result: Extract<ChatMessage, { role: 'tool' }>,
  ): string {
    if (result.isError) return composeApology();
    const answer = this.answerTools.find((tool) => tool.name === result.toolName);
    if (answer) return answer.replyTo(result.content) ?? composeApology();
    const read = this.tool.readResult(result.content);
    if (read === undefined) return composeApology();
    return composeRecommendationReply(read.tracks, findIntent(messages, result.toolCallId), read.notes ?? []);
  }
}

/** What the listener said before their last message (newest first), and the reply just before it. */
function conversationBefore(messages: readonly ChatMessage[]): OfflineConversation {
  const earlier: string[] = [];
  let lastReply: string | undefined;
  for (let at = messages.length - 2; at >= 0; at--) {
    const message = messages[at]!;
    if (message.role === 'user') earlier.push(message.content);
    else if (
      message.role === 'assistant' &&
      lastReply === undefined &&
      earlier.length === 0 &&
      message.content
    ) {
      lastReply = message.content;
    }
  }
  return lastReply === undefined ? { earlier } : { earlier, lastReply };
}

/**
 * As the last resort after a broken stream, the offline reply cannot pick up another model's sentence;
 * it starts a fresh paragraph instead (the router drops any part of it the listener already has).
 */
function continueAfter(reply: string, continueFrom: string | undefined): string {
  if (!continueFrom || reply.startsWith(continueFrom)) return reply;
  return `${continueFrom.endsWith('\n') ? '' : '\n\n'}${reply}`;
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
