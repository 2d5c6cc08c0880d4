/**
 * Finds the songs a model names in its reply: `"Title" by Artist` (straight or curly quotes) and list
 * lines like `1. Title — Artist`. The resolver decides which of them are real catalog tracks.
 */
export interface TrackMention {
  title: string;
  artist?: string;
}

const QUOTED_BY =
  /["“]([^"”\n]{1,120})["”]\s+by\s+([^,.;:!?()\n"“”]{1,80}?)(?=\s*(?:[,.;:!?()\n]|$|\s(?:and|for|from|with|is|—|-)\s))/gu;
const LIST_LINE = /^\s*(?:[-*•]|\d+[.)])\s+(.{1,120}?)\s+[—–-]\s+([^\n(]{1,80})$/gmu;
const MAX_MENTIONS = 20;

export function findTrackMentions(text: string): TrackMention[] {
  const mentions = new Map<string, TrackMention>();
  const add = (title: string, artist: string) => {
    const clean = { title: stripMarkup(title), artist: stripMarkup(artist) };
    if (!clean.title || !clean.artist) return;
    mentions.set(`${clean.title.toLowerCase()}|${clean.artist.toLowerCase()}`, clean);
  };
  for (const match of text.matchAll(QUOTED_BY)) add(match[1] ?? '', match[2] ?? '');
  for (const match of text.matchAll(LIST_LINE)) add(match[1] ?? '', match[2] ?? '');
  return [...mentions.values()].slice(0, MAX_MENTIONS);
}

function stripMarkup(value: string): string {
  return value.replace(/[*_`"“”]/g, '').trim();
}
