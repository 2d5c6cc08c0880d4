import type { SiteKey } from '../protocol/index.js';

const columns = ['KEY', 'NAME', 'ORIGINS', 'CREATED', 'REVOKED'] as const;

function cells(siteKey: SiteKey): string[] {
  return [siteKey.key, siteKey.name, siteKey.origins.join(' '), siteKey.createdAt, siteKey.revokedAt ?? '-'];
}

/** Site keys as a plain-text table for a terminal, one key per line. */
export function formatSiteKeyTable(siteKeys: SiteKey[]): string {
  if (siteKeys.length === 0) return 'no site keys yet: npm run site-key -- create --name … --origin …';
  const rows = [[...columns], ...siteKeys.map(cells)];
  const widths = columns.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
