/**
 * The chat screen's plain logic: reading the server-sent events of an answer
 * (fetch + ReadableStream, since EventSource cannot POST), conversation
 * search, merging a loaded thread with what is on its way, and where a
 * source chip leads.
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

/** The records-API filter of the conversation list without a search: archived or not. */
export function archivedFilter(archived = false): string {
  return archived ? 'archived = true' : 'archived = false';
}

/**
 * Where the conversations matching a search text are listed: the server
 * searches titles, questions and answers, in any case and Unicode form
 * (SQLite's LIKE, and so a records-API filter, folds ASCII only); '' when
 * there is nothing to search for.
 */
export function conversationSearchPath(q: string, archived = false): string {
  const text = q.trim();
  if (!text) return '';
  const params = new URLSearchParams({ q: text });
  if (archived) params.set('archived', 'true');
  return `/api/chat/conversations?${params}`;
}

/** A message as the thread keeps it: the server's fields, and `sending` on a question not yet stored. */
export interface ThreadMessage {
  id: string;
  /** when the server last wrote it (PocketBase's "2026-01-02 03:04:05.678Z", which sorts as text) */
  updated?: string;
  sending?: boolean;
}

/**
 * The thread after loading it from the server: the server's messages, where
 * this tab holds a newer copy (the answer it streams, or one it finished
 * after the server read the thread) that copy, then what is on its way and
 * the server did not list yet: the question and answer being sent (ids
 * starting with "tmp-" until the server names them) and the records named
 * in `ours` (the exchange this tab is sending, already named by the server).
 */
export function mergeThread<M extends ThreadMessage>(server: M[], local: M[], streamingId = '', ours: readonly string[] = []): M[] {
  const known = new Set(server.map((m) => m.id));
  const mine = new Map(local.map((m) => [m.id, m]));
  const merged = server.map((m) => {
    const l = mine.get(m.id);
    return l && (m.id === streamingId || (l.updated ?? '') > (m.updated ?? '')) ? l : m;
  });
  const onItsWay = (id: string) => id.startsWith('tmp-') || (!!id && id === streamingId) || ours.includes(id);
  return merged.concat(local.filter((m) => !known.has(m.id) && onItsWay(m.id)));
}

/** Questions an empty chat offers; a click puts one in the message box. */
export const EXAMPLE_QUESTIONS: readonly string[] = [
  'What does part 1K0698151 cost, and is it in stock?',
  'Which number replaces 8E0615301AF?',
  'Which brake pads fit the Golf VII front axle?',
  'How do I reset the service interval after an oil change?',
];

/** A conversation's title from its first question: one line, at most 60 characters. */
export function titleFrom(question: string): string {
  const line = question.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? line.slice(0, 59).trimEnd() + '…' : line;
}
