import { describe, expect, it } from 'vitest';
import {
  columnName,
  loadSource,
  parseSourceQuery,
  passageLines,
  pdfAtPage,
  placeLabel,
  sourceHref,
  sourceKind,
  type RowsAnswer,
  type SourceApi,
  type SourceDoc,
} from './sources';
import { resolve } from './routes';

const csv: SourceDoc = { id: 'd1', title: 'Preisliste', filename: 'preisliste.csv', content_type: 'text/csv', status: 'ready' };
const pdf: SourceDoc = { id: 'd2', title: 'Bulletin', filename: 'bulletin.pdf', content_type: 'application/pdf', status: 'ready' };

const rows: RowsAnswer = {
  document: 'd1', title: 'Preisliste', filename: 'preisliste.csv', content_type: 'text/csv', sheet: '', row: 422, found: true,
  header_row: 3, header: ['Teilenummer', 'Bezeichnung'], titles: [], rows: [{ row: 422, cells: ['06H121026DD', 'Kühlmittelpumpe'] }],
  more_before: true, more_after: true, columns: 2, truncated: false,
};

function fakeApi(doc: SourceDoc, calls: string[] = []): SourceApi {
  return {
    document: async (id) => {
      calls.push(`document ${id}`);
      if (id !== doc.id) throw { status: 404, response: { message: 'This document does not exist or was deleted.' } };
      return doc;
    },
    rows: async (id, row, sheet) => {
      calls.push(`rows ${id} ${row} ${sheet ?? ''}`);
      if (doc.content_type.includes('pdf')) throw { status: 400, response: { message: 'This document is not a table.' } };
      return rows;
    },
    message: async (id) => {
      calls.push(`message ${id}`);
      if (id !== 'm1') throw { status: 404 };
      return { conversation: 'c1', sources: [{ document: 'd9', snippet: 'other' }, { document: doc.id, page: 3, snippet: 'Torque the bolts to 120 Nm.' }] };
    },
  };
}

const errorText = (err: unknown) => (err as { response?: { message?: string } }).response?.message ?? 'failed';

describe('sourceHref', () => {
  it('opens a table source at its row in the app, a PDF at its page', () => {
    expect(sourceHref({ document: 'd1', row: 422 })).toBe('/documents/d1/source?row=422');
    expect(sourceHref({ document: 'd1', row: 4, sheet: 'Kühlung' })).toBe('/documents/d1/source?row=4&sheet=K%C3%BChlung');
    expect(sourceHref({ document: 'd2', page: 3 })).toBe('/documents/d2/source?page=3');
    expect(sourceHref({ document: 'd3' })).toBe('/documents/d3/source');
    expect(sourceHref({ document: 'a b/c', row: 0, page: -1 })).toBe('/documents/a%20b%2Fc/source');
  });
  it('names the answer it was followed from, never a message not stored yet', () => {
    expect(sourceHref({ document: 'd1', row: 9 }, { conversation: 'c1', message: 'm1', index: 2 })).toBe('/documents/d1/source?row=9&c=c1&m=m1&i=2');
    expect(sourceHref({ document: 'd1', row: 9 }, { conversation: 'c1', message: 'tmp-1', index: 2 })).toBe('/documents/d1/source?row=9&c=c1');
  });
  it('is a route of the app', () => {
    const m = resolve('/documents/d1/source');
    expect(m.route).toMatchObject({ name: 'source', access: 'user' });
    expect(m.params.id).toBe('d1');
    expect(resolve('/documents/d1').route.name).toBe('document');
  });
  it('round-trips through the query', () => {
    const href = sourceHref({ document: 'd1', row: 422, sheet: 'S' }, { conversation: 'c1', message: 'm1', index: 0 });
    expect(parseSourceQuery(new URL(href, 'http://x').searchParams)).toEqual({
      row: 422, page: undefined, sheet: 'S', conversation: 'c1', message: 'm1', index: 0,
    });
    expect(parseSourceQuery(new URLSearchParams('row=abc&page=-2&i=x'))).toMatchObject({ row: undefined, page: undefined, index: undefined });
  });
});

describe('the source view', () => {
  it('tells tables from PDFs', () => {
    expect(sourceKind(csv)).toBe('table');
    expect(sourceKind({ content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', filename: 'k.xlsx' })).toBe('table');
    expect(sourceKind(pdf)).toBe('pdf');
    expect(sourceKind({ content_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', filename: 'a.docx' })).toBe('other');
  });
  it('loads the rows around a cited row and the way back', async () => {
    const calls: string[] = [];
    const m = await loadSource(fakeApi(csv, calls), 'd1', { row: 422, conversation: 'c7' }, errorText);
    expect(m).toMatchObject({ kind: 'table', table: rows, conversation: 'c7' });
    expect(calls).toEqual(['document d1', 'rows d1 422 ']);
  });
  it('shows a PDF passage from the answer, without asking for rows', async () => {
    const calls: string[] = [];
    const m = await loadSource(fakeApi(pdf, calls), 'd2', { page: 3, message: 'm1', index: 1 }, errorText);
    expect(m).toMatchObject({ kind: 'pdf', passage: 'Torque the bolts to 120 Nm.', conversation: 'c1' });
    expect(m.table).toBeUndefined();
    expect(calls).not.toContain('rows d2 3 ');
  });
  it('keeps going without the answer or the rows', async () => {
    const m = await loadSource(fakeApi(csv), 'd1', { row: 5, message: 'gone', index: 0 }, errorText);
    expect(m.passage).toBeUndefined();
    expect(m.table).toBe(rows);
    const bad = await loadSource({ ...fakeApi(csv), rows: async () => Promise.reject({ response: { message: 'Row 900 is past the end of the file: its last row is 612.' } }) },
      'd1', { row: 900 }, errorText);
    expect(bad.tableError).toBe('Row 900 is past the end of the file: its last row is 612.');
    // a passage of another document is not shown
    const other = await loadSource(fakeApi(csv), 'd1', { row: 5, message: 'm1', index: 0 }, errorText);
    expect(other.passage).toBeUndefined();
  });
  it('rejects when the document is not there', async () => {
    await expect(loadSource(fakeApi(csv), 'nope', { row: 1 }, errorText)).rejects.toMatchObject({ status: 404 });
  });
  it('opens a PDF at its page', () => {
    expect(pdfAtPage('https://s3.example/b/k?X-Amz-Signature=abc', 3)).toBe('https://s3.example/b/k?X-Amz-Signature=abc#page=3');
    expect(pdfAtPage('/api/blob/x?sig=1#page=9', 2)).toBe('/api/blob/x?sig=1#page=2');
    expect(pdfAtPage('/api/blob/x?sig=1', undefined)).toBe('/api/blob/x?sig=1');
  });
  it('shows the matching line of a passage as the highlighted one', () => {
    expect(passageLines('…\nTeilenummer: 1 | UPE: 2\n▶ Teilenummer: 06H121026DD | Bezeichnung: Kühlmittelpumpe\n')).toEqual([
      { text: '…', matched: false },
      { text: 'Teilenummer: 1 | UPE: 2', matched: false },
      { text: 'Teilenummer: 06H121026DD | Bezeichnung: Kühlmittelpumpe', matched: true },
    ]);
  });
  it('labels the place', () => {
    expect(placeLabel({ row: 422 })).toBe('Row 422');
    expect(placeLabel({ row: 4, sheet: 'Kühlung' })).toBe('Sheet Kühlung, row 4');
    expect(placeLabel({ page: 3 })).toBe('Page 3');
    expect(placeLabel({})).toBe('');
  });
  it('names columns as a spreadsheet does', () => {
    expect([0, 25, 26, 27, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});
