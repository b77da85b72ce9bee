import { Marked } from 'marked';
import DOMPurify from 'dompurify';

/**
 * Markdown for answers (the chat screen): marked turns it into HTML and
 * DOMPurify removes everything that could run: script and style elements,
 * event-handler attributes, javascript:/data: links, forms, frames, inline
 * style. Links open in a new tab without access to this one. Import it
 * lazily (await import('./markdown')) so that it stays out of the first
 * bundle until the chat needs it.
 */

const marked = new Marked({ gfm: true, breaks: false, async: false });

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'strong', 'b', 'em', 'i', 'del', 's', 'code', 'pre', 'blockquote',
  'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a',
  'table', 'thead', 'tbody', 'tr', 'th', 'td', 'input', 'span', 'sup', 'sub',
];

const SAFE_URL = /^(?:https?:|mailto:|tel:|\/(?!\/)|#)/i;

let hooked = false;

function installHooks() {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? '';
      if (!SAFE_URL.test(href.trim())) node.removeAttribute('href');
      if (/^https?:/i.test(href.trim())) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    }
    if (node.tagName === 'INPUT') {
      // task-list check boxes only, never editable
      if (node.getAttribute('type') !== 'checkbox') node.remove();
      else node.setAttribute('disabled', '');
    }
  });
}

/** Renders untrusted Markdown to sanitised HTML. */
export function renderMarkdown(src: string): string {
  installHooks();
  const html = marked.parse(src ?? '') as string;
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href', 'title', 'type', 'checked', 'disabled', 'align', 'colspan', 'rowspan', 'start'],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
  });
}
