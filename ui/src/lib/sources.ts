/**
 * Where a source of an answer opens, and what the source view shows: a cited
 * row of a price list as a table of the rows around it (read from the file
 * by the server, decoded with the file's own encoding), a cited page of a PDF
 * as the passage with a link that opens the PDF at that page. The view's data
 * comes through an injected API so that the logic is tested without a server.
 */

import { withQuery } from './routes';

/** What a link to a source needs: the fields both answer sources and part-card rows have. */
export interface SourceRef {
  document: string;
  page?: number;
  row?: number;
  sheet?: string;
}

/** Where a source link was followed from, for the way back and the cited passage. */
export interface SourceFrom {
  /** the conversation of the answer */
  conversation?: string;
  /** the answer (message id) and the source's index among its sources */
  message?: string;
  index?: number;
}

/** The in-app path of a document's source view. */
export function sourcePath(document: string): string {
  return `/documents/${encodeURIComponent(document)}/source`;
}

/**
 * The in-app link a source opens: the source view at the cited row (and
 * sheet) of a table, or at the cited page of a PDF. The row is the one the
 * server cites (search.MatchingRow): the chip's label and the view show the
 * same number.
 */
export function sourceHref(s: SourceRef, from: SourceFrom = {}): string {
  const id = (v: string | undefined) => (v && !v.startsWith('tmp-') ? v : undefined);
  const message = id(from.message);
  return withQuery(sourcePath(s.document), {
    row: positive(s.row),
    sheet: s.row ? s.sheet || undefined : undefined,
    page: positive(s.page),
    c: id(from.conversation),
    m: message,
    i: message && from.index !== undefined && from.index >= 0 ? from.index : undefined,
  });
}

function positive(n: number | undefined): number | undefined {
  return n && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** What a source view's URL asks for. */
export interface SourceQuery {
  row?: number;
  page?: number;
  sheet?: string;
  conversation?: string;
  message?: string;
  index?: number;
}

/** Reads a source view's query (?row=, ?page=, ?sheet=, ?c=, ?m=, ?i=); bad numbers are left out. */
export function parseSourceQuery(q: URLSearchParams): SourceQuery {
  const num = (k: string) => {
    const v = q.get(k);
    if (v === null || !/^\d+$/.test(v)) return undefined;
    return Number(v);
  };
  const str = (k: string) => q.get(k) || undefined;
  return { row: positive(num('row')), page: positive(num('page')), sheet: str('sheet'), conversation: str('c'), message: str('m'), index: num('i') };
}

/** The link that opens a PDF at a page in the browser's viewer: the presigned link with #page=N. */
export function pdfAtPage(downloadURL: string, page: number | undefined): string {
  const base = downloadURL.split('#')[0];
  return page && page > 0 ? `${base}#page=${page}` : base;
}

/** One row of a table excerpt, as the rows route answers it. */
export interface ExcerptRow {
  row: number;
  cells: string[];
}

/** The answer of GET /api/documents/{id}/rows (hooks/documents/rows.go). */
export interface RowsAnswer {
  document: string;
  title: string;
  filename: string;
  content_type: string;
  sheet: string;
  row: number;
  found: boolean;
  header_row: number;
  header: string[];
  titles: ExcerptRow[];
  rows: ExcerptRow[];
  more_before: boolean;
  more_after: boolean;
  columns: number;
  truncated: boolean;
}

/** The document as the source view needs it. */
export interface SourceDoc {
  id: string;
  title: string;
  filename: string;
  content_type: string;
  status: string;
  has_file?: boolean;
}

/** A stored answer's sources, as the view reads the cited passage from them. */
export interface SourceMessage {
  conversation: string;
  sources: { document: string; page?: number; row?: number; snippet?: string }[] | null;
}

/** What the source view calls; the screen passes the real API. */
export interface SourceApi {
  document(id: string): Promise<SourceDoc>;
  rows(id: string, row: number, sheet?: string): Promise<RowsAnswer>;
  message(id: string): Promise<SourceMessage>;
}

/** Kinds of document the view tells apart. */
export type SourceKind = 'table' | 'pdf' | 'other';

/** Table documents: those the rows route reads (CSV, text, XLSX). */
export function sourceKind(d: Pick<SourceDoc, 'content_type' | 'filename'>): SourceKind {
  const type = d.content_type.toLowerCase();
  const name = d.filename.toLowerCase();
  if (type.includes('pdf') || name.endsWith('.pdf')) return 'pdf';
  if (/csv|spreadsheetml|text\/plain|tab-separated/.test(type) || /\.(csv|tsv|txt|xlsx)$/.test(name)) return 'table';
  return 'other';
}

/** What the source view shows. */
export interface SourceModel {
  doc: SourceDoc;
  kind: SourceKind;
  /** the table around the cited row, when the source is a row of a table */
  table?: RowsAnswer;
  /** why the table could not be shown (the server's sentence) */
  tableError?: string;
  /** the cited passage, when the link came from an answer that stored it */
  passage?: string;
  /** the conversation to go back to, when known */
  conversation?: string;
}

/**
 * Loads what a source view shows: the document, the rows around the cited
 * row for a table, and the cited passage and the conversation from the
 * answer the link came from. A document that cannot be loaded rejects (the
 * screen says so); the rows and the answer are best effort: without them
 * the view still offers the file.
 */
export async function loadSource(api: SourceApi, id: string, q: SourceQuery, errorText: (err: unknown) => string): Promise<SourceModel> {
  const [doc, msg] = await Promise.all([api.document(id), q.message ? api.message(q.message).catch(() => null) : Promise.resolve(null)]);
  const model: SourceModel = { doc, kind: sourceKind(doc), conversation: q.conversation };
  if (msg) {
    model.conversation = msg.conversation || model.conversation;
    const s = q.index !== undefined ? msg.sources?.[q.index] : undefined;
    if (s && s.document === id && s.snippet) model.passage = s.snippet;
  }
  if (q.row && model.kind !== 'pdf') {
    try {
      model.table = await api.rows(id, q.row, q.sheet);
      model.kind = 'table';
    } catch (err) {
      model.tableError = errorText(err);
    }
  }
  return model;
}

/** The marker the search puts before the matching row of a passage ("▶ "); the view shows it as a highlight instead. */
export const MATCHED_ROW = '▶ ';

/** A passage's lines with the matching one told apart, for showing the passage. */
export function passageLines(passage: string): { text: string; matched: boolean }[] {
  return passage
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (l.startsWith(MATCHED_ROW) ? { text: l.slice(MATCHED_ROW.length), matched: true } : { text: l, matched: false }));
}

/** The source view's heading line under the title: "Row 422", "Sheet Kühlung, row 4", "Page 3". */
export function placeLabel(q: Pick<SourceQuery, 'row' | 'page' | 'sheet'>): string {
  const parts: string[] = [];
  if (q.page) parts.push(`page ${q.page}`);
  if (q.sheet && q.row) parts.push(`sheet ${q.sheet}`);
  if (q.row) parts.push(`row ${q.row}`);
  const s = parts.join(', ');
  return s ? s[0].toUpperCase() + s.slice(1) : '';
}

/** The name of spreadsheet column i (0 → "A"), for a row without a header cell. */
export function columnName(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
