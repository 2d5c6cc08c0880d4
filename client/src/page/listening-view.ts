import type {
  HistoryImport,
  ListeningStatsView,
  SpotifyStatus,
  StatsPeriod,
} from '../../../src/protocol/index.js';
import type { Connection } from '../core/connection.js';
import { h } from '../core/dom.js';
import { barList, columnChart } from './charts.js';

const periods: Array<{ value: StatsPeriod; label: string }> = [
  { value: 'week', label: 'Week' },
  { value: 'month', label: 'Month' },
  { value: 'year', label: 'Year' },
  { value: 'all', label: 'All time' },
];
const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const hours = Array.from({ length: 24 }, (_, hour) => String(hour));

const number = (value: number) => value.toLocaleString();
const plural = (value: number, noun: string) => `${number(value)} ${noun}${value === 1 ? '' : 's'}`;

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return plural(minutes, 'minute');
  const hoursPlayed = Math.floor(minutes / 60);
  return hoursPlayed < 48 ? `${hoursPlayed} h ${minutes % 60} min` : plural(Math.round(hoursPlayed), 'hour');
}

/**
 * "Your listening": bring a Spotify export (upload, progress from `import:progress`, what became of
 * every file) and see the stats it gives, period by period, as charts.
 */
export class ListeningView {
  readonly #connection: Connection;
  readonly #dialog: HTMLDialogElement;
  readonly #status = h('div', { class: 'import-status', role: 'status' });
  readonly #spotify = h('section', { class: 'spotify', 'aria-labelledby': 'spotify-title', hidden: true });
  readonly #stats = h('div', { class: 'stats-body' });
  readonly #input = h('input', {
    type: 'file',
    multiple: true,
    accept: '.zip,.json,application/zip,application/json',
    class: 'visually-hidden',
    id: 'history-files',
  });
  #period: StatsPeriod = 'all';
  #watching: string | null = null;
  /** Imports already shown as finished: the POST's own answer (pending) may come after their last event. */
  readonly #finished = new Set<string>();

  constructor(connection: Connection) {
    this.#connection = connection;
    this.#dialog = this.#build();
    document.body.append(this.#dialog);
    connection.socket.on('import:progress', ({ job }) => this.#progress(job));
  }

  open(): void {
    if (!this.#dialog.open) this.#dialog.showModal();
    void this.#loadStats();
    void this.#loadSpotify();
  }

  /** Signed in with Spotify or not; hidden where the server has no Spotify sign-in. */
  async #loadSpotify(): Promise<void> {
    let status: SpotifyStatus;
    try {
      status = await this.#connection.rest<SpotifyStatus>('GET', '/spotify/status');
    } catch {
      this.#spotify.hidden = true;
      return;
    }
    this.#spotify.hidden = false;
    const title = h('h3', { id: 'spotify-title' }, 'Spotify account');
    if (!status.linked) {
      const signIn = h('button', { type: 'button', class: 'primary' }, 'Sign in with Spotify');
      signIn.addEventListener('click', () => void this.#signIn(signIn));
      this.#spotify.replaceChildren(
        title,
        h(
          'p',
          { class: 'muted small' },
          'Sign in to add what you play on Spotify from now on, and to save recommendations as playlists. Your chats stay.',
        ),
        signIn,
      );
      return;
    }
    const signOut = h('button', { type: 'button' }, 'Sign out of Spotify');
    signOut.addEventListener('click', () => {
      signOut.disabled = true;
      this.#connection.rest('POST', '/spotify/sign-out', {}).then(
        () => void this.#loadSpotify(),
        (error: unknown) => {
          signOut.disabled = false;
          this.#spotify.append(h('p', { class: 'error' }, `Could not sign out: ${(error as Error).message}`));
        },
      );
    });
    const synced = status.lastSyncAt
      ? ` Recent plays last added ${new Date(status.lastSyncAt).toLocaleString()}.`
      : '';
    this.#spotify.replaceChildren(
      title,
      h('p', {}, `Connected as ${status.displayName ?? 'your Spotify account'}.${synced}`),
      signOut,
    );
  }

  async #signIn(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      const { url } = await this.#connection.rest<{ url: string }>('POST', '/spotify/sign-in', {});
      location.assign(url);
    } catch (error) {
      button.disabled = false;
      this.#spotify.append(
        h('p', { class: 'error' }, `Could not start the sign-in: ${(error as Error).message}`),
      );
    }
  }

  #build(): HTMLDialogElement {
    const close = h('button', { type: 'button', class: 'icon', 'aria-label': 'Close your listening' }, '✕');
    close.addEventListener('click', () => this.#dialog.close());
    const drop = h(
      'label',
      { class: 'drop', for: 'history-files' },
      h('strong', {}, 'Choose files'),
      ' or drop them here: the ZIP from Spotify, or its StreamingHistory / Streaming_History_Audio JSON files',
    );
    this.#input.addEventListener('change', () => {
      if (this.#input.files?.length) void this.#upload([...this.#input.files]);
      this.#input.value = '';
    });
    drop.addEventListener('dragover', (event) => {
      event.preventDefault();
      drop.classList.add('dragging');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
    drop.addEventListener('drop', (event) => {
      event.preventDefault();
      drop.classList.remove('dragging');
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length > 0) void this.#upload(files);
    });
    const periodPicker = h(
      'fieldset',
      { class: 'periods' },
      h('legend', { class: 'visually-hidden' }, 'Period'),
    );
    for (const period of periods) {
      const radio = h('input', {
        type: 'radio',
        name: 'period',
        value: period.value,
        checked: period.value === this.#period,
      });
      radio.addEventListener('change', () => {
        this.#period = period.value;
        void this.#loadStats();
      });
      periodPicker.append(h('label', {}, radio, period.label));
    }
    return h(
      'dialog',
      { class: 'listening', 'aria-labelledby': 'listening-title' },
      h('header', { class: 'listening-head' }, h('h2', { id: 'listening-title' }, 'Your listening'), close),
      h(
        'section',
        { class: 'import', 'aria-labelledby': 'import-title' },
        h('h3', { id: 'import-title' }, 'Bring your Spotify history'),
        h(
          'p',
          { class: 'muted small' },
          'Ask Spotify for your data (Account → Privacy settings → Download your data), then add the files here. ' +
            'Importing the same files again adds nothing twice; podcasts and audiobooks are left out.',
        ),
        this.#input,
        drop,
        this.#status,
      ),
      this.#spotify,
      h(
        'section',
        { class: 'stats', 'aria-labelledby': 'stats-title' },
        h('h3', { id: 'stats-title' }, 'Stats'),
        periodPicker,
        this.#stats,
      ),
    );
  }

  async #upload(files: File[]): Promise<void> {
    const form = new FormData();
    for (const file of files) form.append('files', file, file.name);
    this.#status.replaceChildren(
      h('progress', { 'aria-label': 'Uploading' }),
      ` Uploading ${plural(files.length, 'file')}…`,
    );
    try {
      const job = await this.#connection.rest<HistoryImport>('POST', '/imports', form);
      this.#watching = job.id;
      this.#progress(job);
    } catch (error) {
      this.#status.replaceChildren(
        h('p', { class: 'error' }, `Could not upload: ${(error as Error).message}`),
      );
    }
  }

  #progress(job: HistoryImport): void {
    if (this.#finished.has(job.id)) return;
    if (this.#watching !== null && job.id !== this.#watching) return;
    this.#watching = job.id;
    const { report } = job;
    if (job.status === 'pending' || job.status === 'running') {
      const progress = h('progress', { max: 1, value: report.progress, 'aria-label': 'Import progress' });
      this.#status.replaceChildren(
        progress,
        ` Importing… ${Math.round(report.progress * 100)}% · ${plural(report.plays, 'play')} read`,
      );
      return;
    }
    this.#watching = null;
    this.#finished.add(job.id);
    this.#status.replaceChildren(...this.#outcome(job));
    void this.#loadStats();
  }

  #outcome(job: HistoryImport): HTMLElement[] {
    const { report } = job;
    const problems =
      job.errors.length > 0
        ? h('ul', { class: 'import-problems' }, ...job.errors.map((error) => h('li', {}, error)))
        : null;
    if (job.status === 'failed') {
      return [h('p', { class: 'error' }, 'Nothing could be imported.'), ...(problems ? [problems] : [])];
    }
    const matched = report.matchedByUri + report.matchedByName;
    const lines = [
      `Imported ${plural(report.inserted, 'new play')}` +
        (report.duplicates > 0 ? ` (${number(report.duplicates)} already imported or listed twice)` : '') +
        ` from ${plural(report.files.length, 'file')}.`,
      `Of the ${plural(report.plays, 'play')} read, ${number(matched)} matched tracks in the catalog; ` +
        `the other ${number(report.unmatched)} still count in your stats.`,
    ];
    const skipped = report.skippedPodcasts + report.skippedAudiobooks;
    if (skipped > 0) lines.push(`${plural(skipped, 'podcast or audiobook play')} left out.`);
    if (report.rejected > 0) lines.push(`${plural(report.rejected, 'row')} could not be read.`);
    return [h('p', { class: 'import-done' }, lines.join(' ')), ...(problems ? [problems] : [])];
  }

  async #loadStats(): Promise<void> {
    const utcOffset = -new Date().getTimezoneOffset();
    try {
      const stats = await this.#connection.rest<ListeningStatsView>(
        'GET',
        `/stats?period=${this.#period}&utcOffset=${utcOffset}&top=8`,
      );
      this.#stats.replaceChildren(...this.#render(stats));
    } catch (error) {
      this.#stats.replaceChildren(
        h('p', { class: 'error' }, `Could not load your stats: ${(error as Error).message}`),
      );
    }
  }

  #render(stats: ListeningStatsView): HTMLElement[] {
    if (stats.plays === 0) {
      return [
        h(
          'p',
          { class: 'muted' },
          'No plays in this period yet. Import your Spotify history above, then ask the chat about it.',
        ),
      ];
    }
    const totals = h(
      'dl',
      { class: 'totals' },
      ...[
        ['Plays', number(stats.plays)],
        ['Listening time', duration(stats.msPlayed)],
        ['Skipped', `${Math.round(stats.skipRate * 100)}%`],
        ['Matched to the catalog', `${Math.round((stats.matchedPlays / stats.plays) * 100)}%`],
      ].map(([term, value]) => h('div', {}, h('dt', {}, term ?? ''), h('dd', {}, value ?? ''))),
    );
    const playsText = (value: number) => plural(value, 'play');
    return [
      totals,
      h(
        'div',
        { class: 'chart-grid' },
        barList(
          'Top artists',
          stats.topArtists.map((row) => ({
            label: row.artistName,
            value: row.plays,
            valueText: playsText(row.plays),
          })),
          'No artists yet.',
        ),
        barList(
          'Top tracks',
          stats.topTracks.map((row) => ({
            label: row.trackName,
            detail: row.artistName,
            value: row.plays,
            valueText: playsText(row.plays),
          })),
          'No tracks yet.',
        ),
        barList(
          'Top genres',
          stats.topGenres.map((row) => ({
            label: row.genre,
            value: row.plays,
            valueText: playsText(row.plays),
          })),
          'Genres come from plays matched to the catalog; none matched yet.',
          stats.matchedPlays < stats.plays
            ? `From the ${Math.round((stats.matchedPlays / stats.plays) * 100)}% of plays matched to the catalog.`
            : undefined,
        ),
        barList(
          'Most skipped artists',
          stats.mostSkippedArtists.map((row) => ({
            label: row.artistName,
            value: row.skips,
            valueText: `${plural(row.skips, 'skip')} of ${number(row.plays)}`,
          })),
          'Nothing skipped.',
        ),
        columnChart('Plays by hour of day', hours, stats.playsByHour, 'plays'),
        columnChart('Plays by weekday', weekdays, stats.playsByWeekday, 'plays'),
      ),
    ];
  }
}
