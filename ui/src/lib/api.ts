import { pb } from './pb';
import type { PresignedUpload, UploadApi } from './uploads.svelte';
import { xhrPut } from './uploads.svelte';
import type { Doc } from './types';
import type { InviteReply } from './mail';

/** Counterpart's custom routes (hooks/documents, hooks/tenancy). */

export function startUpload(file: File, meta: { title?: string; category?: string; tags?: string[] } = {}) {
  return pb.send<PresignedUpload>('/api/documents/uploads', {
    method: 'POST',
    body: { name: file.name, size: file.size, type: file.type, ...meta },
  });
}

export function completeUpload(id: string) {
  return pb.send<Doc>(`/api/documents/${encodeURIComponent(id)}/complete`, { method: 'POST' });
}

export function reprocess(id: string) {
  return pb.send<Doc>(`/api/documents/${encodeURIComponent(id)}/reprocess`, { method: 'POST' });
}

export async function downloadURL(id: string, inline = false): Promise<string> {
  const res = await pb.send<{ url: string }>(`/api/documents/${encodeURIComponent(id)}/download`, {
    method: 'GET',
    query: inline ? { inline: '1' } : {},
  });
  return res.url;
}

export function invite(body: { email: string; name: string; role: string }) {
  return pb.send<InviteReply>('/api/tenant/users/invite', { method: 'POST', body });
}

export const uploadApi: UploadApi = {
  start: (file, meta) => startUpload(file, meta),
  put: xhrPut,
  complete: async (id) => {
    await completeUpload(id);
  },
  discard: async (id) => {
    await pb.collection('documents').delete(id);
  },
};
