import type { AssistantMeta } from '../../src/protocol/index.js';
import type { CatalogTrack, ListeningEvent, NewRecommendation } from '../../src/store/index.js';

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

export function makeTrack(id: string, overrides: Partial<CatalogTrack> = {}): CatalogTrack {
  return {
    id,
    name: `Track ${id}`,
    artists: ['Some Artist'],
    album: 'Some Album',
    releaseDate: '2020-01-01',
    genres: ['pop'],
    popularity: 50,
    durationMs: 200_000,
    explicit: false,
    features: {
      danceability: 0.5,
      energy: 0.5,
      valence: 0.5,
      tempo: 120,
      acousticness: 0.1,
      instrumentalness: 0,
      speechiness: 0.05,
      liveness: 0.1,
      loudness: -6,
      key: 5,
      mode: 1,
    },
    estimated: false,
    ...overrides,
  };
}

export function makePlay(
  userId: string,
  playedAt: string,
  trackName: string,
  artistName = 'Artist',
): ListeningEvent {
  return {
    userId,
    trackId: null,
    trackName,
    artistName,
    albumName: null,
    playedAt,
    msPlayed: 30_000,
    source: 'test',
    signal: 'neutral',
    incognito: false,
    genre: null,
  };
}

export function makeRecommendation(
  sessionId: string,
  trackIds: string[],
  expiresAt: Date,
  overrides: Partial<NewRecommendation> = {},
): NewRecommendation {
  return {
    sessionId,
    userId: 'user-1',
    turnId: 'turn-1',
    query: { mood: 'calm', limit: trackIds.length },
    tracks: trackIds.map((trackId, index) => ({ trackId, score: 1 - index / 10, reasons: ['because'] })),
    expiresAt: expiresAt.toISOString(),
    ...overrides,
  };
}

export const assistantMeta: AssistantMeta = {
  turnId: 'turn-1',
  provider: 'offline',
  model: 'offline-1',
  inputTokens: 12,
  outputTokens: 34,
  costUsd: 0,
  ttftMs: 5,
  totalMs: 20,
  attempts: [
    {
      deploymentId: 'offline',
      provider: 'offline',
      model: 'offline-1',
      outcome: 'ok',
      inputTokens: 12,
      outputTokens: 34,
      costUsd: 0,
      ttftMs: 5,
      totalMs: 20,
    },
  ],
  recommendationIds: ['rec-1'],
  finishReason: 'stop',
};

export const hourMs = 60 * 60 * 1000;

/** Follows nextCursor until it is null, recording each page size (bounded so a bad cursor cannot loop). */
export async function collectPages<Item>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: Item[]; nextCursor: string | null }>,
): Promise<{ items: Item[]; sizes: number[] }> {
  const items: Item[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    sizes.push(page.items.length);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && sizes.length < 100);
  return { items, sizes };
}
