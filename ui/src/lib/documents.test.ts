import { describe, expect, it } from 'vitest';
import {
  acceptFor,
  applyEvent,
  buildFilter,
  canReprocess,
  filtersFromQuery,
  filtersToQuery,
  hasFile,
  hasFilters,
  isOlder,
  knownTags,
  statusAnnouncement,
  type FilterFn,
} from './documents';
import type { Doc } from './types';

// the SDK's pb.filter: binds {:name} placeholders with quoted, escaped values
const filter: FilterFn = (expr, params) =>
  expr.replace(/\{:(\w+)\}/g, (_, k) => `'${String(params[k]).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);

const doc = (over: Partial<Doc>): Doc =>
  ({ id: 'd1', title: 'Brake catalog', filename: 'brakes.pdf', status: 'ready', updated: '2026-11-29 10:00:00.000Z', ...over }) as Doc;

describe('document filters', () => {
  it('round-trips through the query string', () => {
    const f = filtersFromQuery(new URLSearchParams('q=pads&status=failed&category=catalog&tag=brakes&by=u1&page=3'));
    expect(f).toEqual({ q: 'pads', status: 'failed', category: 'catalog', tag: 'brakes', by: 'u1', page: 3 });
    expect(filtersToQuery(f)).toEqual({ q: 'pads', status: 'failed', category: 'catalog', tag: 'brakes', by: 'u1', page: 3 });
    expect(filtersFromQuery(new URLSearchParams('page=-2')).page).toBe(1);
    expect(hasFilters(filtersFromQuery(new URLSearchParams('page=2')))).toBe(false);
  });
  it('builds a PocketBase filter with bound values', () => {
    const f = filtersFromQuery(new URLSearchParams("q=o'brien&status=ready&category=none&tag=Front Axle&by=u1"));
    expect(buildFilter(f, filter)).toBe(
      "(title ~ 'o\\'brien' || filename ~ 'o\\'brien' || description ~ 'o\\'brien') && status = 'ready' && category = \"\" && tags ~ '\"front axle\"' && uploaded_by = 'u1'",
    );
    expect(buildFilter(filtersFromQuery(new URLSearchParams('status=in_progress')), filter)).toBe(
      '(status = "pending_upload" || status = "uploaded" || status = "processing")',
    );
    expect(buildFilter(filtersFromQuery(new URLSearchParams('')), filter)).toBe('');
  });
});

describe('live updates', () => {
  it('announces status changes, not other edits', () => {
    expect(statusAnnouncement(doc({ status: 'processing' }), doc({ status: 'ready' }))).toBe('Brake catalog is ready.');
    expect(statusAnnouncement(doc({ status: 'processing' }), doc({ status: 'failed', error: 'No text found.' }))).toBe(
      'Brake catalog failed: No text found.',
    );
    expect(statusAnnouncement(doc({ status: 'ready' }), doc({ status: 'ready', title: 'New title' }))).toBeNull();
    expect(statusAnnouncement(undefined, doc({ status: 'processing', title: '' }))).toBe('brakes.pdf is being processed.');
  });
  it('applies updates and deletes to the page, keeping the expand and ignoring stale versions', () => {
    const uploader = { id: 'u1', name: 'Sam' };
    const items = [doc({ expand: { uploaded_by: uploader } as Doc['expand'] }), doc({ id: 'd2' })];
    const updated = applyEvent(items, 'update', doc({ status: 'failed', updated: '2026-11-29 10:00:01.000Z' }));
    expect(updated[0].status).toBe('failed');
    expect(updated[0].expand?.uploaded_by).toBe(uploader);
    // an older answer arriving late does not undo the newer state
    expect(applyEvent(updated, 'update', doc({ status: 'uploaded', updated: '2026-11-29 10:00:00.500Z' }))[0].status).toBe('failed');
    expect(applyEvent(items, 'delete', doc({ id: 'd2' })).map((d) => d.id)).toEqual(['d1']);
    expect(applyEvent(items, 'create', doc({ id: 'd3' }))).toBe(items);
    expect(isOlder({ updated: '2026-01-01 00:00:00.000Z' }, { updated: '2026-01-01 00:00:00.001Z' })).toBe(true);
    expect(isOlder({}, { updated: '2026-01-01 00:00:00.001Z' })).toBe(false);
  });
  it('collects tags and the file picker\'s accept list', () => {
    expect(knownTags([doc({ tags: ['b', 'a'] }), doc({ tags: null }), doc({ tags: ['a', 'c'] })])).toEqual(['a', 'b', 'c']);
    expect(acceptFor(['pdf', 'csv', 'md'])).toBe('.pdf,.csv,.tsv,.md,.markdown');
    expect(acceptFor(undefined)).toBe('');
  });
});

describe('a refused file', () => {
  it.each([
    [{ status: 'ready' }, true, true],
    [{ status: 'failed' }, true, true],
    [{ status: 'failed', has_file: false }, false, false],
    [{ status: 'pending_upload' }, false, false],
    [{ status: 'processing' }, true, false],
  ] as [Partial<Doc>, boolean, boolean][])('%o: download %s, reprocess %s', (over, download, again) => {
    expect(hasFile(doc(over))).toBe(download);
    expect(canReprocess(doc(over))).toBe(again);
  });
});
