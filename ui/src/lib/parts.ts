/**
 * Parts (issue 12): the plain logic behind the part card, the Parts screen and
 * a price file's import report and column mapping. Money and numbers are
 * formatted for the browser's locale (Intl), so a German counter reads
 * "1.234,56 €". Screens and components only render what these return.
 */

import { fieldErrors, messageOf } from './errors';
import { parseDate } from './format';
import type {
  ImportCounts,
  ImportStatus,
  MappingColumn,
  Part,
  PartImport,
  PartMatch,
  PartPrice,
  PriceField,
  PriceMapping,
  Money,
  PartStatus,
  SetPart,
} from './types';

// ---- numbers and money ----

const formatters = new Map<string, Intl.NumberFormat>();

function fmt(locale: string | undefined, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale ?? ''}|${JSON.stringify(opts)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, opts);
    formatters.set(key, f);
  }
  return f;
}

/** A count in the locale's digits: 12345 → "12,345" (en) or "12.345" (de). */
export function count(n: number | null | undefined, locale?: string): string {
  return typeof n === 'number' && Number.isFinite(n) ? fmt(locale, {}).format(n) : '';
}

/**
 * An amount with its currency in the locale's style: {1234.56, EUR} → "€1,234.56"
 * (en-US), "1.234,56 €" (de-DE). A currency code Intl does not know is written after
 * the amount ("12.30 XYZ"); without a currency, the amount alone with two decimals.
 */
export function money(m: Pick<Money, 'amount' | 'currency'> | null | undefined, locale?: string): string {
  if (!m || typeof m.amount !== 'number' || !Number.isFinite(m.amount)) return '';
  const currency = (m.currency ?? '').trim().toUpperCase();
  if (/^[A-Z]{3}$/.test(currency)) {
    try {
      return fmt(locale, { style: 'currency', currency }).format(m.amount);
    } catch {
      // not an ISO 4217 code Intl knows: fall through
    }
  }
  const plain = fmt(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(m.amount);
  return currency ? `${plain} ${currency}` : plain;
}

/** A change in percent with its sign: 12.5 → "+12.5%" (en), "+12,5 %" (de). */
export function percent(pct: number | null | undefined, locale?: string): string {
  if (typeof pct !== 'number' || !Number.isFinite(pct)) return '';
  return fmt(locale, { style: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: 1 }).format(pct / 100);
}

/** A record's date without the time: "2026-03-01 00:00:00.000Z" → "Mar 1, 2026". */
export function day(s: string | null | undefined, locale?: string): string {
  const d = parseDate(s);
  return d ? d.toLocaleDateString(locale, { dateStyle: 'medium', timeZone: 'UTC' }) : '';
}

// ---- the part card ----

/** The names of a part's prices as people say them. */
export function priceName(name: string, label = ''): string {
  const base = name === 'list' ? 'List price' : name === 'net' ? 'Net price' : label || name;
  // the file's own header beside the generic name: "List price (UPE)"
  const l = label.trim().toLowerCase();
  return (name === 'list' || name === 'net') && l && l !== name && l !== base.toLowerCase() ? `${base} (${label.trim()})` : base;
}

export interface PriceRow {
  name: string;
  label: string;
  text: string;
}

/** A part's prices in the order a clerk reads them: list, net, then the others as the file names them. */
export function priceRows(prices: Part['prices'], locale?: string): PriceRow[] {
  if (!prices || typeof prices !== 'object') return [];
  const names = Object.keys(prices).filter((n) => prices[n] && typeof prices[n].amount === 'number');
  const rank = (n: string) => (n === 'list' ? 0 : n === 'net' ? 1 : 2);
  names.sort((a, b) => rank(a) - rank(b));
  return names.map((n) => ({ name: n, label: priceName(n, prices[n].label), text: money(prices[n], locale) }));
}

const STATUS: Record<PartStatus, string> = {
  current: 'Current',
  superseded: 'Superseded',
  discontinued: 'Discontinued',
};

export function partStatusLabel(s: string): string {
  return STATUS[s as PartStatus] ?? (s ? s[0].toUpperCase() + s.slice(1) : 'Unknown');
}

const KINDS = new Set(['exact', 'short', 'base']);

/**
 * Whether an entry is only a suggestion ("did you mean"): anything that is not
 * an exact, short-form or base match of the number asked for. An entry without
 * a match kind counts as a suggestion, so that nothing uncertain looks like an
 * answer.
 */
export function isDidYouMean(p: Part | PartMatch): boolean {
  const m = p as Partial<PartMatch> & { did_you_mean?: boolean };
  return m.did_you_mean === true || !m.match || !KINDS.has(m.match);
}

/** What the card says about how the number was found, when it was not typed as stored. */
export function matchNote(m: PartMatch): string {
  if (m.match === 'short') return `Found by the short form of the number (stored as ${m.part_number}).`;
  if (m.match === 'base') return `Found by the base number, without index or colour suffix (stored as ${m.part_number}).`;
  return '';
}

/** The number to paste into a parts system: the normalised key, else the display number without spaces. */
export function plainNumber(p: Pick<Part, 'key' | 'part_number'>): string {
  return (p.key || p.part_number || '').replace(/\s+/g, '');
}

/**
 * The part to order for a match: its current part (the match itself when it
 * is current); null when the chain ends in a set, a dead end or a loop.
 */
export function partToOrder(m: PartMatch): Part | null {
  if (m.current) return m.current;
  if (m.replaced_by && m.replaced_by.parts?.length) return null;
  if (m.chain_problem) return null;
  return m.status === 'current' || !m.status ? m : null;
}

export type CardHeadline = 'order' | 'discontinued' | 'set' | 'unresolved' | 'suggestion';

/** What a part card leads with, and whose data it shows. */
export interface CardView {
  headline: CardHeadline;
  /** the small line above the big number */
  label: string;
  /** the part whose number, prices and facts the card shows */
  shown: Part;
  /** the number asked for, when the card shows another one (it was superseded) */
  asked: Part | null;
}

/** How a card presents an entry: the part to order, a discontinued part, a replacing set, an unresolved chain, or a suggestion. */
export function cardView(p: PartMatch | Part): CardView {
  if (isDidYouMean(p)) return { headline: 'suggestion', label: 'Did you mean', shown: p, asked: null };
  const m = p as PartMatch;
  const to = partToOrder(m);
  if (to) {
    const asked = to.id !== m.id && plainNumber(to) !== plainNumber(m) ? m : null;
    if (to.status === 'discontinued') return { headline: 'discontinued', label: 'Discontinued: no successor in your price files', shown: to, asked };
    return { headline: 'order', label: 'Part to order', shown: to, asked };
  }
  // the card's number is then the one asked for; the set (or the problem) follows it
  if (m.replaced_by?.parts?.length) return { headline: 'set', label: 'You asked for', shown: m, asked: null };
  if (m.status === 'discontinued' && !m.chain_problem) {
    return { headline: 'discontinued', label: 'Discontinued: no successor in your price files', shown: m, asked: null };
  }
  return { headline: 'unresolved', label: 'You asked for', shown: m, asked: null };
}

export interface ChainStep {
  number: string;
  /** current: the part to order; repeat: where a loop closes; end: a dead end (in no file) */
  role: 'old' | 'current' | 'repeat' | 'end';
  /** the number that was asked for */
  asked: boolean;
}

/** The supersession chain, oldest first, for display; empty when there is none to show. */
export function chainSteps(m: PartMatch): ChainStep[] {
  const chain = (m.chain ?? []).filter((x) => typeof x === 'string' && x.trim());
  if (chain.length < 2 && !m.chain_problem) return [];
  const askedKey = plainNumber({ key: '', part_number: m.part_number });
  const seen = new Set<string>();
  let askedSeen = false;
  return chain.map((number, i) => {
    const k = number.replace(/\s+/g, '');
    const repeat = seen.has(k);
    seen.add(k);
    const last = i === chain.length - 1;
    let role: ChainStep['role'] = 'old';
    if (repeat) role = 'repeat';
    else if (last && i > 0) role = m.chain_problem === 'dead_end' ? 'end' : m.chain_problem ? 'old' : 'current';
    const asked = !askedSeen && !repeat && k === askedKey;
    if (asked) askedSeen = true;
    return { number, role, asked };
  });
}

/** The chain as one line: "34 11 6 794 300 → 34 11 6 858 652". */
export function chainText(m: PartMatch): string {
  return chainSteps(m)
    .map((s) => s.number)
    .join(' → ');
}

/** A sentence for a chain problem when the server sent none. */
export function chainProblemText(m: PartMatch): string {
  if (m.chain_message) return m.chain_message;
  switch (m.chain_problem) {
    case 'loop':
      return 'The supersession chain runs in a circle: check which number is current with the supplier.';
    case 'dead_end':
      return 'The chain ends at a number that is in none of your price files.';
    case 'too_long':
      return 'The supersession chain is too long to follow to its end.';
  }
  return '';
}

export function setKindLabel(kind: string): string {
  return kind === 'all_of' ? 'Replaced by all of' : kind === 'one_of' ? 'Replaced by any one of' : 'Replaced by';
}

export interface SetRow {
  part: SetPart;
  qty: string;
  price: string;
}

/** The parts of a replacement set with their quantities and list (else net) price. */
export function setRows(m: PartMatch, locale?: string): SetRow[] {
  return (m.replaced_by?.parts ?? []).map((p) => {
    const prices = priceRows(p.prices, locale);
    return { part: p, qty: `${count(p.qty && p.qty > 0 ? p.qty : 1, locale)} ×`, price: prices[0] ? `${prices[0].label}: ${prices[0].text}` : '' };
  });
}

/** The facts under the prices: core charge, pack, minimum order, price group, returnable, weight. */
export function partFacts(p: Part, locale?: string): { label: string; value: string }[] {
  const out: { label: string; value: string }[] = [];
  if (p.core_charge && typeof p.core_charge.amount === 'number') out.push({ label: 'Core charge', value: money(p.core_charge, locale) });
  if (p.pack_qty) out.push({ label: 'Pack quantity', value: count(p.pack_qty, locale) });
  if (p.min_order) out.push({ label: 'Minimum order', value: count(p.min_order, locale) });
  if (p.price_group) out.push({ label: 'Price group', value: p.price_group });
  if (p.returnable === true || p.returnable === false) out.push({ label: 'Returnable', value: p.returnable ? 'Yes' : 'No' });
  if (typeof p.weight_kg === 'number' && p.weight_kg > 0) {
    out.push({ label: 'Weight', value: `${fmt(locale, { maximumFractionDigits: 3 }).format(p.weight_kg)} kg` });
  }
  return out;
}

/** The entries a chat answer's parts field holds (a JSON array of matches), defensively. */
export function partsOf(v: unknown): PartMatch[] {
  if (typeof v === 'string') {
    try {
      return partsOf(JSON.parse(v));
    } catch {
      return [];
    }
  }
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object' && typeof x.part_number === 'string') as PartMatch[]) : [];
}

/**
 * Copies text to the clipboard: the async Clipboard API where the page is a
 * secure context, else a selected hidden textarea and execCommand('copy'), which
 * still works on a plain-HTTP intranet address.
 */
export async function copyText(
  text: string,
  clipboard: Pick<Clipboard, 'writeText'> | undefined = globalThis.navigator?.clipboard,
  doc: Document | undefined = globalThis.document,
): Promise<boolean> {
  if (clipboard) {
    try {
      await clipboard.writeText(text);
      return true;
    } catch {
      // not allowed here: try the old way
    }
  }
  if (!doc) return false;
  const ta = doc.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.className = 'visually-hidden';
  const active = doc.activeElement as HTMLElement | null;
  doc.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = doc.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  active?.focus?.();
  return ok;
}

// ---- the Parts screen ----

/** The line above the results: the server's sentence, else one made from the counts. */
export function lookupMessage(r: { message?: string; matches?: unknown[]; did_you_mean?: unknown[]; not_found?: unknown[]; numbers?: unknown[] }): string {
  if (r.message) return r.message;
  const m = r.matches?.length ?? 0;
  if (m) return `${m} ${m === 1 ? 'part' : 'parts'} found in your price files.`;
  if (r.did_you_mean?.length) return 'No exact match. Check the suggestions below.';
  if (r.not_found?.length) return 'Not in your price files.';
  if (!r.numbers?.length) return 'No part number found in that text. Type a part number, e.g. 1K0 698 151 A.';
  return 'Nothing found.';
}

export interface HistoryRow {
  id: string;
  price: string;
  amount: string;
  from: string;
  to: string;
  /** the change against the previous price of the same name, e.g. "+4.2%" */
  change: string;
  document: string;
  documentTitle: string;
  current: boolean;
}

/** A part's price history (part_prices, newest first) as table rows. */
export function historyRows(records: PartPrice[], locale?: string): HistoryRow[] {
  const sorted = [...records].sort((a, b) => (b.valid_from || '').localeCompare(a.valid_from || ''));
  return sorted.map((r, i) => {
    const older = sorted.slice(i + 1).find((x) => x.name === r.name);
    const change = older && older.amount > 0 && older.currency === r.currency ? percent(((r.amount - older.amount) / older.amount) * 100, locale) : '';
    const d = r.expand?.document;
    return {
      id: r.id,
      price: priceName(r.name, r.label),
      amount: money(r, locale),
      from: day(r.valid_from, locale),
      to: r.valid_to ? day(r.valid_to, locale) : 'still valid',
      change,
      document: r.document,
      documentTitle: d?.title || d?.filename || '',
      current: !r.valid_to,
    };
  });
}

// ---- the import report ----

const IMPORT_STATUS: Record<ImportStatus, string> = {
  running: 'Importing',
  done: 'Imported',
  needs_mapping: 'Needs a column mapping',
  failed: 'Import failed',
};

export function importStatusLabel(s: string): string {
  return IMPORT_STATUS[s as ImportStatus] ?? s;
}

/** Only price lists and catalogs are read into the parts catalog. */
export function isPartsDocument(category: string | undefined): boolean {
  return category === 'price_list' || category === 'catalog';
}

const COUNT_LABELS: [keyof ImportCounts, string][] = [
  ['rows', 'Rows read'],
  ['parts_added', 'Parts added'],
  ['parts_changed', 'Parts changed'],
  ['parts_unchanged', 'Parts unchanged'],
  ['prices_changed', 'Prices changed'],
  ['discontinued', 'Marked discontinued'],
  ['supersessions_added', 'New supersessions'],
  ['duplicates', 'Duplicate part numbers'],
  ['errors', 'Unreadable rows'],
];

/** The import's counts with labels, in reading order; those the server did not send are left out. */
export function importCounts(c: ImportCounts | null | undefined, locale?: string): { key: string; label: string; value: string }[] {
  if (!c || typeof c !== 'object') return [];
  return COUNT_LABELS.filter(([k]) => typeof c[k] === 'number').map(([k, label]) => ({ key: k, label, value: count(c[k], locale) }));
}

function plural(n: number, one: string, many: string, locale?: string): string {
  return `${count(n, locale)} ${n === 1 ? one : many}`;
}

/** One sentence for the import: what it did, or why it stopped. */
export function importHeadline(rec: PartImport, locale?: string): string {
  const c = rec.counts ?? {};
  switch (rec.status) {
    case 'running':
      return c.rows ? `Importing… ${plural(c.rows, 'row', 'rows', locale)} read so far.` : 'Importing…';
    case 'needs_mapping':
      return rec.message || 'No part-number column was found. Choose the columns below, then import again.';
    case 'failed':
      return rec.message || 'The import failed.';
  }
  const parts: string[] = [];
  if (c.parts_added) parts.push(`${plural(c.parts_added, 'part', 'parts', locale)} added`);
  if (c.parts_changed) parts.push(`${count(c.parts_changed, locale)} changed`);
  if (c.discontinued) parts.push(`${count(c.discontinued, locale)} marked discontinued`);
  if (c.supersessions_added) parts.push(`${plural(c.supersessions_added, 'new supersession', 'new supersessions', locale)}`);
  let s = `${plural(c.rows ?? 0, 'row', 'rows', locale)} read`;
  s += parts.length ? `: ${parts.join(', ')}.` : parts.length === 0 && c.parts_unchanged ? ': nothing changed.' : '.';
  if (c.errors) s += ` ${plural(c.errors, 'row', 'rows', locale)} could not be read.`;
  return s;
}

/** What the live region says when an import changes status; null when nothing worth saying happened. */
export function importAnnouncement(before: PartImport | null, after: PartImport, locale?: string): string | null {
  if (before && before.id === after.id && before.status === after.status) return null;
  switch (after.status) {
    case 'running':
      return before && before.id === after.id ? null : 'The price file is being imported.';
    case 'done':
      return `Import finished. ${importHeadline(after, locale)}`;
    case 'needs_mapping':
      return `The import needs a column mapping. ${after.message || ''}`.trim();
    case 'failed':
      return `The import failed. ${after.message || ''}`.trim();
  }
  return null;
}

/**
 * Applies a realtime event of part_imports to the import shown for a document:
 * the newest import of that document wins; an older version of the same record
 * (an answer overtaken by an event) is ignored.
 */
export function applyImportEvent(current: PartImport | null, action: string, rec: PartImport, docId: string): PartImport | null {
  if (rec.document !== docId) return current;
  if (action === 'delete') return current && current.id === rec.id ? null : current;
  if (!current) return rec;
  if (rec.id === current.id) return rec.updated && current.updated && rec.updated < current.updated ? current : rec;
  return (rec.created || '') >= (current.created || '') ? rec : current;
}

export interface PriceChangeRow {
  part: string;
  brand: string;
  price: string;
  old: string;
  new: string;
  change: string;
  up: boolean;
}

/** The large price changes, largest first; the change is computed from old and new when both are there. */
export function priceChangeRows(list: PartImport['price_changes'] | undefined, locale?: string): PriceChangeRow[] {
  const rows = (Array.isArray(list) ? list : []).map((c) => {
    const pct = typeof c.old === 'number' && c.old > 0 && typeof c.new === 'number' ? ((c.new - c.old) / c.old) * 100 : c.change_pct;
    return { c, pct: typeof pct === 'number' && Number.isFinite(pct) ? pct : 0 };
  });
  rows.sort((a, b) => Math.abs(b.pct) - Math.abs(a.pct));
  return rows.map(({ c, pct }) => ({
    part: c.part_number,
    brand: c.brand || '',
    price: priceName(c.name || ''),
    old: money({ amount: c.old, currency: c.currency }, locale),
    new: money({ amount: c.new, currency: c.currency }, locale),
    change: percent(pct, locale),
    up: pct > 0,
  }));
}

/** New supersession links as "from", "to" (a set joined with + or "or") and the kind in words. */
export function supersessionRows(list: PartImport['new_supersessions'] | undefined): { from: string; to: string; kind: string }[] {
  return (Array.isArray(list) ? list : []).map((s) => {
    const to = Array.isArray(s.to) ? s.to.join(s.kind === 'one_of' ? ' or ' : ' + ') : String(s.to ?? '');
    const kind = s.kind === 'all_of' ? 'Replaced by all of' : s.kind === 'one_of' ? 'Any one of' : 'Replaced by';
    return { from: s.from, to, kind };
  });
}

/** "lines 12, 3400" for a duplicate part number (line numbers as the spreadsheet shows them, without separators). */
export function duplicateLines(lines: number[] | null | undefined): string {
  const l = Array.isArray(lines) ? lines : [];
  return `${l.length === 1 ? 'line' : 'lines'} ${l.join(', ')}`;
}

/** How many rows of a long list to show before "Show all". */
export const SHOW_FIRST = 20;

/** The header row of each sheet, whatever shape the record holds ([[…]], [{sheet, headers}], or one [..]). */
export function sheetHeaders(v: unknown): { sheet: string; headers: string[] }[] {
  if (typeof v === 'string') {
    try {
      return sheetHeaders(JSON.parse(v));
    } catch {
      return [];
    }
  }
  if (!Array.isArray(v) || v.length === 0) return [];
  if (v.every((x) => typeof x === 'string')) return [{ sheet: '', headers: v.map(String) }];
  const out: { sheet: string; headers: string[] }[] = [];
  for (const x of v) {
    if (Array.isArray(x)) out.push({ sheet: '', headers: x.map((h) => String(h ?? '')) });
    else if (x && typeof x === 'object') {
      const o = x as { sheet?: unknown; name?: unknown; headers?: unknown };
      const hs = Array.isArray(o.headers) ? o.headers.map((h) => String(h ?? '')) : [];
      out.push({ sheet: String(o.sheet ?? o.name ?? ''), headers: hs });
    }
  }
  return out;
}

// ---- the column mapping ----

/** The fields a column can be mapped to, in the order the mapping offers them. */
export const FIELDS: { value: PriceField; label: string }[] = [
  { value: 'part_number', label: 'Part number' },
  { value: 'brand', label: 'Brand' },
  { value: 'description', label: 'Description' },
  { value: 'price_list', label: 'List price' },
  { value: 'price_net', label: 'Net price' },
  { value: 'price_other', label: 'Other price (named by its header)' },
  { value: 'price_unit', label: 'Price unit (prices per N pieces)' },
  { value: 'currency', label: 'Currency' },
  { value: 'core_charge', label: 'Core charge (deposit)' },
  { value: 'pack_qty', label: 'Pack quantity' },
  { value: 'min_order', label: 'Minimum order' },
  { value: 'price_group', label: 'Price or discount group' },
  { value: 'returnable', label: 'Returnable' },
  { value: 'weight', label: 'Weight' },
  { value: 'superseded_by', label: 'Superseded by (new number)' },
  { value: 'supersedes', label: 'Supersedes (old number)' },
  { value: 'qty_ratio', label: 'Quantity ratio' },
  { value: 'interchange', label: 'Interchangeability' },
  { value: 'supersession_date', label: 'Supersession date' },
  { value: 'ignore', label: 'Ignore this column' },
];

const FIELD_VALUES = new Set<string>(FIELDS.map((f) => f.value));

export function fieldLabel(f: string): string {
  return FIELDS.find((x) => x.value === f)?.label ?? f;
}

/** Fields more than one column may hold: other prices (each named by its header) and ignored columns. */
export const MULTI_FIELDS = new Set<PriceField>(['price_other', 'ignore']);

/** Tenant admins and managers may change a mapping. */
export function canMap(role: string | null | undefined): boolean {
  return role === 'admin' || role === 'manager';
}

/**
 * The columns the mapping form shows: the record's mapping, and every other
 * header of the sheet it was made for as "ignore". Without a mapping (a file
 * whose columns were not recognised), the first sheet's headers, all ignored.
 */
export function mappingColumns(rec: Pick<PartImport, 'mapping' | 'headers'>): MappingColumn[] {
  const mapped = Array.isArray(rec.mapping?.columns) ? rec.mapping!.columns : [];
  const sheets = sheetHeaders(rec.headers);
  // the sheet the mapping was made for: the one whose headers match its columns best
  let headers = sheets[0]?.headers ?? [];
  let best = -1;
  for (const s of sheets) {
    const score = mapped.filter((c) => s.headers[c.index] === c.header).length;
    if (score > best) {
      best = score;
      headers = s.headers;
    }
  }
  const byIndex = new Map<number, MappingColumn>();
  headers.forEach((h, i) => byIndex.set(i, { index: i, header: h, field: 'ignore' }));
  for (const c of mapped) {
    if (typeof c.index !== 'number' || c.index < 0) continue;
    const field = FIELD_VALUES.has(c.field) ? c.field : 'ignore';
    byIndex.set(c.index, { index: c.index, header: c.header ?? headers[c.index] ?? '', field });
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/** A column's name in the form: its header, else its position. */
export function columnLabel(c: MappingColumn): string {
  return c.header.trim() || `Column ${c.index + 1} (no header)`;
}

/** The key of a column's error in a mapping's errors. */
export const colKey = (index: number) => `col-${index}`;

export interface MappingDraft {
  columns: MappingColumn[];
  defaultBrand: string;
  currency: string;
}

/** The mapping the server is sent. */
export function toMapping(d: MappingDraft): PriceMapping {
  return {
    columns: d.columns.map((c) => ({ index: c.index, header: c.header, field: c.field })),
    default_brand: d.defaultBrand.trim().replace(/\s+/g, ' '),
    currency: d.currency.trim().toUpperCase(),
  };
}

/**
 * Checks a mapping as the server will: one part-number column, every other
 * field but "other price" and "ignore" on at most one column, a three-letter
 * currency. Returns the errors by key: "form" (the columns as a whole),
 * col-<index>, default_brand, currency; empty when it may be sent.
 */
export function validateMapping(d: MappingDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  const first = new Map<string, MappingColumn>();
  for (const c of d.columns) {
    if (MULTI_FIELDS.has(c.field)) continue;
    const before = first.get(c.field);
    if (before) errors[colKey(c.index)] = `${fieldLabel(c.field)} is already chosen for “${columnLabel(before)}”. Choose it for one column only.`;
    else first.set(c.field, c);
  }
  if (!first.has('part_number')) errors.form = 'Choose the column that holds the part number.';
  const cur = d.currency.trim();
  if (cur && !/^[A-Za-z]{3}$/.test(cur)) errors.currency = 'Use a three-letter currency code, e.g. EUR.';
  if (d.defaultBrand.trim().length > 60) errors.default_brand = 'Use at most 60 characters.';
  return errors;
}

/**
 * The server's 400 for a mapping, placed at its field. PocketBase names bad
 * fields in data: currency or default_brand (also as mapping.currency …),
 * columns.<n>[.field] for the n-th column sent, or a field name such as
 * part_number or price_list for the columns mapped to it. Anything else, and a
 * message without data, goes to the columns as a whole ("form").
 */
export function mappingServerErrors(err: unknown, columns: MappingColumn[]): Record<string, string> {
  const out: Record<string, string> = {};
  const fields = fieldErrors(err);
  for (const [rawKey, msg] of Object.entries(fields)) {
    const key = rawKey.replace(/^mapping\./, '');
    const col = /^columns\.(\d+)(?:\.\w+)?$/.exec(key);
    if (key === 'currency' || key === 'default_brand') out[key] = msg;
    else if (col && columns[Number(col[1])]) out[colKey(columns[Number(col[1])].index)] = msg;
    else if (FIELD_VALUES.has(key)) {
      const on = columns.filter((c) => c.field === key);
      if (on.length) on.slice(on.length > 1 ? 1 : 0).forEach((c) => (out[colKey(c.index)] = msg));
      else out.form = out.form ? `${out.form} ${msg}` : msg;
    } else out.form = out.form ? `${out.form} ${msg}` : msg;
  }
  if (Object.keys(out).length === 0) out.form = messageOf(err, 'The mapping could not be saved.');
  return out;
}

/** Whether two drafts say the same (the form is unchanged). */
export function sameMapping(a: MappingDraft, b: MappingDraft): boolean {
  return JSON.stringify(toMapping(a)) === JSON.stringify(toMapping(b));
}

/** The draft a record's mapping starts the form with. */
export function draftFrom(rec: Pick<PartImport, 'mapping' | 'headers'>): MappingDraft {
  return {
    columns: mappingColumns(rec),
    defaultBrand: rec.mapping?.default_brand ?? '',
    currency: rec.mapping?.currency ?? '',
  };
}
