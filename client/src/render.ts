import type { Message, RecommendedTrack } from '../../src/protocol/index.js';

/** DOM helpers. Model output is only ever set as textContent, never as HTML. */
function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function messageBubble(role: Message['role'], text: string): HTMLDivElement {
  const bubble = element('div', `message ${role}`);
  bubble.append(element('span', 'text', text));
  return bubble;
}

export function setBubbleText(bubble: HTMLElement, text: string): void {
  const target = bubble.querySelector('.text');
  if (target) target.textContent = text;
}

export function setBubbleMeta(bubble: HTMLElement, text: string): void {
  let meta = bubble.querySelector<HTMLElement>('.meta');
  if (!meta) {
    meta = element('span', 'meta');
    bubble.append(meta);
  }
  meta.textContent = text;
}

const meters: Array<[string, string]> = [
  ['energy', 'Energy'],
  ['valence', 'Mood (valence)'],
  ['danceability', 'Danceability'],
];

function meter(label: string, value: number): HTMLDivElement {
  const row = element('div', 'meter');
  const bar = element('div', 'fill');
  bar.style.width = `${Math.round(Math.max(0, Math.min(1, value)) * 100)}%`;
  const track = element('div');
  track.append(bar);
  row.append(element('span', undefined, label), track);
  return row;
}

export type FeedbackHandler = (trackId: string, signal: 'like' | 'dislike') => Promise<boolean>;

export function trackCards(tracks: RecommendedTrack[], onFeedback: FeedbackHandler): HTMLDivElement {
  const grid = element('div', 'tracks');
  for (const track of tracks) {
    const card = element('article', 'track');
    card.dataset.trackId = track.id;
    card.append(element('span', 'name', track.name), element('span', 'artists', track.artists.join(', ')));
    const genres = element('div', 'genres');
    for (const genre of track.genres.slice(0, 3)) genres.append(element('span', undefined, genre));
    card.append(genres);
    for (const [key, label] of meters) card.append(meter(label, track.features[key] ?? 0));
    card.append(element('span', 'reasons', track.reasons.join(' · ')));
    card.append(feedbackButtons(track.id, onFeedback));
    grid.append(card);
  }
  return grid;
}

function feedbackButtons(trackId: string, onFeedback: FeedbackHandler): HTMLDivElement {
  const actions = element('div', 'actions');
  for (const [signal, label] of [
    ['like', '♥ Like'],
    ['dislike', '✕ Not for me'],
  ] as const) {
    const button = element('button', undefined, label);
    button.type = 'button';
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', async () => {
      if (await onFeedback(trackId, signal)) {
        for (const other of actions.querySelectorAll('button')) other.setAttribute('aria-pressed', 'false');
        button.setAttribute('aria-pressed', 'true');
      }
    });
    actions.append(button);
  }
  return actions;
}
