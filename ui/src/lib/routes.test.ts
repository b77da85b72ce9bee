import { describe, expect, it } from 'vitest';
import { HOME, allows, matchPattern, resolve, safeNext, withQuery, type Access } from './routes';

describe('routes', () => {
  it('matches patterns with parameters', () => {
    expect(matchPattern('/documents/:id', '/documents/abc123')).toEqual({ id: 'abc123' });
    expect(matchPattern('/documents/:id', '/documents/a%20b')).toEqual({ id: 'a b' });
    expect(matchPattern('/documents/:id', '/documents')).toBeNull();
    expect(matchPattern('/documents/:id', '/documents/%E0%A4%A')).toBeNull();
    expect(matchPattern('/settings', '/settings/')).toEqual({});
  });
  it('resolves every screen, and unknown paths to not found', () => {
    expect(resolve('/sign-in').route.name).toBe('sign-in');
    expect(resolve('/documents/x1').route.name).toBe('document');
    expect(resolve('/documents/x1').params.id).toBe('x1');
    expect(resolve('/documents/x1/source').route).toMatchObject({ name: 'source', access: 'user', title: 'Source' });
    expect(resolve('/documents/x1/source').params.id).toBe('x1');
    expect(resolve('/chat').route.name).toBe('chat');
    expect(resolve('/chat/c1').params.id).toBe('c1');
    expect(resolve('/parts').route).toMatchObject({ name: 'parts', access: 'user', title: 'Parts' });
    expect(resolve('/settings').route.name).toBe('settings-users');
    expect(resolve('/settings/audit').route.access).toBe('admin');
    expect(resolve('/nope').route.name).toBe('not-found');
  });
  it('admits managers and admins to Usage, and leaves the IT view to its own sign-in', () => {
    expect(resolve('/usage').route).toMatchObject({ name: 'usage', access: 'manager' });
    expect(resolve('/usage/reports').route).toMatchObject({ name: 'usage-reports', access: 'manager' });
    expect(resolve('/it').route).toMatchObject({ name: 'it', access: 'it' });
    const roles = ['admin', 'manager', 'member', null] as const;
    const want: Record<Access, boolean[]> = {
      public: [true, true, true, true],
      it: [true, true, true, true],
      user: [true, true, true, false],
      manager: [true, true, false, false],
      admin: [true, false, false, false],
    };
    for (const [access, expected] of Object.entries(want) as [Access, boolean[]][]) {
      expect(roles.map((r) => allows(access, r)), access).toEqual(expected);
    }
    expect(allows('manager', 'superuser')).toBe(false);
  });
  it('only follows local ?next= targets', () => {
    expect(safeNext('/documents?q=x')).toBe('/documents?q=x');
    for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', '/api/collections', '/_/', '', null]) {
      expect(safeNext(bad)).toBe(HOME);
    }
  });
  it('builds query strings from what is set', () => {
    expect(withQuery('/documents', { q: 'brake pads', status: '', page: 2, tag: undefined })).toBe('/documents?q=brake+pads&page=2');
    expect(withQuery('/documents', {})).toBe('/documents');
  });
});
