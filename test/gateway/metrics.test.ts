import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../support/echotune-server.js';
import { accountDataFile, importHistory } from '../support/history-uploads.js';
import { Scrape } from '../support/prometheus-text.js';
import { startSlowUpstream } from '../support/slow-upstream.js';

const METRICS_TOKEN = 'a-long-enough-metrics-token';

async function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<Scrape> {
  const response = await fetch(`${server.url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return new Scrape(await response.text());
}

/** Polls until the scrape satisfies `check` (gauges follow disconnects a moment later). */
async function scrapeUntil(server: TestServer, check: (metrics: Scrape) => boolean): Promise<Scrape> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const metrics = await scrape(server);
    if (check(metrics) || Date.now() > deadline) return metrics;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('GET /metrics after a chat turn over Socket.io (no METRICS_TOKEN)', () => {
  let server: TestServer;
  let client: TestClient;
  let metrics: Scrape;

  beforeAll(async () => {
    server = await startTestServer();
    const { token } = await server.guest();
    await expect(server.connect('not-a-jwt')).rejects.toThrow(/not valid/i);
    client = await server.connect(token);
    const { session } = await client.ok('session:create', { title: 'Metrics' });
    await client.ok('message:send', { sessionId: session.id, clientMsgId: 'm1', text: 'calm jazz to study' });
    await client.waitFor('turn:done');
    const invalid = await client.request('message:send', { sessionId: session.id, text: 42 });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid' } });
    const job = await importHistory(server.url, token, client, [
      accountDataFile([
        { endTime: '2025-03-01 08:00', artistName: 'Artist A', trackName: 'Song A', msPlayed: 200_000 },
      ]),
    ]);
    expect(job.status).toBe('done');
    metrics = await scrape(server);
  }, 60_000);
  afterAll(() => server.stop());

  it('counts the turn as completed, with ttft and duration for the offline provider', () => {
    expect(metrics.sum('echotune_turns_total', { outcome: 'completed' })).toBe(1);
    expect(metrics.find('echotune_turns_total').map((sample) => sample.labels.outcome)).toEqual([
      'completed',
    ]);
    const offline = { provider: 'offline', model: 'offline-intent-v1' };
    expect(metrics.sum('echotune_turn_ttft_seconds_count', offline)).toBeGreaterThanOrEqual(1);
    expect(metrics.sum('echotune_turn_ttft_seconds_sum', offline)).toBeGreaterThan(0);
    expect(metrics.sum('echotune_turn_duration_seconds_count', offline)).toBe(1);
    // Every observation falls into the +Inf bucket.
    expect(metrics.sum('echotune_turn_duration_seconds_bucket', { ...offline, le: '+Inf' })).toBe(1);
  });

  it('counts the router decision, the provider attempts and shows the offline circuit closed', () => {
    const offline = { deployment: 'offline', provider: 'offline' };
    // A tool call and its answer are two model steps, each routed and attempted once.
    expect(metrics.sum('echotune_router_decisions_total', { ...offline, cause: 'policy' })).toBe(2);
    expect(metrics.sum('echotune_provider_attempts_total', { ...offline, outcome: 'ok' })).toBe(2);
    expect(metrics.sum('echotune_provider_attempts_total', { outcome: 'error' })).toBe(0);
    expect(metrics.sum('echotune_provider_circuit_state', { ...offline, state: 'closed' })).toBe(1);
    expect(metrics.sum('echotune_provider_circuit_state', { ...offline, state: 'open' })).toBe(0);
  });

  it('counts socket events by type and rejected ones by event and error code', () => {
    expect(metrics.sum('echotune_socket_events_total', { event: 'session:create' })).toBe(1);
    expect(metrics.sum('echotune_socket_events_total', { event: 'message:send' })).toBe(2);
    expect(
      metrics.sum('echotune_socket_events_rejected_total', { event: 'message:send', code: 'invalid' }),
    ).toBe(1);
    expect(
      metrics.sum('echotune_socket_events_rejected_total', { event: 'connect', code: 'unauthorized' }),
    ).toBe(1);
    expect(metrics.sum('echotune_socket_events_rejected_total', { event: 'session:create' })).toBe(0);
  });

  it('gauges the connected socket and its rooms, and follows a disconnect', async () => {
    expect(metrics.sum('echotune_sockets_connected')).toBe(1);
    expect(metrics.sum('echotune_socket_rooms', { kind: 'session' })).toBe(1);
    expect(metrics.sum('echotune_socket_rooms', { kind: 'user' })).toBe(1);
    const second = await server.connect((await server.guest()).token);
    expect((await scrape(server)).sum('echotune_sockets_connected')).toBe(2);
    second.socket.disconnect();
    const after = await scrapeUntil(server, (current) => current.sum('echotune_sockets_connected') === 1);
    expect(after.sum('echotune_sockets_connected')).toBe(1);
    expect(after.sum('echotune_socket_rooms', { kind: 'user' })).toBe(1);
  });

  it('times store calls and recommendations, and counts the history import', () => {
    expect(
      metrics.sum('echotune_store_operation_duration_seconds_count', {
        operation: 'appendMessage',
        outcome: 'ok',
      }),
    ).toBe(2);
    expect(metrics.sum('echotune_store_operation_duration_seconds_count', { outcome: 'error' })).toBe(0);
    expect(
      metrics.sum('echotune_recommend_duration_seconds_count', { outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(metrics.sum('echotune_history_imports_total', { outcome: 'done' })).toBe(1);
    expect(metrics.sum('echotune_history_imports_running')).toBe(0);
  });

  it('reports the event-loop delay and the process metrics with the echotune_ prefix', () => {
    expect(metrics.find('echotune_nodejs_eventloop_lag_p99_seconds')).toHaveLength(1);
    expect(metrics.sum('echotune_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(metrics.samples.every((sample) => sample.name.startsWith('echotune_'))).toBe(true);
  });

  it('has a Grafana dashboard that queries only metrics /metrics declares', () => {
    const dashboard = readFileSync(
      new URL('../../deploy/grafana/echotune-dashboard.json', import.meta.url),
      'utf8',
    );
    const { panels, templating } = JSON.parse(dashboard) as {
      panels: Array<{ targets?: Array<{ expr: string }> }>;
      templating: { list: Array<{ definition?: string }> };
    };
    const expressions = [
      ...panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr),
      ...templating.list.flatMap((variable) => variable.definition ?? []),
    ];
    expect(expressions.length).toBeGreaterThanOrEqual(15);
    const named = new Set(
      expressions.flatMap((expression) => expression.match(/echotune_[a-z0-9_]+/g) ?? []),
    );
    expect(named.size).toBeGreaterThanOrEqual(15);
    expect([...named].filter((name) => !metrics.declared.has(name))).toEqual([]);
  });
});

describe('GET /metrics while a turn streams', () => {
  it('gauges the running turn, and none once it is done', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'echotune-metrics-'));
    const slow = await startSlowUpstream({ directory, words: 20, word: 'tick' });
    const server = await startTestServer({ PROVIDERS_FILE: slow.providersFile });
    try {
      const client = await server.connect((await server.guest()).token);
      const { session } = await client.ok('session:create', {});
      expect((await scrape(server)).sum('echotune_turns_running')).toBe(0);
      await client.ok('message:send', { sessionId: session.id, clientMsgId: 'slow', text: 'calm jazz' });
      await client.waitFor('turn:delta');
      expect((await scrape(server)).sum('echotune_turns_running')).toBe(1);
      await client.waitFor('turn:done');
      const after = await scrapeUntil(server, (current) => current.sum('echotune_turns_running') === 0);
      expect(after.sum('echotune_turns_running')).toBe(0);
    } finally {
      await server.stop();
      await slow.close();
      rmSync(directory, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN, RATE_LIMIT_REQUESTS_PER_MINUTE: '2' });
  });
  afterAll(() => server.stop());

  it('answers 401 in the error shape without the token or with a wrong one', async () => {
    const refused: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token-of-some-length' },
      // The token without the Bearer scheme is not the header asked for.
      { authorization: METRICS_TOKEN },
    ];
    for (const headers of refused) {
      const response = await fetch(`${server.url}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { code: 'unauthorized', message: expect.stringMatching(/METRICS_TOKEN/), retryable: false },
      });
    }
  });

  it('serves the metrics with the right token, never rate limited, from a registry of its own', async () => {
    const authorization = { authorization: `Bearer ${METRICS_TOKEN}` };
    // Twice the REST budget: scrapes never count against it.
    for (let scrapeNumber = 0; scrapeNumber < 4; scrapeNumber += 1) {
      const metrics = await scrape(server, authorization);
      expect(metrics.declared.has('echotune_turns_total')).toBe(true);
      // The other service in this process ran a turn; this one has run none.
      expect(metrics.sum('echotune_turns_total')).toBe(0);
    }
    // The scrapes spent none of the REST budget of 2 (a token-less request is 401, not 429), which holds.
    const statuses: number[] = [];
    for (let request = 0; request < 3; request += 1) {
      statuses.push((await fetch(`${server.url}/api/v1/providers`)).status);
    }
    expect(statuses).toEqual([401, 401, 429]);
  });
});
