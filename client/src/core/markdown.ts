import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * Model output as markdown, sanitized by DOMPurify (a maintained sanitizer): a small allow-list of
 * tags, links only to http(s) and mailto, opened in a new tab with rel="noopener noreferrer". Raw HTML
 * in the markdown is escaped as text rather than parsed. Loaded on demand (it is the widget's largest
 * part), so callers render plain text until it arrives.
 */
const ALLOWED_TAGS = [
  'p',
  'br',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'h1',
  'h2',
  'h3',
  'h4',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
];
const SAFE_URL = /^(?:https?:|mailto:)/i;

const sanitizer = DOMPurify();
sanitizer.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName !== 'A') return;
  const href = node.getAttribute('href') ?? '';
  if (!SAFE_URL.test(href)) node.removeAttribute('href');
  node.setAttribute('target', '_blank');
  node.setAttribute('rel', 'noopener noreferrer');
});

const renderer = new marked.Renderer();
// Raw HTML in a reply is shown as the text it is, never parsed as markup.
renderer.html = ({ text }) => escapeHtml(text);

export function renderMarkdown(markdown: string): DocumentFragment {
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: true, renderer });
  return sanitizer.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href', 'title'],
    ALLOWED_URI_REGEXP: SAFE_URL,
    RETURN_DOM_FRAGMENT: true,
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
