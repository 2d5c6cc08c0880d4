import type { RecommendedTrack, TrackOpinion } from '../../../src/protocol/index.js';
import type { CardSet } from './conversation-state.js';
import { h } from './dom.js';

export type OpinionHandler = (
  recommendationId: string,
  trackId: string,
  opinion: TrackOpinion | null,
) => void;

/** Features shown as meters, on a 0–100 scale. */
const METERS: ReadonlyArray<[feature: string, label: string]> = [
  ['energy', 'Energy'],
  ['valence', 'Mood'],
  ['danceability', 'Danceability'],
  ['acousticness', 'Acoustic'],
];

/** Spotify ids are 22 characters of base 62; other catalogs get a Spotify search for title and artist. */
const SPOTIFY_ID = /^(?:spotify:track:)?([0-9A-Za-z]{22})$/;

export function spotifyUrl(track: Pick<RecommendedTrack, 'id' | 'name' | 'artists'>): string {
  const id = SPOTIFY_ID.exec(track.id)?.[1];
  if (id) return `https://open.spotify.com/track/${id}`;
  const query = `${track.name} ${track.artists[0] ?? ''}`.trim();
  return `https://open.spotify.com/search/${encodeURIComponent(query)}`;
}

export function cardGrid(set: CardSet, onOpinion: OpinionHandler): HTMLElement {
  const grid = h('div', { class: 'tracks', role: 'list' });
  for (const track of set.tracks) {
    grid.append(
      trackCard(track, set.opinions[track.id] ?? null, (opinion) =>
        onOpinion(set.recommendationId, track.id, opinion),
      ),
    );
  }
  return grid;
}

function trackCard(
  track: RecommendedTrack,
  opinion: TrackOpinion | null,
  onOpinion: (opinion: TrackOpinion | null) => void,
): HTMLElement {
  const year = track.releaseDate?.slice(0, 4);
  const titleId = `track-${cssId(track.id)}-${Math.random().toString(36).slice(2, 8)}`;
  const card = h(
    'article',
    { class: 'track', role: 'listitem', 'data-track-id': track.id, 'aria-labelledby': titleId },
    h('h3', { class: 'name', id: titleId }, track.name),
    h('p', { class: 'artists' }, track.artists.join(', ')),
    h('p', { class: 'album' }, [track.album, year].filter(Boolean).join(' · ')),
    genreList(track.genres),
    track.reasons.length > 0 ? h('p', { class: 'reasons' }, sentence(track.reasons)) : null,
    featureMeters(track),
    h(
      'div',
      { class: 'actions' },
      opinionButton('like', 'Like', opinion, onOpinion),
      opinionButton('dislike', 'Not for me', opinion, onOpinion),
      h(
        'a',
        { class: 'listen', href: spotifyUrl(track), target: '_blank', rel: 'noopener noreferrer' },
        'Open in Spotify',
        h('span', { class: 'visually-hidden' }, ` (${track.name}, opens in a new tab)`),
      ),
    ),
  );
  return card;
}

function genreList(genres: string[]): HTMLElement | null {
  if (genres.length === 0) return null;
  const list = h('ul', { class: 'genres', 'aria-label': 'Genres' });
  for (const genre of genres.slice(0, 3)) list.append(h('li', {}, genre));
  return list;
}

/** "popular in rock", "close to the energy you asked for" → one readable line. */
function sentence(reasons: string[]): string {
  const text = reasons.join('; ');
  return `Why: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

function featureMeters(track: RecommendedTrack): HTMLElement {
  const block = h('div', { class: 'features' });
  for (const [feature, label] of METERS) {
    const value = track.features[feature];
    if (value === undefined) continue;
    block.append(meter(label, Math.round(Math.max(0, Math.min(1, value)) * 100), track.estimated));
  }
  const tempo = track.features.tempo;
  if (tempo) block.append(h('p', { class: 'tempo' }, `Tempo ${Math.round(tempo)} BPM`));
  if (track.estimated) {
    block.append(h('p', { class: 'estimated-note' }, '≈ estimated from the genre, not measured'));
  }
  return block;
}

function meter(label: string, value: number, estimated: boolean): HTMLElement {
  const fill = h('span', { class: 'fill' });
  fill.style.width = `${value}%`;
  const shown = `${estimated ? '≈' : ''}${value}`;
  return h(
    'div',
    { class: 'meter-row' },
    h('span', { class: 'meter-label', 'aria-hidden': 'true' }, label),
    h(
      'div',
      {
        class: 'meter',
        role: 'meter',
        'aria-label': label,
        'aria-valuenow': value,
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuetext': `${value} of 100${estimated ? ', estimated' : ''}`,
      },
      fill,
    ),
    h('span', { class: 'meter-value', 'aria-hidden': 'true' }, `${shown}/100`),
  );
}

function opinionButton(
  opinion: TrackOpinion,
  label: string,
  current: TrackOpinion | null,
  onOpinion: (opinion: TrackOpinion | null) => void,
): HTMLButtonElement {
  const pressed = current === opinion;
  const button = h(
    'button',
    {
      type: 'button',
      class: `opinion ${opinion}`,
      'aria-pressed': String(pressed),
      title: pressed ? 'Press again to undo' : null,
    },
    opinion === 'like' ? '♥ ' : '✕ ',
    label,
  );
  button.addEventListener('click', () => onOpinion(pressed ? null : opinion));
  return button;
}

function cssId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '-');
}
