import type { Doc, DocumentStatus } from './types';

/** The filters of the documents list, as kept in the URL's query. */
export interface DocFilters {
  q: string;
  status: string;
  category: string;
  tag: string;
  by: string;
  page: number;
}

export const PER_PAGE = 25;

export function filtersFromQuery(q: URLSearchParams): DocFilters {
  const page = Number.parseInt(q.get('page') ?? '1', 10);
  return {
    q: q.get('q') ?? '',
    status: q.get('status') ?? '',
    category: q.get('category') ?? '',
    tag: q.get('tag') ?? '',
    by: q.get('by') ?? '',
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

export function filtersToQuery(f: DocFilters): Record<string, string | number | undefined> {
  return {
    q: f.q.trim() || undefined,
    status: f.status || undefined,
    category: f.category || undefined,
    tag: f.tag.trim() || undefined,
    by: f.by || undefined,
    page: f.page > 1 ? f.page : undefined,
  };
}

/** The documents on their way to ready: uploading, uploaded or being processed. */
export const IN_PROGRESS_FILTER = `(status = "pending_upload" || status = "uploaded" || status = "processing")`;

/** The parameter-binding filter function of the SDK: pb.filter(expr, params). */
export type FilterFn = (expr: string, params: Record<string, unknown>) => string;

/**
 * A PocketBase filter for the list. Values are bound by the SDK (quoted and
 * escaped), never pasted into the expression. tags is a JSON array, so an
 * exact tag is found as its quoted JSON text.
 */
export function buildFilter(f: DocFilters, filter: FilterFn): string {
  const parts: string[] = [];
  if (f.q.trim()) parts.push(filter('(title ~ {:q} || filename ~ {:q} || description ~ {:q})', { q: f.q.trim() }));
  if (f.status === 'in_progress') parts.push(IN_PROGRESS_FILTER);
  else if (f.status) parts.push(filter('status = {:s}', { s: f.status }));
  if (f.category === 'none') parts.push(`category = ""`);
  else if (f.category) parts.push(filter('category = {:c}', { c: f.category }));
  if (f.tag.trim()) parts.push(filter('tags ~ {:t}', { t: JSON.stringify(f.tag.trim().toLowerCase()) }));
  if (f.by) parts.push(filter('uploaded_by = {:u}', { u: f.by }));
  return parts.join(' && ');
}

export function hasFilters(f: DocFilters): boolean {
  return !!(f.q.trim() || f.status || f.category || f.tag.trim() || f.by);
}

const ACTIVE: DocumentStatus[] = ['pending_upload', 'uploaded', 'processing'];

export function inProgress(status: string): boolean {
  return (ACTIVE as string[]).includes(status);
}

/** The sentence read out when a document's status changes, or null when it says nothing new. */
export function statusAnnouncement(before: Doc | undefined, after: Doc): string | null {
  if (before && before.status === after.status) return null;
  const name = after.title || after.filename;
  switch (after.status) {
    case 'processing':
      return `${name} is being processed.`;
    case 'ready':
      return `${name} is ready.`;
    case 'failed':
      return `${name} failed: ${after.error || 'no reason given'}`;
    case 'uploaded':
      return before ? `${name} is uploaded and waits for processing.` : null;
  }
  return null;
}

/** Applies a realtime event to a page of documents; returns the new page. */
export function applyEvent(items: Doc[], action: string, record: Doc): Doc[] {
  const i = items.findIndex((d) => d.id === record.id);
  if (action === 'delete') return i < 0 ? items : items.filter((d) => d.id !== record.id);
  if (i < 0) return items; // creates are picked up by reloading the page (filters, order)
  if (isOlder(record, items[i])) return items; // e.g. an API answer overtaken by a realtime event
  const next = items.slice();
  // realtime records may come without the expand of the list; keep it
  next[i] = { ...record, expand: record.expand ?? items[i].expand };
  return next;
}

/**
 * Whether a is an older version of the same record than b. Realtime events
 * and API answers can arrive out of order: a reprocess answer ("uploaded")
 * can come after the event that says the document is ready again.
 */
export function isOlder(a: { updated?: string }, b: { updated?: string }): boolean {
  return !!a.updated && !!b.updated && a.updated < b.updated;
}

/** The tags used across the given documents, sorted, for suggestions. */
export function knownTags(docs: Doc[]): string[] {
  const set = new Set<string>();
  for (const d of docs) for (const t of d.tags ?? []) set.add(t);
  return [...set].sort();
}

/** Documents whose file the store keeps: uploaded, and not refused by the upload check. */
export function hasFile(d: Doc): boolean {
  return d.status !== 'pending_upload' && d.has_file !== false;
}

/** Documents that can be reprocessed (the server's rule: ready or failed, with a file). */
export function canReprocess(d: Doc): boolean {
  return (d.status === 'ready' || d.status === 'failed') && hasFile(d);
}

/** The accept attribute of the file picker from the tenant's allowed types. */
export function acceptFor(types: string[] | undefined): string {
  const ext: Record<string, string[]> = {
    pdf: ['.pdf'],
    docx: ['.docx'],
    xlsx: ['.xlsx'],
    csv: ['.csv', '.tsv'],
    txt: ['.txt'],
    md: ['.md', '.markdown'],
  };
  return (types ?? []).flatMap((t) => ext[t] ?? []).join(',');
}
