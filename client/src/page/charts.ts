import { h } from '../core/dom.js';

/**
 * Two small chart kinds drawn with HTML and CSS (no chart library: bars and columns are all the stats
 * need, they take the page's colours and themes, and they stay readable by screen readers). Each chart
 * carries its numbers as text: a bar's value is written beside it, and a column chart has a table.
 */

export interface BarItem {
  label: string;
  /** A second line under the label (the artist of a track). */
  detail?: string;
  value: number;
  /** The value in words ("12 plays"). */
  valueText: string;
}

/** A ranked list of horizontal bars, longest first, each as long as its share of the largest. */
export function barList(title: string, items: readonly BarItem[], empty: string, note?: string): HTMLElement {
  const most = Math.max(1, ...items.map((item) => item.value));
  const list = h('ol', { class: 'bars' });
  for (const item of items) {
    const bar = h('span', { class: 'bar-fill', 'aria-hidden': 'true' });
    bar.style.setProperty('--share', String(item.value / most));
    list.append(
      h(
        'li',
        {},
        h(
          'span',
          { class: 'bar-label' },
          h('span', { class: 'bar-name' }, item.label),
          item.detail ? h('span', { class: 'bar-detail' }, item.detail) : null,
        ),
        h('span', { class: 'bar-track' }, bar),
        h('span', { class: 'bar-value' }, item.valueText),
      ),
    );
  }
  return h(
    'section',
    { class: 'chart' },
    h('h3', {}, title),
    note ? h('p', { class: 'chart-note' }, note) : null,
    items.length > 0 ? list : h('p', { class: 'muted' }, empty),
  );
}

/** Columns over a scale (hours, weekdays), with the same numbers in a table for screen readers. */
export function columnChart(
  title: string,
  labels: readonly string[],
  values: readonly number[],
  unit: string,
): HTMLElement {
  const most = Math.max(1, ...values);
  const peak = values.indexOf(Math.max(...values));
  const summary = values.every((value) => value === 0)
    ? `${title}: nothing yet`
    : `${title}: most at ${labels[peak]} (${values[peak]} ${unit})`;
  const columns = h('div', { class: 'columns', role: 'img', 'aria-label': summary });
  values.forEach((value, index) => {
    const column = h('span', { class: 'column-fill' });
    column.style.setProperty('--share', String(value / most));
    columns.append(
      h(
        'span',
        { class: 'column', title: `${labels[index]}: ${value} ${unit}` },
        column,
        h('span', { class: 'column-label', 'aria-hidden': 'true' }, labels[index] ?? ''),
      ),
    );
  });
  const table = h(
    'table',
    { class: 'visually-hidden' },
    h('caption', {}, title),
    h(
      'tbody',
      {},
      ...labels.map((label, index) =>
        h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, `${values[index] ?? 0} ${unit}`)),
      ),
    ),
  );
  return h('section', { class: 'chart' }, h('h3', {}, title), columns, table);
}
