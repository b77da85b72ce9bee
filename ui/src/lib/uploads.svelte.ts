import { messageOf, fieldErrors } from './errors';
import { guessCategory } from './category';

/**
 * The upload queue. Each file goes straight to the store: the server mints a
 * presigned PUT URL (POST /api/documents/uploads), the browser PUTs the bytes
 * there with XHR (for progress and cancel), then tells the server it is done
 * (POST /api/documents/{id}/complete), which queues processing. A cancelled
 * upload deletes its document record, so nothing is left half-made.
 */

export type UploadState = 'queued' | 'starting' | 'uploading' | 'completing' | 'done' | 'failed' | 'cancelled';

export interface PresignedUpload {
  document: { id: string; title?: string };
  upload: { url: string; method: string; headers: Record<string, string>; expires: string };
}

/** What the upload says about the document when it starts; the person edits it later. */
export interface UploadMeta {
  category?: string;
}

/** What the queue needs from the outside world; the app passes the real one, tests a fake. */
export interface UploadApi {
  start(file: File, meta: UploadMeta): Promise<PresignedUpload>;
  put(
    target: PresignedUpload['upload'],
    file: File,
    onProgress: (loaded: number, total: number) => void,
    signal: AbortSignal,
  ): Promise<void>;
  complete(id: string): Promise<void>;
  discard(id: string): Promise<void>;
}

export class Upload {
  readonly key: number;
  readonly file: File;
  state = $state<UploadState>('queued');
  loaded = $state(0);
  error = $state('');
  docId = $state('');
  /** the category the file's name suggests ('' for none), sent with the start */
  readonly category: string;
  controller = new AbortController();

  constructor(key: number, file: File) {
    this.key = key;
    this.file = file;
    this.category = guessCategory(file.name);
  }

  get percent(): number {
    if (this.state === 'done' || this.state === 'completing') return 100;
    return this.file.size > 0 ? Math.min(100, Math.round((this.loaded / this.file.size) * 100)) : 0;
  }

  get active(): boolean {
    return this.state === 'queued' || this.state === 'starting' || this.state === 'uploading' || this.state === 'completing';
  }
}

export class UploadQueue {
  items = $state<Upload[]>([]);
  readonly concurrency: number;
  #api: UploadApi;
  #next = 1;
  #running = 0;
  /** called with a sentence when an upload finishes, fails or is cancelled */
  onChange: (message: string) => void = () => {};

  constructor(api: UploadApi, concurrency = 3) {
    this.#api = api;
    this.concurrency = concurrency;
  }

  get activeCount(): number {
    return this.items.filter((u) => u.active).length;
  }

  add(files: Iterable<File>): Upload[] {
    const added: Upload[] = [];
    for (const f of files) {
      const u = new Upload(this.#next++, f);
      added.push(u);
    }
    this.items = [...this.items, ...added];
    this.#pump();
    return added;
  }

  cancel(u: Upload) {
    if (!u.active) return;
    const wasQueued = u.state === 'queued';
    u.controller.abort();
    u.state = 'cancelled';
    this.onChange(`Upload of ${u.file.name} cancelled.`);
    if (!wasQueued && u.docId) this.#api.discard(u.docId).catch(() => {});
  }

  /** Removes finished, failed and cancelled uploads from the list. */
  clearFinished() {
    this.items = this.items.filter((u) => u.active);
  }

  #pump() {
    while (this.#running < this.concurrency) {
      const u = this.items.find((x) => x.state === 'queued');
      if (!u) return;
      this.#running++;
      this.#run(u).finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }

  async #run(u: Upload) {
    u.state = 'starting';
    try {
      const presigned = await this.#api.start(u.file, u.category ? { category: u.category } : {});
      u.docId = presigned.document.id;
      if (u.controller.signal.aborted) {
        await this.#api.discard(u.docId).catch(() => {});
        return;
      }
      u.state = 'uploading';
      await this.#api.put(presigned.upload, u.file, (loaded) => (u.loaded = loaded), u.controller.signal);
      if (u.controller.signal.aborted) return;
      u.state = 'completing';
      await this.#api.complete(u.docId);
      u.state = 'done';
      this.onChange(`${u.file.name} uploaded.`);
    } catch (err) {
      if (u.controller.signal.aborted || (u.state as UploadState) === 'cancelled') {
        u.state = 'cancelled';
        return;
      }
      u.state = 'failed';
      const fields = fieldErrors(err);
      u.error = fields.type || fields.size || fields.name || messageOf(err, 'The upload failed. Try again.');
      this.onChange(`Upload of ${u.file.name} failed: ${u.error}`);
      // a record whose upload did not finish would linger as "Uploading" until the clean-up
      if (u.docId && !keptByServer(err)) this.#api.discard(u.docId).catch(() => {});
    }
  }
}

// complete answers 422 after marking the document failed with a reason (keep it
// visible) and 409 when it was completed already
function keptByServer(err: unknown): boolean {
  const status = typeof err === 'object' && err !== null ? (err as { status?: number }).status : undefined;
  return status === 422 || status === 409;
}

/** PUTs a file to a presigned URL with XHR, reporting progress; rejects on abort or a non-2xx answer. */
export function xhrPut(
  target: PresignedUpload['upload'],
  file: File,
  onProgress: (loaded: number, total: number) => void,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method || 'PUT', target.url);
    for (const [k, v] of Object.entries(target.headers ?? {})) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve();
      } else {
        reject({ status: xhr.status, response: { message: storeMessage(xhr.status) } });
      }
    };
    xhr.onerror = () => reject({ status: 0, response: { message: 'The file store could not be reached. Check the network, then try again.' } });
    xhr.onabort = () => reject({ status: 0, isAbort: true });
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

function storeMessage(status: number): string {
  switch (status) {
    case 403:
      return 'The upload link was refused or has expired. Try again.';
    case 413:
      return 'The file is larger than the store accepts.';
  }
  return `The file store answered ${status}. Try again.`;
}
