import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SiteKeyAccess } from '../../src/gateway/site-key-access.js';
import { createLogger } from '../../src/logger.js';
import { createSqliteStore, type Store } from '../../src/store/index.js';

const logger = createLogger('silent');
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('SiteKeyAccess', () => {
  let store: Store;
  let reads: number;
  let access: SiteKeyAccess;

  beforeEach(async () => {
    store = await createSqliteStore({ path: ':memory:' });
    reads = 0;
    const counting = {
      getSiteKey: (key: string) => {
        reads += 1;
        return store.getSiteKey(key);
      },
      listSiteKeys: () => store.listSiteKeys(),
    };
    access = new SiteKeyAccess(counting, { logger, cacheMs: 100 });
  });
  afterEach(() => store.close());

  it('reads a key once for concurrent checks, and sees a revoke made elsewhere after the cache time', async () => {
    const { key } = await store.createSiteKey({ name: 'shop', origins: ['https://shop.example'] });
    await Promise.all(Array.from({ length: 5 }, () => access.requireOrigin(key, 'https://shop.example')));
    expect(reads).toBe(1);
    expect(await access.isWidgetOrigin('https://shop.example')).toBe(true);
    // The CLI (or another instance) revokes: this instance still honours the key until its entry expires.
    await store.revokeSiteKey(key);
    await access.requireOrigin(key, 'https://shop.example');
    expect(await access.isWidgetOrigin('https://shop.example')).toBe(true);
    await sleep(150);
    await expect(access.requireOrigin(key, 'https://shop.example')).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(await access.isWidgetOrigin('https://shop.example')).toBe(false);
  });

  it('compares the Origin header in its normalized form and scopes only tokens that name a key', async () => {
    const { key } = await store.createSiteKey({ name: 'dev', origins: ['http://localhost:8080'] });
    await access.requireOrigin(key, 'http://LOCALHOST:8080');
    await expect(access.requireOrigin(key, 'http://localhost:8081')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(access.requireOrigin(key, 'null')).rejects.toMatchObject({ code: 'forbidden' });
    await access.authorize({ userId: 'u1', kind: 'guest' }, undefined);
    await expect(
      access.authorize({ userId: 'u1', kind: 'guest', siteKey: key }, undefined),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('forgets at once what this instance changed', async () => {
    expect(await access.isWidgetOrigin('https://new.example')).toBe(false);
    const { key } = await store.createSiteKey({ name: 'new', origins: ['https://new.example'] });
    access.forget(key);
    expect(await access.isWidgetOrigin('https://new.example')).toBe(true);
  });
});
