/**
 * Which files of a Spotify personal-data export hold listening history, by their names (the folder a
 * member sits in does not matter: exports have used "MyData/", "Spotify Account Data/" and
 * "Spotify Extended Streaming History/").
 * - Account data: `StreamingHistory_music_N.json`, before 2023 `StreamingHistoryN.json` (music and
 *   podcasts mixed, indistinguishable); `StreamingHistory_podcast_N.json` holds podcasts only.
 * - Extended streaming history: `Streaming_History_Audio_<years>_N.json`, before 2023 `endsong_N.json`;
 *   `Streaming_History_Video_<years>.json` holds video plays.
 */
export type HistorySource = 'account' | 'extended';

/** The naming generation of a history file; the legacy names come from exports before 2023. */
export type HistoryVintage = 'account' | 'account-legacy' | 'extended' | 'extended-legacy';

export type ExportFileKind =
  | { kind: 'history'; source: HistorySource; vintage: HistoryVintage }
  /** A history file that holds no music: counted by name, never read. */
  | { kind: 'skipped'; holds: 'video' | 'podcasts' }
  | { kind: 'other' };

const patterns: ReadonlyArray<{ pattern: RegExp; kind: ExportFileKind }> = [
  {
    pattern: /^StreamingHistory_music_\d+\.json$/i,
    kind: { kind: 'history', source: 'account', vintage: 'account' },
  },
  {
    pattern: /^StreamingHistory\d+\.json$/i,
    kind: { kind: 'history', source: 'account', vintage: 'account-legacy' },
  },
  {
    pattern: /^Streaming_History_Audio_[\w-]+\.json$/i,
    kind: { kind: 'history', source: 'extended', vintage: 'extended' },
  },
  {
    pattern: /^endsong_\d+\.json$/i,
    kind: { kind: 'history', source: 'extended', vintage: 'extended-legacy' },
  },
  { pattern: /^Streaming_History_Video_[\w-]+\.json$/i, kind: { kind: 'skipped', holds: 'video' } },
  { pattern: /^StreamingHistory_podcast_\d+\.json$/i, kind: { kind: 'skipped', holds: 'podcasts' } },
];

export function classifyExportFile(path: string): ExportFileKind {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return patterns.find(({ pattern }) => pattern.test(name))?.kind ?? { kind: 'other' };
}

/**
 * The kind of a history file whose name says nothing (a single upload renamed by its owner), from the
 * fields of its first row: account rows have endTime, extended rows ts; exports before 2023 carried the
 * listener's username and decrypted IP address in every extended row.
 */
export function sniffHistoryKind(row: Record<string, unknown>): ExportFileKind {
  if ('endTime' in row && 'msPlayed' in row)
    return { kind: 'history', source: 'account', vintage: 'account' };
  if ('ts' in row && 'ms_played' in row) {
    const legacy = 'ip_addr_decrypted' in row || 'username' in row || 'user_agent_decrypted' in row;
    return { kind: 'history', source: 'extended', vintage: legacy ? 'extended-legacy' : 'extended' };
  }
  return { kind: 'other' };
}
