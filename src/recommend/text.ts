/** Text normalization shared by the resolver, intent extraction and the artist index. */

/** Lower case, accents stripped, '&' as 'and', punctuation to spaces, single spaces. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Title without the decorations that differ between releases: "(Remix)", "- Remastered 2011", "feat. X". */
export function normalizeTitle(title: string): string {
  const stripped = title
    .replace(/\s[-–—]\s.*$/u, '')
    .replace(/[([][^)\]]*[)\]]/g, ' ')
    .replace(/\b(feat|ft|featuring)\b\.?.*$/i, '');
  const normalized = normalizeText(stripped);
  return normalized === '' ? normalizeText(title) : normalized;
}

/** A url-safe slug for ids: "Blinding Lights" + "The Weeknd" → "blinding-lights-the-weeknd". */
export function slugify(text: string): string {
  return normalizeText(text).replace(/ /g, '-');
}

/** FNV-1a, 32-bit: a stable hash so estimated values and sampling are reproducible. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
