import type { ChildProcess } from 'node:child_process';
import OpenAI from 'openai';
import { stopChild } from '../turn-overhead/harness.js';
import {
  connectListener,
  connectRelay,
  measureDirect,
  measureRelayTurn,
  measureTurn,
  type Overhead,
} from '../turn-overhead/turns.js';
import { LITELLM_VERSION, startLiteLLM } from './litellm.js';
import type { PeerName } from './options.js';
import type { PeerProcess } from './peer-process.js';
import { PORTKEY_VERSION, startPortkey } from './portkey.js';

export type SideKey = 'echotune' | 'relay' | 'direct' | PeerName;

/** One thing measured: how a turn runs through it, and which process tree does its work. */
export interface Side {
  key: SideKey;
  label: string;
  /** Root of the process tree whose CPU and RSS count; null for the direct SDK (the bench itself). */
  pid: number | null;
  /** RSS of the whole tree (a Python proxy's workers) rather than the one process. */
  rssWholeTree: boolean;
  turn: (slot: number) => Promise<Overhead>;
  close: () => Promise<void>;
}

export const LABELS: Record<SideKey, string> = {
  echotune: 'EchoTune',
  relay: 'bare relay',
  direct: 'direct SDK',
  litellm: `LiteLLM ${LITELLM_VERSION}`,
  portkey: `Portkey ${PORTKEY_VERSION}`,
};

/** An OpenAI SDK client at a base URL: the streaming HTTP client for the direct side and the peers. */
const sdkClient = (baseURL: string, apiKey = 'bench-key', defaultHeaders: Record<string, string> = {}) =>
  new OpenAI({ apiKey, baseURL, defaultHeaders, maxRetries: 0, timeout: 120_000 });

/** EchoTune through its chat protocol: `slots` guests, each with a session, one turn at a time each. */
export async function echoTuneSide(server: ChildProcess, url: string, slots: number): Promise<Side> {
  const listeners = await Promise.all(Array.from({ length: slots }, () => connectListener(url)));
  return {
    key: 'echotune',
    label: LABELS.echotune,
    pid: server.pid!,
    rssWholeTree: false,
    turn: (slot) => measureTurn(listeners[slot]!),
    close: async () => {
      for (const listener of listeners) listener.socket.close();
      await stopChild(server);
    },
  };
}

export async function relaySide(relay: ChildProcess, url: string, slots: number): Promise<Side> {
  const sockets = await Promise.all(Array.from({ length: slots }, () => connectRelay(url)));
  return {
    key: 'relay',
    label: LABELS.relay,
    pid: relay.pid!,
    rssWholeTree: false,
    turn: (slot) => measureRelayTurn(sockets[slot]!),
    close: async () => {
      for (const socket of sockets) socket.close();
      await stopChild(relay);
    },
  };
}

export function directSide(upstreamBaseURL: string): Side {
  const client = sdkClient(upstreamBaseURL);
  return {
    key: 'direct',
    label: LABELS.direct,
    pid: null,
    rssWholeTree: false,
    turn: () => measureDirect(client),
    close: async () => {},
  };
}

function gatewaySide(key: PeerName, peer: PeerProcess, client: OpenAI, wholeTree: boolean): Side {
  return {
    key,
    label: LABELS[key],
    pid: peer.pid,
    rssWholeTree: wholeTree,
    turn: () => measureDirect(client),
    close: () => peer.stop(),
  };
}

/**
 * A peer gateway, installed if needed and started against the upstream; null, after one line saying
 * why, when it cannot be installed or started (the run goes on without it).
 */
export async function peerSide(
  key: PeerName,
  upstreamBaseURL: string,
  cacheDir: string,
  workDir: string,
): Promise<Side | null> {
  try {
    if (key === 'litellm') {
      const { process: proxy, url, apiKey } = await startLiteLLM(upstreamBaseURL, cacheDir, workDir);
      return gatewaySide(key, proxy, sdkClient(`${url}/v1`, apiKey), true);
    }
    const { process: gateway, url, headers } = await startPortkey(upstreamBaseURL, cacheDir, workDir);
    return gatewaySide(key, gateway, sdkClient(`${url}/v1`, 'bench-key', headers), false);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.log(`Skipping ${LABELS[key]}: ${reason.replaceAll('\n', '\n    ')}`);
    return null;
  }
}
