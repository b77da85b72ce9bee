import { describe, expect, it } from 'vitest';
import {
  EXAMPLE_QUESTIONS,
  SSEParser,
  archivedFilter,
  conversationSearchPath,
  mergeThread,
  sourceLabel,
  titleFrom,
} from './chat';

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
});

describe('conversation search', () => {
  it('filters the list by the archive flag only', () => {
    expect(archivedFilter()).toBe('archived = false');
    expect(archivedFilter(true)).toBe('archived = true');
  });
  it('searches on the server, the text encoded', () => {
    expect(conversationSearchPath('  ')).toBe('');
    expect(conversationSearchPath(' Bremsbeläge & 1K0" ')).toBe('/api/chat/conversations?q=Bremsbel%C3%A4ge+%26+1K0%22');
    expect(conversationSearchPath('pads', true)).toBe('/api/chat/conversations?q=pads&archived=true');
  });
});

describe('mergeThread', () => {
  const m = (id: string, content = id) => ({ id, content });
  it('keeps the streamed answer and what is on its way', () => {
    const server = [m('q1'), m('a1', 'saved so far')];
    const local = [m('q1'), m('a1', 'streamed further'), { ...m('tmp-q-1'), sending: true }, m('tmp-a-1')];
    expect(mergeThread(server, local, 'a1')).toEqual([m('q1'), m('a1', 'streamed further'), { ...m('tmp-q-1'), sending: true }, m('tmp-a-1')]);
  });
  it('takes the server\'s version otherwise and drops stale local messages', () => {
    expect(mergeThread([m('q1', 'server')], [m('q1', 'local'), m('gone')])).toEqual([m('q1', 'server')]);
  });
  it('keeps an answer this tab finished after the server read the thread', () => {
    const server = [{ id: 'a1', content: 'Line 01', updated: '2026-12-07 10:00:00.100Z' }];
    const local = [{ id: 'a1', content: 'Line 01 … Line 40', updated: '2026-12-07 10:00:00.900Z' }];
    expect(mergeThread(server, local)).toEqual(local);
    expect(mergeThread(local, server)).toEqual(local);
  });
  it('keeps the exchange being sent that the server did not list yet', () => {
    // the thread was read before the question was stored, the stream had named it already
    const local = [m('q1'), m('q2'), m('a2', 'streaming')];
    expect(mergeThread([m('q1')], local, 'a2', ['q2'])).toEqual([m('q1'), m('q2'), m('a2', 'streaming')]);
  });
});

describe('example questions', () => {
  it('offers three or four', () => {
    expect(EXAMPLE_QUESTIONS.length).toBeGreaterThanOrEqual(3);
    expect(EXAMPLE_QUESTIONS.length).toBeLessThanOrEqual(4);
  });
});

describe('titleFrom', () => {
  it('takes one short line', () => {
    expect(titleFrom('  What fits\nthe Golf?  ')).toBe('What fits the Golf?');
    expect(titleFrom('x'.repeat(80))).toHaveLength(60);
  });
});
