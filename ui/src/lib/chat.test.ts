import { describe, expect, it } from 'vitest';
import { SSEParser, conversationFilter, sourceHref, sourceLabel, titleFrom } from './chat';

describe('SSEParser', () => {
  it('parses named events with JSON data', () => {
    const p = new SSEParser();
    expect(p.feed('event: start\ndata: {"message":"m1"}\n\nevent: delta\ndata: {"text":"Hi"}\n\n')).toEqual([
      { event: 'start', data: '{"message":"m1"}' },
      { event: 'delta', data: '{"text":"Hi"}' },
    ]);
  });

  it('handles any chunking, CRLF and a CR split across chunks', () => {
    const p = new SSEParser();
    const text = 'event: delta\r\ndata: {"text":"a"}\r\n\r\nevent: done\r\ndata: {}\r\n\r\n';
    const got = [];
    for (const ch of text) got.push(...p.feed(ch));
    expect(got).toEqual([
      { event: 'delta', data: '{"text":"a"}' },
      { event: 'done', data: '{}' },
    ]);
  });

  it('ignores comments, joins data lines, defaults the name', () => {
    const p = new SSEParser();
    expect(p.feed(': keep-alive\n\ndata: one\ndata:two\n\n')).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });

  it('delivers an unterminated last event at the end', () => {
    const p = new SSEParser();
    expect(p.feed('event: done\ndata: {"id":1}')).toEqual([]);
    expect(p.end()).toEqual([{ event: 'done', data: '{"id":1}' }]);
  });
});

describe('sources', () => {
  it('labels with page, sheet and row', () => {
    expect(sourceLabel({ document: 'd', title: 'Manual', page: 3 })).toBe('Manual (p. 3)');
    expect(sourceLabel({ document: 'd', title: 'Prices', sheet: 'Parts', row: 12 })).toBe('Prices (Parts, row 12)');
    expect(sourceLabel({ document: 'd', title: '' })).toBe('Document');
  });
  it('opens PDFs at the page', () => {
    expect(sourceHref('https://s3/x.pdf?sig=1', { document: 'd', title: 't', page: 4 }, 'application/pdf')).toBe(
      'https://s3/x.pdf?sig=1#page=4',
    );
    expect(sourceHref('https://s3/x.txt?sig=1', { document: 'd', title: 't' })).toBe('https://s3/x.txt?sig=1');
  });
});

describe('conversationFilter', () => {
  const bind = (e: string, p: Record<string, unknown>) => e.replaceAll('{:q}', JSON.stringify(p.q));
  it('is only the archive flag without a search', () => {
    expect(conversationFilter('  ', bind)).toBe('archived = false');
  });
  it('searches titles and message text, bound safely', () => {
    expect(conversationFilter('1K0" || true', bind)).toBe(
      'archived = false && (title ~ "1K0\\" || true" || messages_via_conversation.content ~ "1K0\\" || true")',
    );
  });
});

describe('titleFrom', () => {
  it('takes one short line', () => {
    expect(titleFrom('  What fits\nthe Golf?  ')).toBe('What fits the Golf?');
    expect(titleFrom('x'.repeat(80))).toHaveLength(60);
  });
});
