import { describe, expect, it, vi } from 'vitest';
import {
  applyImportEvent,
  cardView,
  chainProblemText,
  chainSteps,
  chainText,
  copyText,
  count,
  draftFrom,
  duplicateLines,
  historyRows,
  importAnnouncement,
  importCounts,
  importHeadline,
  isDidYouMean,
  lookupMessage,
  mappingColumns,
  mappingServerErrors,
  money,
  partFacts,
  partsOf,
  percent,
  plainNumber,
  priceChangeRows,
  priceRows,
  setRows,
  sheetHeaders,
  supersessionRows,
  toMapping,
  validateMapping,
  FIELDS,
  canMap,
  isPartsDocument,
} from './parts';
import { ImportReport, MappingForm, PartLookup, PriceHistory, mappingFieldId, type PartsApi } from './parts.svelte';
import type { LookupResult, Part, PartImport, PartMatch, PartPrice, PriceMapping } from './types';

/** Intl separates the amount and the sign with no-break spaces; compare as plain spaces. */
const sp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

function part(over: Partial<Part> = {}): Part {
  return {
    id: 'p1',
    part_number: '1K0 698 151 A',
    key: '1K0698151A',
    brand: 'VW',
    description: 'Bremsbeläge vorn',
    prices: { list: { amount: 89.5, currency: 'EUR', label: 'UPE' } },
    core_charge: null,
    pack_qty: null,
    min_order: null,
    price_group: '',
    returnable: null,
    weight_kg: null,
    status: 'current',
    source: { document: 'd1', title: 'VW Preisliste 2026', sheet: 'Teile', row: 12 },
    ...over,
  };
}

function match(over: Partial<PartMatch> = {}): PartMatch {
  const p = part(over);
  return { match: 'exact', chain: [], chain_problem: '', chain_message: '', current: p, replaced_by: null, ...p, ...over } as PartMatch;
}

describe('money and numbers', () => {
  it('formats money in the locale, German as 1.234,56 €', () => {
    expect(sp(money({ amount: 1234.56, currency: 'EUR' }, 'de-DE'))).toBe('1.234,56 €');
    expect(money({ amount: 1234.56, currency: 'EUR' }, 'en-US')).toBe('€1,234.56');
    expect(money({ amount: 12, currency: 'usd' }, 'en-US')).toBe('$12.00');
    expect(sp(money({ amount: 89.5, currency: 'CHF' }, 'de-CH'))).toBe('CHF 89.50');
  });
  it('writes a code Intl cannot use after the amount, and none without a currency', () => {
    expect(money({ amount: 12.3, currency: 'EURO' }, 'en-US')).toBe('12.30 EURO');
    expect(sp(money({ amount: 12.3, currency: '' }, 'de-DE'))).toBe('12,30');
    expect(money(null)).toBe('');
    expect(money({ amount: Number.NaN, currency: 'EUR' })).toBe('');
  });
  it('formats counts and signed percentages', () => {
    expect(count(12345, 'de-DE')).toBe('12.345');
    expect(count(undefined)).toBe('');
    expect(percent(12.5, 'en-US')).toBe('+12.5%');
    expect(sp(percent(-4, 'de-DE'))).toBe('-4 %');
    expect(percent(0, 'en-US')).toBe('0%');
  });
});

describe('the part card', () => {
  it('lists prices list first, then net, then the others by their header', () => {
    const rows = priceRows(
      {
        Werkstatt: { amount: 70, currency: 'EUR', label: 'Werkstatt' },
        net: { amount: 60, currency: 'EUR', label: 'HEK' },
        list: { amount: 89.5, currency: 'EUR', label: 'UPE' },
      },
      'de-DE',
    );
    expect(rows.map((r) => [r.label, sp(r.text)])).toEqual([
      ['List price (UPE)', '89,50 €'],
      ['Net price (HEK)', '60,00 €'],
      ['Werkstatt', '70,00 €'],
    ]);
    expect(priceRows(null)).toEqual([]);
    expect(priceRows({ list: { amount: 1, currency: 'EUR', label: 'List price' } })[0].label).toBe('List price');
  });

  it('leads with the part to order: itself when current, else the current part', () => {
    const v = cardView(match());
    expect(v).toMatchObject({ headline: 'order', label: 'Part to order', asked: null });
    expect(v.shown.part_number).toBe('1K0 698 151 A');

    const current = part({ id: 'p2', part_number: '1K0 698 151 B', key: '1K0698151B' });
    const old = match({ status: 'superseded', current, chain: ['1K0 698 151 A', '1K0 698 151 B'] });
    const w = cardView(old);
    expect(w.headline).toBe('order');
    expect(w.shown.id).toBe('p2');
    expect(w.asked?.part_number).toBe('1K0 698 151 A');
  });

  it('never presents a set, a loop, a dead end or a discontinued part as one number to order', () => {
    const set = match({
      status: 'superseded',
      current: null,
      replaced_by: { kind: 'all_of', parts: [{ ...part({ id: 'a', part_number: 'A1', key: 'A1' }), qty: 2 }, { ...part({ id: 'b', part_number: 'B1', key: 'B1', prices: null }), qty: 1 }] },
    });
    expect(cardView(set)).toMatchObject({ headline: 'set', label: 'You asked for' });
    expect(setRows(set, 'en-US').map((r) => [r.qty, r.part.part_number, r.price])).toEqual([
      ['2 ×', 'A1', 'List price (UPE): €89.50'],
      ['1 ×', 'B1', ''],
    ]);

    const loop = match({ status: 'superseded', current: null, chain: ['A', 'B', 'A'], chain_problem: 'loop', chain_message: 'A and B replace each other.' });
    expect(cardView(loop).headline).toBe('unresolved');
    expect(chainProblemText(loop)).toBe('A and B replace each other.');

    const dead = match({ status: 'superseded', current: null, chain: ['A', 'B'], chain_problem: 'dead_end' });
    expect(cardView(dead).headline).toBe('unresolved');
    expect(chainProblemText(dead)).toMatch(/in none of your price files/);

    const gone = match({ status: 'discontinued', current: null });
    expect(cardView(gone)).toMatchObject({ headline: 'discontinued' });
    const goneCurrent = match({ status: 'superseded', current: part({ id: 'p9', part_number: 'X 9', key: 'X9', status: 'discontinued' }) });
    expect(cardView(goneCurrent)).toMatchObject({ headline: 'discontinued', asked: { id: 'p1' } });
  });

  it('labels suggestions "Did you mean", also an entry without a match kind', () => {
    expect(cardView(part())).toMatchObject({ headline: 'suggestion', label: 'Did you mean' });
    expect(isDidYouMean(part())).toBe(true);
    expect(isDidYouMean({ ...match(), match: 'confusion' as never })).toBe(true);
    expect(isDidYouMean(match({ match: 'short' }))).toBe(false);
  });

  it('shows the chain oldest first, marking the number asked for, the current one, a loop and a dead end', () => {
    const m = match({ part_number: '34 11 6 794 300', key: '34116794300', chain: ['34 11 6 794 300', '34 11 6 858 652', '34 11 6 860 016'] });
    expect(chainSteps(m)).toEqual([
      { number: '34 11 6 794 300', role: 'old', asked: true },
      { number: '34 11 6 858 652', role: 'old', asked: false },
      { number: '34 11 6 860 016', role: 'current', asked: false },
    ]);
    expect(chainText(m)).toBe('34 11 6 794 300 → 34 11 6 858 652 → 34 11 6 860 016');
    expect(chainSteps(match({ chain: ['1K0 698 151 A'] }))).toEqual([]);
    expect(chainSteps(match({ part_number: 'B', chain: ['A', 'B', 'A'], chain_problem: 'loop' })).map((s) => [s.role, s.asked])).toEqual([
      ['old', false],
      ['old', true],
      ['repeat', false],
    ]);
    expect(chainSteps(match({ chain: ['A', 'Z'], chain_problem: 'dead_end' })).map((s) => s.role)).toEqual(['old', 'end']);
  });

  it('lists core charge, pack, minimum order and the rest in words', () => {
    const facts = partFacts(part({ core_charge: { amount: 50, currency: 'EUR' }, pack_qty: 10, min_order: 2, returnable: false, weight_kg: 1.25, price_group: 'B7' }), 'de-DE');
    expect(facts.map((f) => [f.label, sp(f.value)])).toEqual([
      ['Core charge', '50,00 €'],
      ['Pack quantity', '10'],
      ['Minimum order', '2'],
      ['Price group', 'B7'],
      ['Returnable', 'No'],
      ['Weight', '1,25 kg'],
    ]);
    expect(partFacts(part())).toEqual([]);
  });

  it('copies the plain number', () => {
    expect(plainNumber(part())).toBe('1K0698151A');
    expect(plainNumber({ key: '', part_number: 'A 000 420 47 20' })).toBe('A0004204720');
  });

  it('reads the parts of a message defensively', () => {
    expect(partsOf([match(), null, 3, { x: 1 }])).toHaveLength(1);
    expect(partsOf(JSON.stringify([match()]))[0].key).toBe('1K0698151A');
    expect(partsOf('not json')).toEqual([]);
    expect(partsOf(null)).toEqual([]);
  });

  it('copies with the Clipboard API, else with execCommand', async () => {
    const writeText = vi.fn(async () => {});
    expect(await copyText('1K0698151A', { writeText }, undefined)).toBe(true);
    expect(writeText).toHaveBeenCalledWith('1K0698151A');

    const ta = { value: '', setAttribute: vi.fn(), select: vi.fn(), remove: vi.fn(), className: '' };
    const doc = {
      createElement: vi.fn(() => ta),
      body: { appendChild: vi.fn() },
      activeElement: { focus: vi.fn() },
      execCommand: vi.fn(() => true),
    } as unknown as Document;
    const refused = { writeText: vi.fn(async () => Promise.reject(new Error('not allowed'))) };
    expect(await copyText('A0004204720', refused, doc)).toBe(true);
    expect(ta.value).toBe('A0004204720');
    expect(ta.remove).toHaveBeenCalled();
    expect(await copyText('x', undefined, undefined)).toBe(false);
  });
});

describe('the Parts screen', () => {
  it('says what was found, else why not', () => {
    expect(lookupMessage({ message: '1 part found in your price files.' })).toBe('1 part found in your price files.');
    expect(lookupMessage({ matches: [1, 2] })).toBe('2 parts found in your price files.');
    expect(lookupMessage({ did_you_mean: [1], numbers: ['X'] })).toMatch(/No exact match/);
    expect(lookupMessage({ not_found: ['4711000'], numbers: ['4711000'] })).toBe('Not in your price files.');
    expect(lookupMessage({ numbers: [] })).toMatch(/No part number found/);
  });

  it('shows the price history newest first with the change against the previous price of the same name', () => {
    const rec = (id: string, name: string, amount: number, from: string, to = ''): PartPrice =>
      ({ id, collectionId: '', collectionName: 'part_prices', part: 'p1', name, label: name === 'list' ? 'UPE' : name, amount, currency: 'EUR', valid_from: from, valid_to: to, document: 'd1' }) as PartPrice;
    const rows = historyRows(
      [
        rec('a', 'list', 80, '2025-01-01 00:00:00.000Z', '2026-01-01 00:00:00.000Z'),
        rec('c', 'net', 60, '2026-01-01 00:00:00.000Z'),
        rec('b', 'list', 89.5, '2026-01-01 00:00:00.000Z'),
      ],
      'en-US',
    );
    expect(rows.map((r) => [r.id, r.price, r.amount, r.to, r.change, r.current])).toEqual([
      ['c', 'Net price', '€60.00', 'still valid', '', true],
      ['b', 'List price (UPE)', '€89.50', 'still valid', '+11.9%', true],
      ['a', 'List price (UPE)', '€80.00', 'Jan 1, 2026', '', false],
    ]);
    expect(rows[2].from).toBe('Jan 1, 2025');
  });
});

function imp(over: Partial<PartImport> = {}): PartImport {
  return {
    id: 'i1',
    collectionId: '',
    collectionName: 'part_imports',
    document: 'd1',
    status: 'done',
    message: '',
    signature: 'sig',
    headers: [['Teilenummer', 'Bezeichnung', 'UPE', 'Pfand']],
    mapping: {
      columns: [
        { index: 0, header: 'Teilenummer', field: 'part_number' },
        { index: 2, header: 'UPE', field: 'price_list' },
      ],
      default_brand: 'VW',
      currency: 'EUR',
    },
    counts: { rows: 20000, parts_added: 120, parts_changed: 30, parts_unchanged: 19850, discontinued: 5, errors: 3 },
    price_changes: null,
    new_supersessions: null,
    row_errors: null,
    duplicates: null,
    started: '',
    finished: '',
    created: '2026-03-01 10:00:00.000Z',
    updated: '2026-03-01 10:00:05.000Z',
    ...over,
  };
}

describe('the import report', () => {
  it('sums up an import in one sentence', () => {
    expect(importHeadline(imp(), 'en-US')).toBe('20,000 rows read: 120 parts added, 30 changed, 5 marked discontinued. 3 rows could not be read.');
    expect(importHeadline(imp({ counts: { rows: 10, parts_unchanged: 10 } }))).toBe('10 rows read: nothing changed.');
    expect(importHeadline(imp({ status: 'running', counts: { rows: 1500 } }), 'en-US')).toBe('Importing… 1,500 rows read so far.');
    expect(importHeadline(imp({ status: 'needs_mapping', message: 'No part-number column found. Columns seen: A, B.' }))).toMatch(/Columns seen/);
    expect(importHeadline(imp({ status: 'failed', message: '' }))).toBe('The import failed.');
  });

  it('labels the counts the server sent, in reading order', () => {
    expect(importCounts({ errors: 2, rows: 1234, parts_added: 0 }, 'de-DE')).toEqual([
      { key: 'rows', label: 'Rows read', value: '1.234' },
      { key: 'parts_added', label: 'Parts added', value: '0' },
      { key: 'errors', label: 'Unreadable rows', value: '2' },
    ]);
    expect(importCounts(null)).toEqual([]);
  });

  it('announces a change of status once', () => {
    const running = imp({ status: 'running', counts: null });
    expect(importAnnouncement(null, running)).toBe('The price file is being imported.');
    expect(importAnnouncement(running, { ...running, counts: { rows: 10 } })).toBeNull();
    expect(importAnnouncement(running, imp())).toMatch(/^Import finished\. 20,000 rows read/);
    expect(importAnnouncement(running, imp({ status: 'needs_mapping', message: 'Choose the part-number column.' }))).toBe(
      'The import needs a column mapping. Choose the part-number column.',
    );
  });

  it('follows the newest import of its document only', () => {
    const a = imp();
    expect(applyImportEvent(a, 'create', imp({ id: 'x', document: 'other', created: '2027-01-01' }), 'd1')).toBe(a);
    const newer = imp({ id: 'i2', status: 'running', created: '2026-03-02 08:00:00.000Z' });
    expect(applyImportEvent(a, 'create', newer, 'd1')).toBe(newer);
    expect(applyImportEvent(newer, 'update', a, 'd1')).toBe(newer); // an older import's late update
    expect(applyImportEvent(a, 'update', { ...a, updated: '2026-03-01 09:00:00.000Z' }, 'd1')).toBe(a); // an older version
    const later = { ...a, status: 'failed' as const, updated: '2026-03-01 11:00:00.000Z' };
    expect(applyImportEvent(a, 'update', later, 'd1')).toBe(later);
    expect(applyImportEvent(a, 'delete', a, 'd1')).toBeNull();
    expect(applyImportEvent(null, 'update', a, 'd1')).toBe(a);
  });

  it('lists the largest price changes first, with the change from old and new', () => {
    const rows = priceChangeRows(
      [
        { part_number: 'A', brand: 'VW', name: 'list', old: 100, new: 105, currency: 'EUR', change_pct: 0.05 },
        { part_number: 'B', brand: '', name: 'net', old: 50, new: 25, currency: 'EUR', change_pct: -50 },
        { part_number: 'C', brand: '', name: 'Werkstatt', old: 0, new: 10, currency: 'EUR', change_pct: 100 },
      ],
      'en-US',
    );
    expect(rows.map((r) => [r.part, r.price, r.old, r.new, r.change, r.up])).toEqual([
      ['C', 'Werkstatt', '€0.00', '€10.00', '+100%', true],
      ['B', 'Net price', '€50.00', '€25.00', '-50%', false],
      ['A', 'List price', '€100.00', '€105.00', '+5%', true],
    ]);
    expect(priceChangeRows(null)).toEqual([]);
  });

  it('writes new supersessions and duplicates in words', () => {
    expect(
      supersessionRows([
        { from: 'A', to: 'B', kind: 'single' },
        { from: 'C', to: ['D', 'E'], kind: 'all_of' },
        { from: 'F', to: ['G', 'H'], kind: 'one_of' },
      ]),
    ).toEqual([
      { from: 'A', to: 'B', kind: 'Replaced by' },
      { from: 'C', to: 'D + E', kind: 'Replaced by all of' },
      { from: 'F', to: 'G or H', kind: 'Any one of' },
    ]);
    expect(duplicateLines([12, 1340])).toBe('lines 12, 1340');
    expect(duplicateLines([7])).toBe('line 7');
  });

  it('reads the headers of each sheet in any shape', () => {
    expect(sheetHeaders([['A', 'B']])).toEqual([{ sheet: '', headers: ['A', 'B'] }]);
    expect(sheetHeaders(['A', 'B'])).toEqual([{ sheet: '', headers: ['A', 'B'] }]);
    expect(sheetHeaders([{ sheet: 'Teile', headers: ['A', null] }, { name: 'Alt', headers: ['X'] }])).toEqual([
      { sheet: 'Teile', headers: ['A', ''] },
      { sheet: 'Alt', headers: ['X'] },
    ]);
    expect(sheetHeaders('[["A"]]')).toEqual([{ sheet: '', headers: ['A'] }]);
    expect(sheetHeaders(null)).toEqual([]);
  });
});

describe('the column mapping', () => {
  it('offers every field with an English label, ignore last', () => {
    expect(FIELDS.map((f) => f.value)).toEqual([
      'part_number', 'brand', 'description', 'price_list', 'price_net', 'price_other', 'price_unit', 'currency', 'core_charge', 'pack_qty',
      'min_order', 'price_group', 'returnable', 'weight', 'superseded_by', 'supersedes', 'qty_ratio', 'interchange',
      'supersession_date', 'ignore',
    ]);
    expect(FIELDS.every((f) => /^[A-Z][a-z]/.test(f.label))).toBe(true);
    expect(canMap('admin') && canMap('manager') && !canMap('member') && !canMap(undefined)).toBe(true);
    expect(isPartsDocument('price_list') && isPartsDocument('catalog') && !isPartsDocument('manual')).toBe(true);
  });

  it('shows every header of the sheet, the unmapped ones as ignored', () => {
    expect(mappingColumns(imp()).map((c) => [c.index, c.header, c.field])).toEqual([
      [0, 'Teilenummer', 'part_number'],
      [1, 'Bezeichnung', 'ignore'],
      [2, 'UPE', 'price_list'],
      [3, 'Pfand', 'ignore'],
    ]);
    // the sheet the mapping was made for, not the first one
    const two = imp({ headers: [{ sheet: 'Info', headers: ['Hinweis'] }, { sheet: 'Teile', headers: ['Teilenummer', 'Bezeichnung', 'UPE'] }] });
    expect(mappingColumns(two).map((c) => c.header)).toEqual(['Teilenummer', 'Bezeichnung', 'UPE']);
    // no mapping yet (needs_mapping): all ignored
    expect(mappingColumns({ mapping: null, headers: [['Nr', 'Preis']] }).map((c) => c.field)).toEqual(['ignore', 'ignore']);
  });

  it('checks one part-number column, one column per single field, and the currency', () => {
    const d = draftFrom(imp());
    expect(validateMapping(d)).toEqual({});
    expect(toMapping({ ...d, currency: ' chf ', defaultBrand: '  Mercedes   Benz ' })).toMatchObject({ currency: 'CHF', default_brand: 'Mercedes Benz' });

    const cols = d.columns.map((c) => ({ ...c }));
    cols[0].field = 'ignore';
    cols[1].field = 'price_list';
    cols[3].field = 'price_other';
    const e = validateMapping({ columns: cols, defaultBrand: '', currency: 'Euro' });
    expect(e.form).toBe('Choose the column that holds the part number.');
    expect(e['col-2']).toBe('List price is already chosen for “Bezeichnung”. Choose it for one column only.');
    expect(e['col-1']).toBeUndefined();
    expect(e['col-3']).toBeUndefined(); // other prices may be many
    expect(e.currency).toMatch(/three-letter/);
  });

  it('puts the server\'s 400 at its field', () => {
    const cols = mappingColumns(imp());
    const err = (data: Record<string, unknown>, message = 'Check the mapping.') => ({ status: 400, response: { message, data } });
    expect(mappingServerErrors(err({ currency: { code: 'x', message: 'Unknown currency ABC.' } }), cols)).toEqual({ currency: 'Unknown currency ABC.' });
    expect(mappingServerErrors(err({ 'mapping.default_brand': { message: 'Too long.' } }), cols)).toEqual({ default_brand: 'Too long.' });
    expect(mappingServerErrors(err({ 'columns.2.field': { message: 'Not a price column.' } }), cols)).toEqual({ 'col-2': 'Not a price column.' });
    expect(mappingServerErrors(err({ price_list: { message: 'Twice.' } }), cols)).toEqual({ 'col-2': 'Twice.' });
    expect(mappingServerErrors(err({ brand: { message: 'No brand column and no default brand.' } }), cols)).toEqual({
      form: 'No brand column and no default brand.',
    });
    expect(mappingServerErrors(err({}, 'No part-number column found. Columns seen: A, B.'), cols)).toEqual({
      form: 'No part-number column found. Columns seen: A, B.',
    });
    expect(mappingServerErrors({ status: 403, response: { message: '' } }, cols)).toEqual({ form: 'You are not allowed to do that.' });
    expect(mappingFieldId('col-2')).toBe('map-col-2');
    expect(mappingFieldId('form')).toBe('map-columns');
    expect(mappingFieldId('default_brand')).toBe('map-brand');
  });
});

// ---- the stateful parts, with a fake API ----

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function fakeApi(over: Partial<PartsApi> = {}): PartsApi & { listeners: ((a: string, r: PartImport) => void)[] } {
  const listeners: ((a: string, r: PartImport) => void)[] = [];
  return {
    listeners,
    lookup: vi.fn(async (q: string) => ({ query: q, numbers: [q], matches: [match()], did_you_mean: [], not_found: [], message: '1 part found in your price files.' })),
    prices: vi.fn(async () => []),
    latestImport: vi.fn(async () => imp()),
    subscribeImports: vi.fn(async (_id: string, fn: (a: string, r: PartImport) => void) => {
      listeners.push(fn);
      return () => listeners.splice(listeners.indexOf(fn), 1);
    }),
    saveMapping: vi.fn(async () => ({ import: 'i2' })),
    ...over,
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('PartLookup', () => {
  it('keeps the answer to the last question, not a slower earlier one', async () => {
    const slow = deferred<LookupResult>();
    const api = fakeApi({
      lookup: vi.fn((q: string) =>
        q === 'slow' ? slow.promise : Promise.resolve({ query: q, numbers: [], matches: [], did_you_mean: [], not_found: ['4711000'], message: '' }),
      ),
    });
    const l = new PartLookup(api);
    const first = l.run('slow');
    expect(l.loading).toBe(true);
    await l.run('4711000');
    slow.resolve({ query: 'slow', numbers: [], matches: [match()], did_you_mean: [], not_found: [], message: 'late' });
    await first;
    expect(l.result?.not_found).toEqual(['4711000']);
    expect(l.loading).toBe(false);
  });

  it('says why a lookup failed, and does nothing for an empty box', async () => {
    const api = fakeApi({ lookup: vi.fn(async () => Promise.reject({ status: 0 })) });
    const l = new PartLookup(api);
    await l.run('1K0698151A');
    expect(l.error).toMatch(/cannot be reached/);
    await l.run('   ');
    expect(l.error).toBe('');
    expect(l.result).toBeNull();
    expect(api.lookup).toHaveBeenCalledTimes(1);
  });

  it('fills in lists a server left out', async () => {
    const l = new PartLookup(fakeApi({ lookup: vi.fn(async () => ({ message: 'x' }) as LookupResult) }));
    await l.run('x');
    expect(l.result).toMatchObject({ matches: [], did_you_mean: [], not_found: [], numbers: [] });
  });
});

describe('PriceHistory', () => {
  it('opens a part\'s history, closes it on the second press', async () => {
    const rec = { id: 'r1', part: 'p1', name: 'list', amount: 1, currency: 'EUR', valid_from: '', valid_to: '' } as PartPrice;
    const api = fakeApi({ prices: vi.fn(async () => [rec]) });
    const h = new PriceHistory(api);
    await h.toggle('p1');
    expect(h.partId).toBe('p1');
    expect(h.records).toEqual([rec]);
    await h.toggle('p1');
    expect(h.partId).toBe('');
    const failing = new PriceHistory(fakeApi({ prices: vi.fn(async () => Promise.reject({ status: 403, response: { message: '' } })) }));
    await failing.toggle('p2');
    expect(failing.error).toBe('You are not allowed to do that.');
  });
});

describe('ImportReport', () => {
  it('loads the latest import and follows it live, announcing status changes', async () => {
    const api = fakeApi({ latestImport: vi.fn(async () => imp({ status: 'running', counts: null })) });
    const r = new ImportReport(api, 'd1');
    const said: string[] = [];
    r.onAnnounce = (m) => said.push(m);
    const stop = r.start();
    await flush();
    expect(r.loading).toBe(false);
    expect(r.record?.status).toBe('running');
    expect(api.listeners).toHaveLength(1);
    api.listeners[0]('update', imp({ status: 'done', updated: '2026-03-01 10:01:00.000Z' }));
    expect(r.record?.status).toBe('done');
    expect(said[0]).toMatch(/^Import finished/);
    api.listeners[0]('create', imp({ id: 'x', document: 'd2', created: '2030-01-01' }));
    expect(r.record?.id).toBe('i1');
    stop();
    expect(api.listeners).toHaveLength(0);
  });

  it('stops a subscription that arrives after the screen closed', async () => {
    const sub = deferred<() => void>();
    const unsub = vi.fn();
    const api = fakeApi({ subscribeImports: vi.fn(() => sub.promise) });
    const stop = new ImportReport(api, 'd1').start();
    stop();
    sub.resolve(unsub);
    await flush();
    expect(unsub).toHaveBeenCalled();
  });

  it('shows none, or why it could not load', async () => {
    const none = new ImportReport(fakeApi({ latestImport: vi.fn(async () => null) }), 'd1');
    await none.load();
    expect(none.record).toBeNull();
    expect(none.error).toBe('');
    const bad = new ImportReport(fakeApi({ latestImport: vi.fn(async () => Promise.reject({ status: 500, response: {} })) }), 'd1');
    await bad.load();
    expect(bad.error).toMatch(/server had a problem/);
  });
});

describe('MappingForm', () => {
  it('starts from the import\'s mapping and keeps edits when a new version arrives', () => {
    const f = new MappingForm(fakeApi(), 'd1');
    f.sync(imp());
    expect(f.columns.map((c) => c.field)).toEqual(['part_number', 'ignore', 'price_list', 'ignore']);
    expect(f.currency).toBe('EUR');
    expect(f.dirty).toBe(false);
    f.setField(1, 'description');
    expect(f.dirty).toBe(true);
    f.sync(imp({ id: 'i2', mapping: { columns: [], default_brand: '', currency: '' } }));
    expect(f.columns[1].field).toBe('description');
    f.setField(1, 'ignore');
    f.sync(imp({ id: 'i3', mapping: { columns: [{ index: 3, header: 'Pfand', field: 'core_charge' }], default_brand: '', currency: 'CHF' } }));
    expect(f.columns.map((c) => c.field)).toEqual(['ignore', 'ignore', 'ignore', 'core_charge']);
    expect(f.currency).toBe('CHF');
  });

  it('checks before sending, and clears a column\'s error once it is fixed', async () => {
    const api = fakeApi();
    const f = new MappingForm(api, 'd1');
    f.sync(imp());
    f.setField(1, 'price_list');
    expect(await f.save()).toBe(false);
    expect(api.saveMapping).not.toHaveBeenCalled();
    expect(f.errors['col-2']).toMatch(/already chosen/);
    expect(f.firstErrorId()).toBe('map-col-2');
    f.setField(1, 'description');
    expect(f.errors).toEqual({});
  });

  it('sends the mapping and says the file is imported again', async () => {
    const api = fakeApi();
    const f = new MappingForm(api, 'd1');
    f.sync(imp({ status: 'needs_mapping', mapping: null }));
    f.setField(0, 'part_number');
    f.setField(2, 'price_list');
    f.currency = 'eur';
    expect(await f.save()).toBe(true);
    const sent = (api.saveMapping as ReturnType<typeof vi.fn>).mock.calls[0];
    expect(sent[0]).toBe('d1');
    expect(sent[1] as PriceMapping).toEqual({
      columns: [
        { index: 0, header: 'Teilenummer', field: 'part_number' },
        { index: 1, header: 'Bezeichnung', field: 'ignore' },
        { index: 2, header: 'UPE', field: 'price_list' },
        { index: 3, header: 'Pfand', field: 'ignore' },
      ],
      default_brand: '',
      currency: 'EUR',
    });
    expect(f.started).toBe('i2');
    expect(f.saved).toMatch(/imported again/);
    expect(f.dirty).toBe(false);
  });

  it('shows the server\'s 400 at the field', async () => {
    const api = fakeApi({
      saveMapping: vi.fn(async () =>
        Promise.reject({ status: 400, response: { message: 'Check the mapping.', data: { currency: { code: 'validation_invalid', message: 'ABC is not a currency.' } } } }),
      ),
    });
    const f = new MappingForm(api, 'd1');
    f.sync(imp());
    f.currency = 'ABC';
    expect(await f.save()).toBe(false);
    expect(f.errors).toEqual({ currency: 'ABC is not a currency.' });
    expect(f.firstErrorId()).toBe('map-currency');
    f.setField(1, 'description'); // another input's error stays
    expect(f.errors.currency).toBe('ABC is not a currency.');
    f.clearError('currency');
    expect(f.errors).toEqual({});
  });
});
