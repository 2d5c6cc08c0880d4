import { describe, expect, it } from 'vitest';
import type { NewUsageRecord } from '../../../src/store/index.js';
import type { StoreAccessor } from '../store-contract.js';
import { collectPages, hourMs, sleep } from '../store-fixtures.js';

export function describeActivityCases(store: StoreAccessor): void {
  describeFeedback(store);
  describeImportJobs(store);
  describeUsage(store);
}

function describeFeedback(store: StoreAccessor): void {
  describe('feedback', () => {
    const give = (userId: string, sessionId: string, trackId: string) =>
      store().addFeedback({ userId, sessionId, recommendationId: 'rec-1', trackId, signal: 'like' });

    it('stores feedback and lists it newest first, filtered by listener, session, or neither', async () => {
      const first = await give('u1', 's1', 't1');
      const second = await give('u1', 's2', 't2');
      const third = await give('u2', 's1', 't3');
      expect(first).toMatchObject({ userId: 'u1', sessionId: 's1', trackId: 't1', signal: 'like' });
      const byUser = await store().listFeedback({ userId: 'u1' }, { limit: 10 });
      expect(byUser).toEqual({ items: [second, first], nextCursor: null });
      const bySession = await store().listFeedback({ sessionId: 's1' }, { limit: 10 });
      expect(bySession.items).toEqual([third, first]);
      const both = await store().listFeedback({ userId: 'u1', sessionId: 's1' }, { limit: 10 });
      expect(both.items).toEqual([first]);
      const everyone = await store().listFeedback({}, { limit: 10 });
      expect(everyone.items).toEqual([third, second, first]);
    });

    it('pages through feedback by cursor without repeating or skipping', async () => {
      expect(await store().listFeedback({}, { limit: 2 })).toEqual({ items: [], nextCursor: null });
      const given = [];
      for (let index = 0; index < 5; index += 1) given.push(await give('u1', 's1', `t${index}`));
      const seen = await collectPages((cursor) =>
        store().listFeedback({ userId: 'u1' }, { cursor, limit: 2 }),
      );
      expect(seen.sizes).toEqual([2, 2, 1]);
      expect(seen.items).toEqual(given.reverse());
    });
  });
}

function describeImportJobs(store: StoreAccessor): void {
  describe('import jobs', () => {
    it('creates a pending job with zero counters', async () => {
      const job = await store().createImportJob({ userId: null, kind: 'catalog', source: 'tracks.csv' });
      expect(job).toMatchObject({
        userId: null,
        kind: 'catalog',
        status: 'pending',
        source: 'tracks.csv',
        total: null,
        processed: 0,
        imported: 0,
        merged: 0,
        rejected: 0,
        errors: [],
        report: null,
      });
      expect(await store().getImportJob(job.id)).toEqual(job);
      expect(await store().getImportJob('missing')).toBeNull();
    });

    it('applies a patch, keeps the fields it leaves out, and moves updatedAt', async () => {
      const job = await store().createImportJob({
        userId: 'u1',
        kind: 'history',
        source: 'export.zip',
        total: 10,
      });
      await sleep(5);
      const running = await store().updateImportJob(job.id, { status: 'running', processed: 4, imported: 3 });
      expect(running).toMatchObject({ status: 'running', total: 10, processed: 4, imported: 3, rejected: 0 });
      expect(running.updatedAt > job.updatedAt).toBe(true);
      expect(running.createdAt).toBe(job.createdAt);
      const done = await store().updateImportJob(job.id, {
        status: 'done',
        processed: 10,
        rejected: 1,
        errors: ['row 7: energy: expected number'],
      });
      expect(done).toMatchObject({ status: 'done', processed: 10, imported: 3, rejected: 1 });
      expect(await store().getImportJob(job.id)).toEqual(done);
    });

    it('keeps a history import’s report as written and replaces it on the next patch', async () => {
      const job = await store().createImportJob({
        userId: 'u1',
        kind: 'history',
        source: 'my_spotify_data.zip',
      });
      const report = {
        progress: 0.5,
        files: [
          {
            name: 'my_spotify_data.zip › StreamingHistory_music_0.json',
            status: 'ok' as const,
            error: null,
            rows: 3,
            plays: 2,
            skippedPodcasts: 1,
            skippedAudiobooks: 0,
            unplayable: 0,
            rejected: 0,
          },
        ],
        plays: 2,
        inserted: 2,
        duplicates: 0,
        matchedByUri: 0,
        matchedByName: 1,
        unmatched: 1,
        skippedPodcasts: 1,
        skippedAudiobooks: 0,
        unplayable: 0,
        rejected: 0,
        incognito: 0,
        firstPlayedAt: '2024-01-01T10:00:00.000Z',
        lastPlayedAt: null,
      };
      expect((await store().updateImportJob(job.id, { status: 'running', report })).report).toEqual(report);
      expect((await store().getImportJob(job.id))?.report).toEqual(report);
      const done = { ...report, progress: 1, plays: 3 };
      await store().updateImportJob(job.id, { status: 'done', report: done });
      expect(await store().getImportJob(job.id)).toMatchObject({ status: 'done', report: done });
    });

    it('updating an unknown job fails as not_found', async () => {
      await expect(store().updateImportJob('missing', { status: 'failed' })).rejects.toMatchObject({
        code: 'not_found',
      });
    });
  });
}

function describeUsage(store: StoreAccessor): void {
  describe('usage', () => {
    const usage = (userId: string, costUsd: number, createdAt?: string): NewUsageRecord => ({
      userId,
      sessionId: 's1',
      turnId: 'turn-1',
      deploymentId: 'd1',
      provider: 'openai',
      model: 'gpt',
      inputTokens: 100,
      outputTokens: 50,
      costUsd,
      ...(createdAt === undefined ? {} : { createdAt }),
    });

    it('sums the listener’s cost since a time, leaving out older records and other listeners', async () => {
      const now = Date.now();
      await store().recordUsage(usage('u1', 0.25));
      await store().recordUsage(usage('u1', 0.5, new Date(now - hourMs).toISOString()));
      await store().recordUsage(usage('u1', 4, new Date(now - 30 * hourMs).toISOString()));
      await store().recordUsage(usage('u2', 8));
      expect(await store().sumUsageCost('u1', new Date(now - 24 * hourMs))).toBeCloseTo(0.75, 10);
      expect(await store().sumUsageCost('u1', new Date(now - 48 * hourMs))).toBeCloseTo(4.75, 10);
      expect(await store().sumUsageCost('u1', new Date(now + hourMs))).toBe(0);
      expect(await store().sumUsageCost('nobody', new Date(0))).toBe(0);
    });

    it('counts estimated usage like reported usage, and a refused attempt’s zero adds nothing', async () => {
      await store().recordUsage({ ...usage('u3', 0.125), estimated: true });
      await store().recordUsage({ ...usage('u3', 0), inputTokens: 0, outputTokens: 0 });
      expect(await store().sumUsageCost('u3', new Date(Date.now() - hourMs))).toBeCloseTo(0.125, 10);
    });
  });
}
