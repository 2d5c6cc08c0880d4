import { describe, expect, it } from 'vitest';
import type { StoreAccessor } from '../store-contract.js';
import { collectPages, makePlay, makeTrack } from '../store-fixtures.js';

export function describeCatalogCases(store: StoreAccessor): void {
  describeTracks(store);
  describeListeningHistory(store);
}

function describeTracks(store: StoreAccessor): void {
  describe('tracks', () => {
    it('upserts by id, counting inserted and updated, and replaces every field on update', async () => {
      expect(await store().upsertTracks([])).toEqual({ inserted: 0, updated: 0 });
      expect(await store().upsertTracks([makeTrack('a'), makeTrack('b')])).toEqual({
        inserted: 2,
        updated: 0,
      });
      const changed = makeTrack('a', {
        name: 'Renamed',
        artists: ['X', 'Y'],
        explicit: null,
        estimated: true,
      });
      expect(await store().upsertTracks([changed, makeTrack('c')])).toEqual({ inserted: 1, updated: 1 });
      expect(await store().getTracks(['a'])).toEqual([changed]);
      expect(await store().countTracks()).toBe(3);
    });

    it('getTracks returns tracks in the requested order and leaves out unknown ids', async () => {
      await store().upsertTracks([makeTrack('a'), makeTrack('b'), makeTrack('c')]);
      const tracks = await store().getTracks(['c', 'missing', 'a']);
      expect(tracks.map((track) => track.id)).toEqual(['c', 'a']);
      expect(tracks[1]).toEqual(makeTrack('a'));
      expect(await store().getTracks([])).toEqual([]);
    });

    it('lists every track in id order, page by page', async () => {
      expect(await store().listTracks({ limit: 2 })).toEqual({ items: [], nextCursor: null });
      await store().upsertTracks(['e', 'b', 'a', 'd', 'c'].map((id) => makeTrack(id)));
      const seen = await collectPages((cursor) => store().listTracks({ cursor, limit: 2 }));
      expect(seen.sizes).toEqual([2, 2, 1]);
      expect(seen.items.map((track) => track.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
      const exact = await store().listTracks({ limit: 5 });
      expect(exact.nextCursor).toBeNull();
    });
  });
}

function describeListeningHistory(store: StoreAccessor): void {
  describe('listening history', () => {
    it('re-importing the same plays adds nothing, even when the time is written differently', async () => {
      const plays = [
        makePlay('u1', '2024-01-01T10:00:00.000Z', 'Song A'),
        makePlay('u1', '2024-01-01T10:05:00.000Z', 'Song B'),
        makePlay('u2', '2024-01-01T10:00:00.000Z', 'Song A'),
      ];
      expect(await store().addListeningHistory(plays)).toEqual({ inserted: 3, duplicates: 0 });
      expect(await store().addListeningHistory(plays)).toEqual({ inserted: 0, duplicates: 3 });
      const mixed = [
        makePlay('u1', '2024-01-01T10:00:00Z', 'Song A'),
        makePlay('u1', '2024-01-02T10:00:00Z', 'New'),
      ];
      expect(await store().addListeningHistory(mixed)).toEqual({ inserted: 1, duplicates: 1 });
      expect(await store().addListeningHistory([])).toEqual({ inserted: 0, duplicates: 0 });
      const all = await store().listListeningHistory({}, { limit: 100 });
      expect(all.items).toHaveLength(4);
    });

    it('lists plays newest first, per listener or for everyone, page by page', async () => {
      await store().addListeningHistory([
        makePlay('u1', '2024-01-01T10:00:00.000Z', 'first'),
        makePlay('u1', '2024-01-03T10:00:00.000Z', 'third'),
        makePlay('u1', '2024-01-02T10:00:00.000Z', 'second'),
        makePlay('u2', '2024-01-04T10:00:00.000Z', 'other listener'),
        makePlay('u1', '2024-01-02T10:00:00.000Z', 'second, same minute', 'Other Artist'),
      ]);
      const mine = await collectPages((cursor) =>
        store().listListeningHistory({ userId: 'u1' }, { cursor, limit: 2 }),
      );
      expect(mine.sizes).toEqual([2, 2]);
      expect(mine.items.map((play) => play.playedAt)).toEqual([
        '2024-01-03T10:00:00.000Z',
        '2024-01-02T10:00:00.000Z',
        '2024-01-02T10:00:00.000Z',
        '2024-01-01T10:00:00.000Z',
      ]);
      expect(new Set(mine.items.map((play) => play.trackName)).size).toBe(4);
      expect(mine.items[0]).toEqual(makePlay('u1', '2024-01-03T10:00:00.000Z', 'third'));
      const everyone = await store().listListeningHistory({}, { limit: 10 });
      expect(everyone.items.map((play) => play.trackName)[0]).toBe('other listener');
      expect(everyone.items).toHaveLength(5);
    });
  });
}
