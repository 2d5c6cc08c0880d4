import { newSiteKey } from '../new-site-key.js';
import type { NewSiteKey, SiteKey } from '../records.js';
import type { SiteKeyStore, Synchronous } from '../store.js';
import { nowIso } from '../time.js';
import type { SqliteStatements } from './sqlite-statements.js';

interface SiteKeyRow {
  key: string;
  name: string;
  origins: string;
  created_at: string;
  revoked_at: string | null;
}

function toSiteKey(row: SiteKeyRow): SiteKey {
  return {
    key: row.key,
    name: row.name,
    origins: JSON.parse(row.origins) as string[],
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

/** The widget's site keys. */
export class SqliteSiteKeys implements Synchronous<SiteKeyStore> {
  readonly #sql: SqliteStatements;

  constructor(statements: SqliteStatements) {
    this.#sql = statements;
  }

  createSiteKey(input: NewSiteKey): SiteKey {
    const siteKey = newSiteKey(input);
    this.#sql.run(
      'INSERT INTO site_keys (key, name, origins, created_at, revoked_at) VALUES (?, ?, ?, ?, NULL)',
      siteKey.key,
      siteKey.name,
      JSON.stringify(siteKey.origins),
      siteKey.createdAt,
    );
    return siteKey;
  }

  listSiteKeys(): SiteKey[] {
    return this.#sql
      .all<SiteKeyRow>('SELECT * FROM site_keys ORDER BY created_at DESC, key DESC')
      .map(toSiteKey);
  }

  getSiteKey(key: string): SiteKey | null {
    const row = this.#sql.get<SiteKeyRow>('SELECT * FROM site_keys WHERE key = ?', key);
    return row === undefined ? null : toSiteKey(row);
  }

  revokeSiteKey(key: string): SiteKey | null {
    this.#sql.run('UPDATE site_keys SET revoked_at = ? WHERE key = ? AND revoked_at IS NULL', nowIso(), key);
    return this.getSiteKey(key);
  }
}
