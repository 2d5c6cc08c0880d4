import type { Logger } from '../../logger.js';
import type { CatalogTrack } from '../../protocol/index.js';
import type { CatalogStore } from '../../store/index.js';
import { bundledCatalog } from './bundled-catalog.js';

const pageSize = 5000;

/**
 * The catalog the engine serves: seeds an empty store with the bundled tracks (so a fresh install
 * recommends at once), then reads every track, page by page.
 */
export async function loadCatalog(store: CatalogStore, logger?: Logger): Promise<CatalogTrack[]> {
  if ((await store.countTracks()) === 0) {
    const bundled = bundledCatalog();
    await store.upsertTracks(bundled);
    logger?.info({ tracks: bundled.length }, 'seeded the empty store with the bundled catalog');
  }
  const tracks: CatalogTrack[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listTracks({ cursor, limit: pageSize });
    tracks.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  logger?.info({ tracks: tracks.length }, 'catalog loaded');
  return tracks;
}
