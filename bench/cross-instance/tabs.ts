import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { CHAT_NAMESPACE, type GuestTokenResponse, type ServerPayloads } from '../../src/protocol/index.js';
import { BARE_JOIN } from './bare-server.js';

/**
 * One client connection that timestamps every `turn:delta` it receives (performance.now(): one clock for
 * every tab, since all live in this process), by turn and index.
 */
export class Tab {
  /** turnId → arrival time of each index (holes: never arrived). */
  readonly arrivals = new Map<string, number[]>();
  /** Every delta's arrival time and text length, in arrival order (duplicates left out). */
  private readonly times: number[] = [];
  private readonly chars: number[] = [];
  duplicates = 0;
  /** Deltas that arrived after a later index of the same turn. */
  reordered = 0;
  private readonly highest = new Map<string, number>();

  constructor(
    readonly socket: Socket,
    /** Which instance it is connected to (0: the one the turns run on). */
    readonly instance: number,
  ) {
    socket.on('turn:delta', (delta: ServerPayloads['turn:delta']) => {
      const at = performance.now();
      let times = this.arrivals.get(delta.turnId);
      if (!times) {
        times = [];
        this.arrivals.set(delta.turnId, times);
      }
      if (times[delta.index] !== undefined) {
        this.duplicates += 1;
        return;
      }
      times[delta.index] = at;
      this.times.push(at);
      this.chars.push(delta.text.length);
      const highest = this.highest.get(delta.turnId) ?? -1;
      if (delta.index < highest) this.reordered += 1;
      else this.highest.set(delta.turnId, delta.index);
    });
  }

  /** Forgets what was received (a new round). */
  reset(): void {
    this.arrivals.clear();
    this.highest.clear();
    this.times.length = 0;
    this.chars.length = 0;
    this.duplicates = 0;
    this.reordered = 0;
  }

  /** Deltas, and characters of reply text in them, received between two instants. */
  receivedBetween(from: number, to: number): { deltas: number; chars: number } {
    let deltas = 0;
    let chars = 0;
    this.times.forEach((at, index) => {
      if (at < from || at >= to) return;
      deltas += 1;
      chars += this.chars[index]!;
    });
    return { deltas, chars };
  }

  /** Deltas `reference` received that this tab did not. */
  missingAgainst(reference: Tab): number {
    let missing = 0;
    for (const [turnId, times] of reference.arrivals) {
      const mine = this.arrivals.get(turnId) ?? [];
      times.forEach((at, index) => {
        if (at !== undefined && mine[index] === undefined) missing += 1;
      });
    }
    return missing;
  }

  close(): void {
    this.socket.close();
  }
}

function connect(url: string, auth: Record<string, unknown>): Promise<Socket> {
  const socket = io(`${url}${CHAT_NAMESPACE}`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

interface AckResult {
  ok: boolean;
  error?: { code: string; message: string };
  [field: string]: unknown;
}

async function ok(socket: Socket, event: string, payload: unknown): Promise<AckResult> {
  const ack = (await socket.timeout(15_000).emitWithAck(event, payload)) as AckResult;
  if (!ack.ok) throw new Error(`${event} refused: ${ack.error?.code} ${ack.error?.message}`);
  return ack;
}

/**
 * A session's tabs: `tabs[0]` (the sender, on instance 0, where the turns run, so its deltas never cross
 * Redis) and the other tabs on the instances named in `instances`.
 */
export interface SessionTabs {
  sessionId: string;
  tabs: Tab[];
  /** EchoTune: sends a message and resolves when its turn is done (bare: undefined). */
  turn?: () => Promise<TurnOutcome>;
}

export type TurnOutcome = { ok: true } | { ok: false; code: string };

/** One EchoTune listener (one guest) with a tab on each of `instances` (the first is the sender). */
export async function echotuneSession(urls: string[], instances: number[]): Promise<SessionTabs> {
  const [first, ...others] = instances;
  const guest = (await (
    await fetch(`${urls[first!]}/api/v1/auth/guest`, { method: 'POST' })
  ).json()) as GuestTokenResponse;
  const auth = { token: guest.token };
  const sender = new Tab(await connect(urls[first!]!, auth), first!);
  const created = await ok(sender.socket, 'session:create', {});
  const sessionId = (created.session as { id: string }).id;
  const tabs = [sender];
  for (const instance of others) {
    const tab = new Tab(await connect(urls[instance]!, auth), instance);
    await ok(tab.socket, 'session:join', { sessionId });
    tabs.push(tab);
  }
  let sent = 0;
  const turn = () =>
    new Promise<TurnOutcome>((resolve, reject) => {
      const socket = sender.socket;
      const finish = (outcome: TurnOutcome | Error) => {
        clearTimeout(timer);
        socket.off('turn:done', onDone).off('turn:error', onError);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const onDone = () => finish({ ok: true });
      const onError = (error: ServerPayloads['turn:error']) => finish({ ok: false, code: error.code });
      const timer = setTimeout(() => finish(new Error('a turn took over 30 s')), 30_000);
      socket.on('turn:done', onDone).on('turn:error', onError);
      sent += 1;
      ok(socket, 'message:send', { sessionId, clientMsgId: `bench-${sent}`, text: 'something upbeat' }).catch(
        (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
      );
    });
  return { sessionId, tabs, turn };
}

/** The bare equivalent: a room with a client on each of `instances` (the first on the emitting server). */
export async function bareSession(urls: string[], instances: number[]): Promise<SessionTabs> {
  const sessionId = randomUUID();
  const tabs: Tab[] = [];
  for (const instance of instances) {
    const tab = new Tab(await connect(urls[instance]!, {}), instance);
    await tab.socket.timeout(15_000).emitWithAck(BARE_JOIN, [`session:${sessionId}`]);
    tabs.push(tab);
  }
  return { sessionId, tabs };
}

export function closeSessions(sessions: SessionTabs[]): void {
  for (const session of sessions) for (const tab of session.tabs) tab.close();
}

export const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
