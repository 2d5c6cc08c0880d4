import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asksAboutListening, periodOf } from '../../src/chat/listening-stats-offline.js';
import { startTestServer, type TestClient, type TestServer } from '../support/echotune-server.js';
import { accountDataFile, importHistory } from '../support/history-uploads.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

/** Account-data rows ("YYYY-MM-DD HH:MM", UTC) for the given day of last calendar month. */
function lastMonth(day: number, hour: number): string {
  const now = new Date();
  const time = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, day, hour, 0));
  return time.toISOString().slice(0, 16).replace('T', ' ');
}

function monthsAgo(months: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1)).toISOString().slice(0, 10);
}

/** Sends a message and resolves with the turn:done that answers it. */
async function ask(client: TestClient, sessionId: string, text: string, clientMsgId: string) {
  const { messageId } = await client.ok('message:send', { sessionId, clientMsgId, text });
  const start = await client.waitFor('turn:start', (event) => event.replyTo === messageId);
  return client.waitFor('turn:done', (done) => done.turnId === start.turnId);
}

describe('the listening_stats tool through a socket turn', () => {
  it('answers “what did I play most last month?” and “who did I skip the most?” with real numbers', async () => {
    const { token } = await server.guest();
    const client = await server.connect(token);
    await importHistory(server.url, token, client, [
      accountDataFile([
        { endTime: lastMonth(3, 8), artistName: 'Artist A', trackName: 'Song A', msPlayed: 200_000 },
        { endTime: lastMonth(4, 8), artistName: 'Artist A', trackName: 'Song A', msPlayed: 200_000 },
        { endTime: lastMonth(5, 8), artistName: 'Artist A', trackName: 'Song A', msPlayed: 200_000 },
        { endTime: lastMonth(6, 9), artistName: 'Artist B', trackName: 'Song B', msPlayed: 10_000 },
        { endTime: lastMonth(7, 9), artistName: 'Artist B', trackName: 'Song B2', msPlayed: 5_000 },
        // The month before: more plays, which “last month” must leave out.
        ...Array.from({ length: 5 }, (_, index) => ({
          endTime: `${monthsAgo(2)} 1${index}:00`,
          artistName: 'Artist C',
          trackName: 'Song C',
          msPlayed: 200_000,
        })),
      ]),
    ]);
    const { session } = await client.ok('session:create', {});

    const first = await ask(client, session.id, 'What did I play most last month?', 'q1');
    const period = `from ${monthsAgo(1)} to ${monthsAgo(0)}`;
    expect(first.message.text).toBe(
      `Your most played track ${period} is “Song A” by Artist A, with 3 plays. ` +
        'Then “Song B” by Artist B (1 play) and “Song B2” by Artist B (1 play). ' +
        `In all ${period}: 5 plays, 10 minutes of music, 40% skipped.`,
    );
    expect(client.of('turn:recs')).toHaveLength(0);

    const second = await ask(client, session.id, 'Who did I skip the most?', 'q2');
    expect(second.message.text).toMatch(/^The artist you skipped most is Artist B: 2 skips in 2 plays\. /);
    expect(second.message.text).toContain('In all: 10 plays, 27 minutes of music, 20% skipped.');
  });

  it('a listener without history is told how to bring it', async () => {
    const { token } = await server.guest();
    const client = await server.connect(token);
    const { session } = await client.ok('session:create', {});
    const done = await ask(client, session.id, 'what are my top artists this year?', 'q1');
    expect(done.message.text).toMatch(
      /^I have no listening history for you since \d{4}-01-01 yet\. Import your Spotify data/,
    );
  });

  it('a wish for music still gets recommendations', async () => {
    const { token } = await server.guest();
    const client = await server.connect(token);
    const { session } = await client.ok('session:create', {});
    await ask(client, session.id, 'play me my favourite calm piano songs', 'q1');
    expect(client.of('turn:recs').length).toBeGreaterThan(0);
  });
});

describe('how the offline model reads a stats question', () => {
  it('tells questions about one’s listening from wishes for music', () => {
    for (const question of [
      'what did I play most last month?',
      'Who did I skip the most?',
      'how much did I listen this year',
      'show my stats',
      'what are my top genres',
    ]) {
      expect(asksAboutListening(question), question).toBe(true);
    }
    for (const wish of [
      'play me something calm',
      'recommend my favourite kind of jazz',
      'upbeat songs for running',
      'I love the most energetic rock',
    ]) {
      expect(asksAboutListening(wish), wish).toBe(false);
    }
  });

  it('reads periods: calendar months and years, or the days up to now', () => {
    const now = new Date('2024-03-15T12:00:00Z');
    expect(periodOf('last month', now)).toEqual({ period: 'all', from: '2024-02-01', to: '2024-03-01' });
    expect(periodOf('this month', now)).toEqual({ period: 'all', from: '2024-03-01' });
    expect(periodOf('last year', now)).toEqual({ period: 'all', from: '2023-01-01', to: '2024-01-01' });
    expect(periodOf('in 2019', now)).toEqual({ period: 'all', from: '2019-01-01', to: '2020-01-01' });
    expect(periodOf('this week', now)).toEqual({ period: 'week' });
    expect(periodOf('the past 30 days', now)).toEqual({ period: 'month' });
    expect(periodOf('ever', now)).toEqual({ period: 'all' });
    expect(periodOf('last month', new Date('2024-01-10T00:00:00Z'))).toEqual({
      period: 'all',
      from: '2023-12-01',
      to: '2024-01-01',
    });
  });
});
