/**
 * The parts screens' state (runes): a lookup on the Parts screen, a part's
 * price history, a document's latest import (kept live) and its column
 * mapping form. Each talks to the server only through the PartsApi it is
 * given: the app passes lib/partsapi.ts, the tests a fake.
 */

import { messageOf } from './errors';
import {
  draftFrom,
  importAnnouncement,
  applyImportEvent,
  mappingServerErrors,
  sameMapping,
  toMapping,
  validateMapping,
  colKey,
  type MappingDraft,
} from './parts';
import type { LookupResult, MappingColumn, PartImport, PartPrice, PriceField, PriceMapping } from './types';

/** What the parts screens need from the server. */
export interface PartsApi {
  /** GET /api/parts/lookup?q= */
  lookup(q: string): Promise<LookupResult>;
  /** part_prices of a part, newest first */
  prices(partId: string): Promise<PartPrice[]>;
  /** the newest part_imports record of a document, null when there is none */
  latestImport(docId: string): Promise<PartImport | null>;
  /** realtime events of a document's part_imports; resolves to the unsubscribe function */
  subscribeImports(docId: string, fn: (action: string, rec: PartImport) => void): Promise<() => void>;
  /** POST /api/documents/{id}/parts/mapping */
  saveMapping(docId: string, mapping: PriceMapping): Promise<{ import: string }>;
}

/** The Parts screen's lookup: the last answer wins, earlier answers arriving late are dropped. */
export class PartLookup {
  query = $state('');
  result = $state<LookupResult | null>(null);
  loading = $state(false);
  error = $state('');
  #api: PartsApi;
  #seq = 0;

  constructor(api: PartsApi) {
    this.#api = api;
  }

  async run(q: string): Promise<void> {
    const text = q.trim();
    const mine = ++this.#seq;
    this.query = text;
    this.error = '';
    if (!text) {
      this.result = null;
      this.loading = false;
      return;
    }
    this.loading = true;
    try {
      const r = await this.#api.lookup(text);
      if (mine !== this.#seq) return;
      this.result = {
        query: r?.query ?? text,
        numbers: Array.isArray(r?.numbers) ? r.numbers : [],
        matches: Array.isArray(r?.matches) ? r.matches : [],
        did_you_mean: Array.isArray(r?.did_you_mean) ? r.did_you_mean : [],
        not_found: Array.isArray(r?.not_found) ? r.not_found : [],
        message: r?.message ?? '',
      };
    } catch (err) {
      if (mine !== this.#seq) return;
      this.result = null;
      this.error = messageOf(err, 'The lookup failed. Try again.');
    } finally {
      if (mine === this.#seq) this.loading = false;
    }
  }
}

/** The price history of the part someone chose on the Parts screen. */
export class PriceHistory {
  partId = $state('');
  records = $state<PartPrice[]>([]);
  loading = $state(false);
  error = $state('');
  #api: PartsApi;
  #seq = 0;

  constructor(api: PartsApi) {
    this.#api = api;
  }

  /** Opens a part's history; opening the open one again closes it. */
  async toggle(partId: string): Promise<void> {
    if (this.partId === partId) {
      this.close();
      return;
    }
    const mine = ++this.#seq;
    this.partId = partId;
    this.records = [];
    this.error = '';
    this.loading = true;
    try {
      const r = await this.#api.prices(partId);
      if (mine !== this.#seq) return;
      this.records = r;
    } catch (err) {
      if (mine !== this.#seq) return;
      this.error = messageOf(err, 'The price history could not be loaded.');
    } finally {
      if (mine === this.#seq) this.loading = false;
    }
  }

  close() {
    this.#seq++;
    this.partId = '';
    this.records = [];
    this.loading = false;
    this.error = '';
  }
}

/** A document's latest import, kept current by realtime events. */
export class ImportReport {
  record = $state<PartImport | null>(null);
  loading = $state(true);
  error = $state('');
  /** called with a sentence when the import's status changes */
  onAnnounce: (message: string) => void = () => {};
  readonly docId: string;
  #api: PartsApi;
  #seq = 0;

  constructor(api: PartsApi, docId: string) {
    this.#api = api;
    this.docId = docId;
  }

  async load(): Promise<void> {
    const mine = ++this.#seq;
    try {
      const rec = await this.#api.latestImport(this.docId);
      if (mine !== this.#seq) return;
      // an event may have brought a newer version while the list was on its way
      this.record = rec ? applyImportEvent(this.record, 'update', rec, this.docId) : this.record;
      this.error = '';
    } catch (err) {
      if (mine !== this.#seq) return;
      this.error = messageOf(err, 'The import report could not be loaded.');
    } finally {
      if (mine === this.#seq) this.loading = false;
    }
  }

  /** Applies a realtime event; announces a change of status. */
  apply(action: string, rec: PartImport) {
    const before = this.record;
    const after = applyImportEvent(before, action, rec, this.docId);
    if (after === before) return;
    this.record = after;
    if (!after) {
      // the shown import was deleted: show the one before it, if any
      this.load();
      return;
    }
    const msg = importAnnouncement(before, after);
    if (msg) this.onAnnounce(msg);
  }

  /** Loads the report and follows it live; returns the function that stops following. */
  start(): () => void {
    let stop: (() => void) | undefined;
    let stopped = false;
    this.load();
    this.#api
      .subscribeImports(this.docId, (action, rec) => this.apply(action, rec))
      .then((u) => {
        if (stopped) u();
        else {
          stop = u;
          // what happened between the first load and the subscription
          this.load();
        }
      })
      .catch(() => {
        // no live updates: the report still shows what was loaded
      });
    return () => {
      stopped = true;
      stop?.();
    };
  }
}

/** The element id a mapping error is shown at (and focus goes to). */
export function mappingFieldId(key: string): string {
  if (key === 'currency') return 'map-currency';
  if (key === 'default_brand') return 'map-brand';
  if (key.startsWith('col-')) return `map-${key}`;
  return 'map-columns';
}

/** The column mapping form of a price file: starts from the import's mapping, checks, sends. */
export class MappingForm {
  columns = $state<MappingColumn[]>([]);
  defaultBrand = $state('');
  currency = $state('');
  errors = $state<Record<string, string>>({});
  busy = $state(false);
  /** the sentence after a successful save */
  saved = $state('');
  /** the import the last save started */
  started = $state('');
  readonly docId: string;
  #api: PartsApi;
  #base: MappingDraft | null = null;
  #from = '';

  constructor(api: PartsApi, docId: string) {
    this.#api = api;
    this.docId = docId;
  }

  get draft(): MappingDraft {
    return { columns: this.columns, defaultBrand: this.defaultBrand, currency: this.currency };
  }

  /** Whether the person changed something since the form was filled. */
  get dirty(): boolean {
    return !!this.#base && !sameMapping(this.draft, this.#base);
  }

  /**
   * Fills the form from an import record: the first time, and when a newer
   * import arrives while the form is unchanged (edits in progress are kept).
   */
  sync(rec: PartImport | null) {
    if (!rec) return;
    const key = `${rec.id}|${rec.signature}|${JSON.stringify(rec.mapping ?? null)}|${JSON.stringify(rec.headers ?? null)}`;
    if (key === this.#from) return;
    if (this.#base && this.dirty) return;
    this.#from = key;
    const d = draftFrom(rec);
    this.columns = d.columns;
    this.defaultBrand = d.defaultBrand;
    this.currency = d.currency;
    this.#base = { columns: d.columns.map((c) => ({ ...c })), defaultBrand: d.defaultBrand, currency: d.currency };
    this.errors = {};
  }

  setField(index: number, field: PriceField) {
    const c = this.columns.find((x) => x.index === index);
    if (!c) return;
    c.field = field;
    this.saved = '';
    // a column problem that is fixed stops being shown; those of the other inputs stay
    if (Object.keys(this.errors).length) {
      const now = validateMapping(this.draft);
      const next: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.errors)) {
        if (k === 'currency' || k === 'default_brand') next[k] = v;
        else if (now[k]) next[k] = now[k];
      }
      this.errors = next;
    }
  }

  /** Forgets the error of one input once it is edited. */
  clearError(key: string) {
    this.saved = '';
    if (!(key in this.errors)) return;
    const next = { ...this.errors };
    delete next[key];
    this.errors = next;
  }

  /** Checks the form; true when it may be sent. */
  validate(): boolean {
    this.errors = validateMapping(this.draft);
    return Object.keys(this.errors).length === 0;
  }

  /** The id of the first field with an error, in the form's order. */
  firstErrorId(): string {
    const order = ['form', ...this.columns.map((c) => colKey(c.index)), 'default_brand', 'currency'];
    const k = order.find((x) => this.errors[x]) ?? Object.keys(this.errors)[0];
    return k ? mappingFieldId(k) : '';
  }

  /** Sends the mapping; the server remembers it for the supplier and imports the file again. */
  async save(): Promise<boolean> {
    this.saved = '';
    if (!this.validate()) return false;
    this.busy = true;
    const sent = toMapping(this.draft);
    try {
      const res = await this.#api.saveMapping(this.docId, sent);
      this.started = res?.import ?? '';
      this.#base = { columns: this.columns.map((c) => ({ ...c })), defaultBrand: this.defaultBrand, currency: this.currency };
      this.saved = 'Mapping saved. The file is being imported again with it, and the next file from this supplier will use it too.';
      return true;
    } catch (err) {
      this.errors = mappingServerErrors(err, sent.columns);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
