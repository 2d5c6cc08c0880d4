import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SiteKey } from '../../src/protocol/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'echotune-site-key-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The CLI as `npm run site-key -- …` runs it (tsx), against a SQLite store in its own DATA_DIR. */
function siteKey(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'src/site-keys/site-key-cli.ts', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, DATA_DIR: dataDir, MONGODB_URI: '', LOG_LEVEL: 'warn' },
  });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('npm run site-key', () => {
  it('creates, lists and revokes keys in the configured store', () => {
    const created = siteKey(
      'create',
      '--name',
      'Shop',
      '--origin',
      'https://Shop.Example',
      '--origin',
      'http://localhost:8080',
      '--json',
    );
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout) as SiteKey;
    expect(key).toMatchObject({
      key: expect.stringMatching(/^pk_/),
      name: 'Shop',
      origins: ['https://shop.example', 'http://localhost:8080'],
      revokedAt: null,
    });

    const table = siteKey('list');
    expect(table.code, table.stderr).toBe(0);
    const [header, row] = table.stdout.trim().split('\n');
    expect(header).toMatch(/^KEY\s+NAME\s+ORIGINS\s+CREATED\s+REVOKED$/);
    expect(row).toContain(key.key);
    expect(row).toContain('https://shop.example http://localhost:8080');

    const revoked = siteKey('revoke', key.key, '--json');
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ key: key.key, revokedAt: expect.any(String) });
    const listed = JSON.parse(siteKey('list', '--json').stdout) as SiteKey[];
    expect(listed).toEqual([{ ...key, revokedAt: expect.any(String) }]);
  });

  it('explains bad arguments with the usage and exit code 2, before opening any store', () => {
    const cases: Array<[string[], RegExp]> = [
      [['create', '--origin', 'https://a.example'], /create needs --name/],
      [['create', '--name', 'x'], /create needs at least one --origin/],
      [
        ['create', '--name', 'x', '--origin', 'ftp://a.example'],
        /--origin ftp:\/\/a\.example: must start with http/,
      ],
      [['create', '--name', 'x', '--origin', 'https://*.a.example'], /wildcards are not allowed/],
      [['revoke'], /revoke needs the key/],
      [['revoke', 'nonsense'], /nonsense: must look like pk_/],
      [['list', '--colour'], /Unknown option '--colour'/],
      [['rotate'], /unknown command "rotate"/],
    ];
    for (const [args, message] of cases) {
      const result = siteKey(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('usage: npm run site-key');
    }
  });

  it('says so when the key to revoke does not exist (exit code 1)', () => {
    const result = siteKey('revoke', 'pk_doesnotexist0');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no site key pk_doesnotexist0');
  });
});
