import { randomUUID } from 'node:crypto';
import { EchoError, toEchoError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AssistantMeta, Attempt, Message, RecommendedTrack } from '../protocol/index.js';
import type { ChatMessage, ModelRouter, ToolCall } from '../providers/index.js';
import { type Recommender, toRecommendedTrack } from '../recommend/index.js';
import type { TurnProgress } from '../store/index.js';
import type { ChatStore } from './chat-store.js';
import { buildContext } from './context-builder.js';
import type { ConversationMemory } from './conversation-memory.js';
import { DeltaCoalescer } from './delta-coalescer.js';
import type { DeltaPacer } from './delta-pacer.js';
import {
  LISTENING_STATS,
  listeningStatsTool,
  parseListeningStatsArguments,
  runListeningStats,
} from './listening-stats-tool.js';
import {
  parseRecommendArguments,
  RECOMMEND_TRACKS,
  recommendTracksTool,
  toolResultContent,
} from './recommend-tracks-tool.js';
import { resumedToolExchange } from './resumed-tool-exchange.js';
import { findTrackMentions } from './track-mentions.js';
import { TurnCheckpoints } from './turn-checkpoints.js';
import type { TurnMetrics } from './turn-metrics.js';
import type { TurnSink } from './turn-sink.js';

/** Resolver confidence above which a song named in the reply is shown as a card. */
const MENTION_CONFIDENCE = 0.75;

export interface TurnSettings {
  recommendationTtlDays: number;
  /** Model steps per turn: a tool call and its answer take two. */
  maxSteps: number;
}

export interface TurnDependencies {
  store: ChatStore;
  memory: ConversationMemory;
  pacer: DeltaPacer;
  router: ModelRouter;
  recommender: Recommender;
  sink: TurnSink;
  logger: Logger;
  settings: TurnSettings;
  metrics?: TurnMetrics | undefined;
}

export interface TurnInput {
  turnId: string;
  sessionId: string;
  userId: string;
  /** The user message this turn answers. */
  replyTo: string;
  signal: AbortSignal;
  /** Finishing a turn that an instance now gone began: what it had said and shown. */
  resume?: TurnProgress | undefined;
}

/** What one turn has produced so far; becomes the stored assistant message. */
interface TurnRecord {
  text: string;
  provider: string;
  model: string;
  started: boolean;
  ttftMs: number | null;
  attempts: Attempt[];
  recommendationIds: string[];
  /** Tracks already shown in this session (never recommended twice); filled from memory. */
  seenTrackIds: Set<string>;
  invalidToolCalls: number;
  finishReason: string;
}

/**
 * One chat turn after the user's message is stored: context → model steps (with the tool) → stored
 * assistant message → turn:done. Failures end in turn:error; whatever text was produced is kept.
 */
export async function runTurn(deps: TurnDependencies, input: TurnInput): Promise<void> {
  const startedAt = performance.now();
  const record: TurnRecord = {
    text: input.resume?.text ?? '',
    provider: '',
    model: '',
    started: false,
    ttftMs: null,
    attempts: [],
    recommendationIds: [...(input.resume?.recommendationIds ?? [])],
    seenTrackIds: new Set(),
    invalidToolCalls: 0,
    finishReason: 'stop',
  };
  const coalescer = new DeltaCoalescer(deps.pacer, (index, text) =>
    deps.sink.emit(input.sessionId, 'turn:delta', {
      turnId: input.turnId,
      sessionId: input.sessionId,
      index,
      text,
    }),
  );
  const checkpoints = new TurnCheckpoints(deps.store, deps.logger);
  const checkpoint = (now = false) =>
    checkpoints.offer(
      () => ({
        turnId: input.turnId,
        sessionId: input.sessionId,
        userId: input.userId,
        replyTo: input.replyTo,
        text: record.text,
        recommendationIds: [...record.recommendationIds],
      }),
      now,
    );
  const elapsed = () => Math.round(performance.now() - startedAt);
  try {
    await converse(deps, input, record, checkpoint, (text) => {
      record.ttftMs ??= elapsed();
      record.text += text;
      coalescer.push(text);
      checkpoint();
    });
    coalescer.flush();
    await showMentionedTracks(deps, input, record);
    const totalMs = elapsed();
    const message = await storeAssistantMessage(deps, input, record, totalMs);
    deps.sink.emit(input.sessionId, 'turn:done', doneEvent(input, message));
    reportTurn(deps, record, 'completed', totalMs);
  } catch (caught) {
    coalescer.flush();
    await endWithError(deps, input, record, elapsed(), caught);
  } finally {
    coalescer.dispose();
    await checkpoints.finish(input.turnId);
  }
}

async function converse(
  deps: TurnDependencies,
  input: TurnInput,
  record: TurnRecord,
  checkpoint: (now?: boolean) => void,
  onText: (text: string) => void,
): Promise<void> {
  const context = await deps.memory.contextFor(input.sessionId);
  const messages = buildContext(context.history);
  if (input.resume) messages.push(...(await resumedToolExchange(deps.store, input.resume)));
  record.seenTrackIds = context.seenTrackIds;
  for (let step = 0; step < deps.settings.maxSteps; step += 1) {
    const stepTextStart = record.text.length;
    const continueFrom = step === 0 ? input.resume?.text : undefined;
    const calls = await streamStep(deps, input, record, messages, onText, continueFrom);
    if (calls.length === 0 || step === deps.settings.maxSteps - 1) return;
    messages.push({ role: 'assistant', content: record.text.slice(stepTextStart), toolCalls: calls });
    for (const call of calls) messages.push(await executeToolCall(deps, input, record, call));
    checkpoint(true);
  }
}

async function streamStep(
  deps: TurnDependencies,
  input: TurnInput,
  record: TurnRecord,
  messages: ChatMessage[],
  onText: (text: string) => void,
  continueFrom: string | undefined,
): Promise<ToolCall[]> {
  const calls: ToolCall[] = [];
  const events = deps.router.stream({
    messages,
    tools: [recommendTracksTool, listeningStatsTool],
    signal: input.signal,
    userId: input.userId,
    logger: deps.logger,
    ...(continueFrom ? { continueFrom } : {}),
  });
  for await (const event of events) {
    if (input.signal.aborted) break;
    switch (event.type) {
      case 'route':
        announceRoute(deps, input, record, event);
        break;
      case 'text-delta':
        onText(event.text);
        break;
      case 'tool-call':
        calls.push(event.call);
        break;
      case 'attempt':
        record.attempts.push(event.attempt);
        await recordUsage(deps, input, event.attempt);
        break;
      case 'finish':
        record.finishReason = event.reason;
        break;
    }
  }
  if (input.signal.aborted) throw abortError(input.signal);
  return calls;
}

function announceRoute(
  deps: TurnDependencies,
  input: TurnInput,
  record: TurnRecord,
  route: { provider: string; model: string; reason: string },
): void {
  record.provider = route.provider;
  record.model = route.model;
  if (record.started) return;
  record.started = true;
  deps.sink.emit(input.sessionId, 'turn:start', {
    turnId: input.turnId,
    sessionId: input.sessionId,
    replyTo: input.replyTo,
    provider: route.provider,
    model: route.model,
    reason: input.resume ? `resumed after its instance stopped; ${route.reason}` : route.reason,
    ...(input.resume ? { resumedText: input.resume.text } : {}),
  });
}

async function recordUsage(deps: TurnDependencies, input: TurnInput, attempt: Attempt): Promise<void> {
  try {
    await deps.store.recordUsage({
      userId: input.userId,
      sessionId: input.sessionId,
      turnId: input.turnId,
      deploymentId: attempt.deploymentId,
      provider: attempt.provider,
      model: attempt.model,
      inputTokens: attempt.inputTokens,
      outputTokens: attempt.outputTokens,
      costUsd: attempt.costUsd,
      ...(attempt.estimated ? { estimated: true } : {}),
    });
  } catch (error) {
    // Accounting must not break a reply the listener is already reading.
    deps.logger.error({ err: error }, 'could not record usage');
  }
}

/** Runs the tool; invalid arguments go back to the model once as a tool error, the second time end the turn. */
async function executeToolCall(
  deps: TurnDependencies,
  input: TurnInput,
  record: TurnRecord,
  call: ToolCall,
): Promise<ChatMessage> {
  const reply = (content: string, isError = false): ChatMessage => ({
    role: 'tool',
    toolCallId: call.id,
    toolName: call.name,
    content,
    isError,
  });
  const invalidArguments = (problem: string): ChatMessage => {
    record.invalidToolCalls += 1;
    deps.logger.warn({ problem }, 'invalid tool call');
    if (record.invalidToolCalls > 1) {
      throw new EchoError('tool_error', `The model called ${call.name} with invalid arguments: ${problem}`);
    }
    return reply(JSON.stringify({ error: `Invalid arguments: ${problem}` }), true);
  };
  if (call.name === LISTENING_STATS) {
    const parsed = parseListeningStatsArguments(call.args);
    if (!parsed.ok) return invalidArguments(parsed.problem);
    return reply(await runListeningStats(deps.store, input.userId, parsed.args));
  }
  const parsed =
    call.name === RECOMMEND_TRACKS
      ? parseRecommendArguments(call.args)
      : { ok: false as const, problem: `unknown tool '${call.name}'` };
  if (!parsed.ok) return invalidArguments(parsed.problem);
  const result = await deps.recommender.recommend(parsed.query, {
    userId: input.userId,
    excludeIds: [...record.seenTrackIds],
    logger: deps.logger,
  });
  const recommendationId = await publishRecommendation(deps, input, record, parsed.query, result.tracks);
  return reply(toolResultContent(recommendationId, result.tracks, result.warnings));
}

/** Stores a set of tracks shown to the listener and sends them to the room as turn:recs. */
async function publishRecommendation(
  deps: TurnDependencies,
  input: TurnInput,
  record: TurnRecord,
  query: Record<string, unknown>,
  tracks: RecommendedTrack[],
): Promise<string> {
  const recommendation = await deps.store.saveRecommendation({
    id: randomUUID(),
    sessionId: input.sessionId,
    userId: input.userId,
    turnId: input.turnId,
    query,
    tracks: tracks.map((track) => ({ trackId: track.id, score: track.score, reasons: track.reasons })),
    expiresAt: new Date(Date.now() + deps.settings.recommendationTtlDays * 86_400_000).toISOString(),
  });
  for (const track of tracks) record.seenTrackIds.add(track.id);
  deps.memory.observeTracks(
    input.sessionId,
    tracks.map((track) => track.id),
  );
  record.recommendationIds.push(recommendation.id);
  deps.sink.emit(input.sessionId, 'turn:recs', {
    turnId: input.turnId,
    sessionId: input.sessionId,
    recommendationId: recommendation.id,
    tracks,
  });
  return recommendation.id;
}

/** Songs the model named in its own words become cards too, when the resolver is sure of them. */
async function showMentionedTracks(
  deps: TurnDependencies,
  input: TurnInput,
  record: TurnRecord,
): Promise<void> {
  const mentions = findTrackMentions(record.text);
  if (mentions.length === 0) return;
  const resolved = deps.recommender
    .resolve(mentions)
    .filter(
      (item) =>
        item.trackId && item.confidence >= MENTION_CONFIDENCE && !record.seenTrackIds.has(item.trackId),
    );
  if (resolved.length === 0) return;
  const confidence = new Map(resolved.map((item) => [item.trackId!, item.confidence]));
  const tracks = await deps.store.getTracks([...confidence.keys()]);
  const shown = tracks.map((track) =>
    toRecommendedTrack(track, confidence.get(track.id) ?? 0, ['named in the reply']),
  );
  await publishRecommendation(deps, input, record, { mentions }, shown);
}

function metaOf(input: TurnInput, record: TurnRecord, totalMs: number): AssistantMeta {
  const sum = (pick: (attempt: Attempt) => number) =>
    record.attempts.reduce((total, attempt) => total + pick(attempt), 0);
  return {
    turnId: input.turnId,
    replyTo: input.replyTo,
    provider: record.provider,
    model: record.model,
    inputTokens: sum((attempt) => attempt.inputTokens),
    outputTokens: sum((attempt) => attempt.outputTokens),
    costUsd: sum((attempt) => attempt.costUsd),
    ...(record.attempts.some((attempt) => attempt.estimated) ? { estimated: true } : {}),
    ttftMs: record.ttftMs,
    totalMs,
    attempts: record.attempts,
    recommendationIds: record.recommendationIds,
    finishReason: record.finishReason,
  };
}

async function storeAssistantMessage(
  deps: TurnDependencies,
  input: TurnInput,
  record: TurnRecord,
  totalMs: number,
): Promise<Message> {
  const { message } = await deps.store.appendMessage({
    sessionId: input.sessionId,
    role: 'assistant',
    text: record.text,
    meta: metaOf(input, record, totalMs),
  });
  deps.memory.observeMessage(message);
  return message;
}

function doneEvent(input: TurnInput, message: Message) {
  const meta = message.meta!;
  return {
    turnId: input.turnId,
    sessionId: input.sessionId,
    message,
    usage: {
      inputTokens: meta.inputTokens,
      outputTokens: meta.outputTokens,
      ...(meta.estimated ? { estimated: true } : {}),
    },
    costUsd: meta.costUsd,
    ttftMs: meta.ttftMs,
    totalMs: meta.totalMs,
    meta,
  };
}

function reportTurn(deps: TurnDependencies, record: TurnRecord, outcome: string, totalMs: number): void {
  const { provider, model, ttftMs } = record;
  deps.metrics?.turnEnded({ outcome, provider, model, ttftMs, totalMs });
  deps.logger.debug({ outcome, provider, model, ttftMs, totalMs }, 'turn ended');
}

/** Why an aborted turn stopped: the listener cancelled it, unless the aborter gave its own reason. */
function abortError(signal: AbortSignal): EchoError {
  return signal.reason instanceof EchoError
    ? signal.reason
    : new EchoError('cancelled', 'The turn was cancelled');
}

/** `interrupted`: stopped by the service (shutdown), so a resend of the message is answered again. */
function finishReasonFor(error: EchoError): string {
  if (error.code === 'cancelled') return 'cancelled';
  return error.code === 'unavailable' ? 'interrupted' : 'error';
}

/** Keeps the partial answer (a reconnecting client will find it) and tells the room why the turn ended. */
async function endWithError(
  deps: TurnDependencies,
  input: TurnInput,
  record: TurnRecord,
  totalMs: number,
  caught: unknown,
): Promise<void> {
  const error = input.signal.aborted ? abortError(input.signal) : toEchoError(caught);
  reportTurn(deps, record, error.code, totalMs);
  if (error.code === 'internal') deps.logger.error({ err: caught }, 'turn failed');
  else deps.logger.info({ code: error.code }, 'turn ended early');
  if (record.text.length > 0) {
    record.finishReason = finishReasonFor(error);
    await storeAssistantMessage(deps, input, record, totalMs).catch((storeError: unknown) =>
      deps.logger.error({ err: storeError }, 'could not store partial answer'),
    );
  }
  deps.sink.emit(input.sessionId, 'turn:error', {
    turnId: input.turnId,
    sessionId: input.sessionId,
    code: error.code,
    message: error.message,
    retryable: error.retryable,
  });
}
