import { describe, expect, it, vi } from 'vitest';
import { UploadQueue, type PresignedUpload, type UploadApi, type UploadMeta } from './uploads.svelte';

const file = (name: string, size = 100) => new File([new Uint8Array(size)], name, { type: 'text/plain' });

/** A fake store: each PUT waits until the test lets it finish (or aborts). */
function fakeApi() {
  const puts = new Map<string, { progress: (n: number, t: number) => void; finish: () => void; fail: (e: unknown) => void }>();
  const calls: string[] = [];
  let n = 0;
  const api: UploadApi = {
    start: vi.fn(async (f: File, meta: UploadMeta): Promise<PresignedUpload> => {
      calls.push(`start ${f.name}${meta.category ? ` as ${meta.category}` : ''}`);
      if (f.name.endsWith('.exe')) {
        throw { status: 400, response: { message: 'Check the highlighted fields.', data: { type: { message: 'EXE files are not allowed.' } } } };
      }
      return { document: { id: `doc${++n}` }, upload: { url: `/put/${f.name}`, method: 'PUT', headers: {}, expires: '' } };
    }),
    put: (target, f, onProgress, signal) =>
      new Promise<void>((resolve, reject) => {
        calls.push(`put ${f.name}`);
        signal.addEventListener('abort', () => reject({ status: 0, isAbort: true }));
        puts.set(f.name, { progress: onProgress, finish: resolve, fail: reject });
        void target;
      }),
    complete: vi.fn(async (id: string) => {
      calls.push(`complete ${id}`);
      if (id === 'doc-bad') throw { status: 422, response: { message: 'The file is not TXT.' } };
    }),
    discard: vi.fn(async (id: string) => {
      calls.push(`discard ${id}`);
    }),
  };
  return { api, puts, calls };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('UploadQueue', () => {
  it('runs at most `concurrency` uploads at once, reports progress and completes each', async () => {
    const { api, puts, calls } = fakeApi();
    const q = new UploadQueue(api, 2);
    const said: string[] = [];
    q.onChange = (m) => said.push(m);
    const [a, b, c] = q.add([file('a.txt'), file('b.txt'), file('c.txt')]);
    await flush();
    expect(a.state).toBe('uploading');
    expect(b.state).toBe('uploading');
    expect(c.state).toBe('queued');
    expect(q.activeCount).toBe(3);

    puts.get('a.txt')!.progress(50, 100);
    expect(a.percent).toBe(50);
    puts.get('a.txt')!.finish();
    await flush();
    await flush();
    expect(a.state).toBe('done');
    expect(a.percent).toBe(100);
    expect(c.state).toBe('uploading'); // the freed slot went to the next file
    puts.get('b.txt')!.finish();
    puts.get('c.txt')!.finish();
    await flush();
    await flush();
    expect([a.state, b.state, c.state]).toEqual(['done', 'done', 'done']);
    expect(calls.filter((x) => x.startsWith('complete'))).toEqual(['complete doc1', 'complete doc2', 'complete doc3']);
    expect(said).toContain('a.txt uploaded.');
    q.clearFinished();
    expect(q.items).toHaveLength(0);
  });

  it('cancels an upload in flight and removes its half-made document', async () => {
    const { api, calls } = fakeApi();
    const q = new UploadQueue(api);
    const [a] = q.add([file('a.txt')]);
    await flush();
    expect(a.state).toBe('uploading');
    q.cancel(a);
    await flush();
    expect(a.state).toBe('cancelled');
    expect(calls).toContain('discard doc1');
    expect(calls).not.toContain('complete doc1');
  });

  it('cancels a queued upload without touching the server', async () => {
    const { api, calls } = fakeApi();
    const q = new UploadQueue(api, 1);
    const [, b] = q.add([file('a.txt'), file('b.txt')]);
    q.cancel(b);
    await flush();
    expect(b.state).toBe('cancelled');
    expect(calls.some((x) => x.includes('b.txt'))).toBe(false);
  });

  it('shows the server\'s field message when an upload is refused', async () => {
    const { api } = fakeApi();
    const q = new UploadQueue(api);
    const [u] = q.add([file('virus.exe')]);
    await flush();
    await flush();
    expect(u.state).toBe('failed');
    expect(u.error).toBe('EXE files are not allowed.');
  });

  it('discards the record when the PUT fails, keeps it when the server marked it failed', async () => {
    const { api, puts, calls } = fakeApi();
    const q = new UploadQueue(api);
    const [a] = q.add([file('a.txt')]);
    await flush();
    puts.get('a.txt')!.fail({ status: 403, response: { message: 'The upload link was refused or has expired. Try again.' } });
    await flush();
    await flush();
    expect(a.state).toBe('failed');
    expect(a.error).toMatch(/refused or has expired/);
    expect(calls).toContain('discard doc1');

    (api.start as ReturnType<typeof vi.fn>).mockResolvedValueOnce({
      document: { id: 'doc-bad' },
      upload: { url: '/put/b.txt', method: 'PUT', headers: {}, expires: '' },
    });
    const [b] = q.add([file('b.txt')]);
    await flush();
    puts.get('b.txt')!.finish();
    await flush();
    await flush();
    expect(b.state).toBe('failed');
    expect(b.error).toBe('The file is not TXT.');
    expect(calls).not.toContain('discard doc-bad');
  });
  it('starts each upload with the category its name suggests, and none when it suggests none', async () => {
    const { api, calls } = fakeApi();
    const q = new UploadQueue(api, 3);
    const [p, n] = q.add([file('Preisliste_2026.csv'), file('notes.txt')]);
    await flush();
    expect(p.category).toBe('price_list');
    expect(n.category).toBe('');
    expect(calls).toContain('start Preisliste_2026.csv as price_list');
    expect(calls).toContain('start notes.txt');
    expect(api.start).toHaveBeenCalledWith(n.file, {});
  });
});
