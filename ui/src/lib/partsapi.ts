import { pb } from './pb';
import type { PartsApi } from './parts.svelte';
import type { LookupResult, PartImport, PartPrice, PriceMapping } from './types';

/**
 * The parts routes and collections (hooks/parts) through the PocketBase SDK.
 * Imported only by the lazily loaded parts screens, so none of it is in the
 * first page's bundle.
 */
export const partsApi: PartsApi = {
  lookup: (q) => pb.send<LookupResult>('/api/parts/lookup', { method: 'GET', query: { q } }),

  prices: (partId) =>
    pb.collection('part_prices').getFullList<PartPrice>({
      filter: pb.filter('part = {:id}', { id: partId }),
      sort: '-valid_from,-id',
      expand: 'document',
    }),

  latestImport: async (docId) => {
    const res = await pb.collection('part_imports').getList<PartImport>(1, 1, {
      filter: pb.filter('document = {:id}', { id: docId }),
      sort: '-created,-id',
    });
    return res.items[0] ?? null;
  },

  subscribeImports: (docId, fn) =>
    pb.collection('part_imports').subscribe<PartImport>('*', (e) => fn(e.action, e.record), {
      filter: pb.filter('document = {:id}', { id: docId }),
    }),

  saveMapping: (docId, mapping: PriceMapping) =>
    pb.send<{ import: string }>(`/api/documents/${encodeURIComponent(docId)}/parts/mapping`, {
      method: 'POST',
      body: { mapping },
    }),
};
