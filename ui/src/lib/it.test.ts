import { describe, expect, it } from 'vitest';
import { TabAuthStore, itSignInMessage } from './it.svelte';

class MemoryStorage {
  data = new Map<string, string>();
  get length() {
    return this.data.size;
  }
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
  removeItem(k: string) {
    this.data.delete(k);
  }
  clear() {
    this.data.clear();
  }
  key(i: number) {
    return [...this.data.keys()][i] ?? null;
  }
}

// a token whose payload is {"exp": 4102444800} (year 2100), unsigned: the store only reads it
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.' + btoa(JSON.stringify({ exp: 4102444800, type: 'auth' })).replace(/=+$/, '') + '.sig';

describe('the IT session store', () => {
  it('keeps the superuser in its own key of the tab storage, apart from the tenant session', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    storage.setItem('pocketbase_auth', 'tenant session');
    const a = new TabAuthStore('counterpart_it_auth', storage);
    expect(a.isValid).toBe(false);
    a.save(TOKEN, { id: 's1', collectionName: '_superusers', email: 'it@x' } as never);
    expect(storage.getItem('counterpart_it_auth')).toContain('it@x');
    // a new tab view (reload) finds it again
    const b = new TabAuthStore('counterpart_it_auth', storage);
    expect(b.isValid).toBe(true);
    expect(b.isSuperuser).toBe(true);
    b.clear();
    expect(storage.getItem('counterpart_it_auth')).toBeNull();
    expect(storage.getItem('pocketbase_auth')).toBe('tenant session');
  });
  it('drops a damaged entry', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    storage.setItem('counterpart_it_auth', '{not json');
    const a = new TabAuthStore('counterpart_it_auth', storage);
    expect(a.isValid).toBe(false);
    expect(storage.getItem('counterpart_it_auth')).toBeNull();
  });
  it('says what a refused sign-in means', () => {
    expect(itSignInMessage({ status: 400 })).toMatch(/not an IT \(superuser\) account/);
    expect(itSignInMessage({ status: 0 })).toMatch(/cannot be reached/);
    expect(itSignInMessage({ status: 429 })).toMatch(/Too many/);
  });
});
