/**
 * The chat screen's plain logic: reading the server-sent events of an answer
 * (fetch + ReadableStream, since EventSource cannot POST), conversation
 * search filters, and where a source chip leads.
 */

export interface SSEEvent {
  event: string;
  data: string;
}

/**
 * Splits a server-sent event stream into events. Feed it text as it
 * arrives (any chunking); it returns the events completed by that text.
 * Comment lines (":keep-alive") are ignored; "data:" lines are joined with
 * newlines; an event without a name is "message".
 */
export class SSEParser {
  #buf = '';
  #event = '';
  #data: string[] = [];

  feed(chunk: string): SSEEvent[] {
    this.#buf += chunk;
    const out: SSEEvent[] = [];
    let nl: number;
    while ((nl = this.#buf.search(/\r\n|\r|\n/)) >= 0) {
      // a lone \r at the end might be the first half of \r\n: wait for more
      if (this.#buf[nl] === '\r' && nl === this.#buf.length - 1) break;
      const line = this.#buf.slice(0, nl);
      this.#buf = this.#buf.slice(nl + (this.#buf.startsWith('\r\n', nl) ? 2 : 1));
      const ev = this.#line(line);
      if (ev) out.push(ev);
    }
    return out;
  }

  /** Ends the stream: an event without its blank line is still delivered. */
  end(): SSEEvent[] {
    const out = this.#buf ? this.feed('\n') : [];
    const ev = this.#line('');
    if (ev) out.push(ev);
    return out;
  }

  #line(line: string): SSEEvent | null {
    if (line === '') {
      if (!this.#data.length && !this.#event) return null;
      const ev = { event: this.#event || 'message', data: this.#data.join('\n') };
      this.#event = '';
      this.#data = [];
      return ev;
    }
    if (line.startsWith(':')) return null;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? '' : line.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    return null;
  }
}

export interface Source {
  document: string;
  title: string;
  page?: number;
  row?: number;
  sheet?: string;
  snippet?: string;
  url?: string;
}

/** A source chip's label: the title with the page, sheet or row where known. */
export function sourceLabel(s: Source): string {
  const where: string[] = [];
  if (s.page) where.push(`p. ${s.page}`);
  if (s.sheet) where.push(s.sheet);
  if (s.row) where.push(`row ${s.row}`);
  const title = s.title || 'Document';
  return where.length ? `${title} (${where.join(', ')})` : title;
}

/** The URL that opens a source: the signed link, at its page for PDFs. */
export function sourceHref(downloadURL: string, s: Source, contentType = ''): string {
  const isPDF = /pdf/i.test(contentType) || /\.pdf(?:[?#]|$)/i.test(downloadURL.split('?')[0]) || !!s.page;
  return s.page && isPDF ? `${downloadURL.split('#')[0]}#page=${s.page}` : downloadURL;
}

/** The conversations filter for a search text, bound by the caller's pb.filter. */
export function conversationFilter(
  q: string,
  bind: (expr: string, params: Record<string, unknown>) => string,
  archived = false,
): string {
  const base = archived ? 'archived = true' : 'archived = false';
  const text = q.trim();
  if (!text) return base;
  return `${base} && (${bind('title ~ {:q} || messages_via_conversation.content ~ {:q}', { q: text })})`;
}

/** A conversation's title from its first question: one line, at most 60 characters. */
export function titleFrom(question: string): string {
  const line = question.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? line.slice(0, 59).trimEnd() + '…' : line;
}
