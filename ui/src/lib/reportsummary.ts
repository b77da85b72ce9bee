import DOMPurify from 'dompurify';

/**
 * A report's HTML summary, made fit for the page. The server renders it
 * with html/template (every name escaped) as a mail body, with inline
 * styles; here it is sanitised again all the same (defence in depth: it is
 * shown inside the app's origin), reduced to headings, paragraphs and
 * tables, without any attribute that styles, links or runs anything — the
 * CSP (style-src 'self') would refuse the inline styles anyway, and the
 * app's own CSS themes it, dark mode included. Headings move down below the
 * page's own (an <h1> becomes `top`, …). Import it lazily with the screen.
 */

const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'strong', 'b', 'em', 'i', 'span', 'ul', 'ol', 'li',
  'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
];

// Inline styles and event-handler attributes are taken out before DOMPurify
// parses the HTML: Chromium checks the page's CSP (style-src 'self',
// script-src 'self') even in the inert document that DOMParser makes, and
// reports each such attribute as a violation (nothing runs: the CSP blocks
// it). Only a pre-pass against that noise: DOMPurify still sanitises the rest.
const INLINE_ATTR = /\s(?:style|on[a-z]+)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+)/gi;
const STYLE_ELEMENT = /<style\b[^>]*>[\s\S]*?<\/style\s*>/gi;
// a start tag; text never matches, as the server escapes every < in it
const START_TAG = /<[a-zA-Z][^>]*>/g;

export function summaryHTML(html: string, top = 3): string {
  const unstyled = (html ?? '')
    .replace(STYLE_ELEMENT, '')
    .replace(START_TAG, (tag) => tag.replace(INLINE_ATTR, ''));
  const clean = DOMPurify.sanitize(unstyled, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['colspan', 'rowspan', 'scope'],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    // the whole mail document's <head> (its <title>) goes; only the body is kept
    WHOLE_DOCUMENT: false,
  });
  const shift = Math.max(0, top - 1);
  // after sanitising, every "<h" that starts a tag is a real heading tag (text is escaped)
  return clean.replace(/<(\/?)h([1-6])(?=[\s>])/g, (_, slash: string, n: string) => `<${slash}h${Math.min(6, Number(n) + shift)}`);
}
