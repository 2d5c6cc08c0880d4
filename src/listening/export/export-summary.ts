import type { FileReport } from './file-report.js';

const maxListedMembers = 100;

/** What an export held and what became of it; read it once the batches have all been taken. */
export interface ExportSummary {
  /** The upload's file name, as given. */
  input: string;
  /** Told by the first bytes (a ZIP's local-header signature), never by the name. */
  container: 'zip' | 'json' | null;
  /** Bytes of the upload read. */
  inputBytes: number;
  /** One report per history file, in the order read. */
  files: FileReport[];
  /**
   * In a ZIP, the uncompressed bytes its history files declare (known once the archive is open), so
   * a reader can tell how far it is: the files' `bytes` add up to this. Null for a JSON upload.
   */
  historyBytes: number | null;
  /** History files that hold no music (video, podcasts): counted by name, not read. */
  skippedMembers: string[];
  /** The first 100 names of the other members (account data, playlists, read-me files…). */
  ignoredMembers: string[];
  ignoredMemberCount: number;
  totals: ExportTotals;
  /** The earliest and latest play delivered (ISO 8601 UTC). */
  firstPlayedAt: string | null;
  lastPlayedAt: string | null;
}

export interface ExportTotals {
  rows: number;
  plays: number;
  skippedPodcasts: number;
  skippedAudiobooks: number;
  unplayable: number;
  rejected: number;
  /** History files that failed or were refused. */
  failedFiles: number;
}

function zeroTotals(): ExportTotals {
  return {
    rows: 0,
    plays: 0,
    skippedPodcasts: 0,
    skippedAudiobooks: 0,
    unplayable: 0,
    rejected: 0,
    failedFiles: 0,
  };
}

export function newExportSummary(input: string): ExportSummary {
  return {
    input,
    container: null,
    inputBytes: 0,
    files: [],
    historyBytes: null,
    skippedMembers: [],
    ignoredMembers: [],
    ignoredMemberCount: 0,
    totals: zeroTotals(),
    firstPlayedAt: null,
    lastPlayedAt: null,
  };
}

export function addIgnoredMember(summary: ExportSummary, name: string): void {
  summary.ignoredMemberCount++;
  if (summary.ignoredMembers.length < maxListedMembers) summary.ignoredMembers.push(name);
}

/** Recomputes the totals from the file reports (cheap: a few files, called once per batch). */
export function refreshTotals(summary: ExportSummary): void {
  const totals = zeroTotals();
  for (const file of summary.files) {
    totals.rows += file.rows;
    totals.plays += file.plays;
    totals.skippedPodcasts += file.skippedPodcasts;
    totals.skippedAudiobooks += file.skippedAudiobooks;
    totals.unplayable += file.unplayable;
    totals.rejected += file.rejected;
    if (file.status !== 'ok') totals.failedFiles++;
  }
  summary.totals = totals;
}

/** Widens the played-at range by a batch's plays (ISO 8601 UTC strings compare in time order). */
export function notePlayTimes(summary: ExportSummary, plays: ReadonlyArray<{ playedAt: string }>): void {
  for (const { playedAt: time } of plays) {
    if (summary.firstPlayedAt === null || time < summary.firstPlayedAt) summary.firstPlayedAt = time;
    if (summary.lastPlayedAt === null || time > summary.lastPlayedAt) summary.lastPlayedAt = time;
  }
}
