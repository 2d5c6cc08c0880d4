import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../support/echotune-server.js';

/** The offline provider through real socket turns: follow-ups refine, unreadable words get a question. */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

async function ask(client: TestClient, sessionId: string, text: string, clientMsgId: string) {
  const { messageId } = await client.ok('message:send', { sessionId, clientMsgId, text });
  const start = await client.waitFor('turn:start', (event) => event.replyTo === messageId);
  const done = await client.waitFor('turn:done', (event) => event.turnId === start.turnId);
  const recs = client.of('turn:recs').filter((event) => event.turnId === start.turnId);
  return { text: done.message.text, tracks: recs.flatMap((event) => event.tracks) };
}

async function session(): Promise<{ client: TestClient; sessionId: string }> {
  const client = await server.connect((await server.guest()).token);
  const { session } = await client.ok('session:create', {});
  return { client, sessionId: session.id };
}

describe('understanding through socket turns (offline provider)', () => {
  it('“less latin please, more rock” after a Latin answer: no Latin, rock in', async () => {
    const { client, sessionId } = await session();
    const first = await ask(client, sessionId, 'latin party songs', 'm1');
    expect(first.tracks.filter((track) => track.genres.includes('latin')).length).toBeGreaterThanOrEqual(6);
    const second = await ask(client, sessionId, 'less latin please, more rock', 'm2');
    expect(second.tracks.length).toBeGreaterThanOrEqual(5);
    expect(second.tracks.some((track) => track.genres.includes('latin'))).toBe(false);
    expect(second.tracks.filter((track) => track.genres.includes('rock')).length).toBeGreaterThanOrEqual(4);
  });

  it('“90s hip hop” answers from the 1990s, with each card’s release date', async () => {
    const { client, sessionId } = await session();
    const { tracks } = await ask(client, sessionId, '90s hip hop', 'm1');
    expect(tracks.length).toBeGreaterThanOrEqual(6);
    for (const track of tracks) expect(track.releaseDate?.slice(0, 3)).toBe('199');
  });

  it('words it cannot read get a short question with examples, and no cards', async () => {
    const { client, sessionId } = await session();
    const answer = await ask(client, sessionId, 'blorf zzkx qwop 123 ??', 'm1');
    expect(answer.tracks).toEqual([]);
    expect(answer.text).toMatch(/^I am not sure what you would like to hear\. .*“90s hip hop”/);
  });

  it('“energetic rock” six times: the sixth still has rock cards, and says some are repeats', async () => {
    const { client, sessionId } = await session();
    let last = { text: '', tracks: [] as Array<{ genres: string[] }> };
    for (let turn = 1; turn <= 6; turn++) last = await ask(client, sessionId, 'energetic rock', `m${turn}`);
    expect(last.tracks.length).toBeGreaterThanOrEqual(5);
    expect(last.tracks.filter((track) => track.genres.includes('rock')).length).toBeGreaterThanOrEqual(4);
    expect(last.text).toMatch(/already shown in this chat/);
  });
});
