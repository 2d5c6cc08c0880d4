import { describe, expect, it } from 'vitest';
import type { StoreAccessor } from '../store-contract.js';
import { sleep } from '../store-fixtures.js';

export function describeSiteKeyCases(store: StoreAccessor): void {
  describe('site keys', () => {
    it('creates a pk_ key with normalized origins and reads it back', async () => {
      const created = await store().createSiteKey({
        name: ' Shop ',
        origins: ['https://Shop.Example:443', 'http://localhost:8080/', 'https://shop.example'],
      });
      expect(created).toEqual({
        key: expect.stringMatching(/^pk_[A-Za-z0-9_-]{32}$/),
        name: 'Shop',
        origins: ['https://shop.example', 'http://localhost:8080'],
        createdAt: expect.any(String),
        revokedAt: null,
      });
      expect(await store().getSiteKey(created.key)).toEqual(created);
      expect(await store().getSiteKey('pk_missing0000')).toBeNull();
    });

    it('refuses bad names and origins, naming the field', async () => {
      const cases: Array<[{ name: string; origins: string[] }, RegExp]> = [
        [{ name: '', origins: ['https://a.example'] }, /name: must not be empty/],
        [{ name: 'x', origins: [] }, /origins: must list at least one origin/],
        [{ name: 'x', origins: ['ftp://a.example'] }, /origins\.0: must start with http/],
        [{ name: 'x', origins: ['https://*.example'] }, /origins\.0: wildcards/],
        [
          { name: 'x', origins: ['https://a.example', 'https://a.example/shop'] },
          /origins\.1: .*without a path/,
        ],
        [{ name: 'x', origins: ['not a url'] }, /origins\.0: must be an origin/],
      ];
      for (const [input, message] of cases) {
        await expect(store().createSiteKey(input), JSON.stringify(input)).rejects.toMatchObject({
          code: 'invalid',
          message: expect.stringMatching(message),
        });
      }
      expect(await store().listSiteKeys()).toEqual([]);
    });

    it('lists every key newest first, revoked ones included', async () => {
      const first = await store().createSiteKey({ name: 'first', origins: ['https://one.example'] });
      await sleep(5);
      const second = await store().createSiteKey({ name: 'second', origins: ['https://two.example'] });
      const revoked = await store().revokeSiteKey(first.key);
      expect(await store().listSiteKeys()).toEqual([second, revoked]);
    });

    it('revokes once: a second revoke keeps the first time, an unknown key gives null', async () => {
      const key = await store().createSiteKey({ name: 'shop', origins: ['https://shop.example'] });
      const revoked = await store().revokeSiteKey(key.key);
      expect(revoked).toEqual({ ...key, revokedAt: expect.any(String) });
      expect(Number.isNaN(Date.parse(revoked?.revokedAt ?? ''))).toBe(false);
      await sleep(5);
      expect(await store().revokeSiteKey(key.key)).toEqual(revoked);
      expect(await store().getSiteKey(key.key)).toEqual(revoked);
      expect(await store().revokeSiteKey('pk_missing0000')).toBeNull();
    });
  });
}
