/**
 * The app's routes and a tiny path matcher. Paths are real URLs (history
 * API), served by the binary's SPA fallback, so links can be bookmarked and
 * opened in a new tab.
 */

export type RouteName =
  | 'sign-in'
  | 'forgot-password'
  | 'set-password'
  | 'welcome'
  | 'chat'
  | 'documents'
  | 'document'
  | 'source'
  | 'parts'
  | 'settings-users'
  | 'settings-tenant'
  | 'settings-audit'
  | 'usage'
  | 'usage-reports'
  | 'it'
  | 'not-found';

/**
 * Who may open a route: anyone; any signed-in tenant user; managers and
 * admins; tenant admins only. 'it' is the IT view, which has a sign-in of its
 * own (superusers) and stays outside the tenant session.
 */
export type Access = 'public' | 'user' | 'manager' | 'admin' | 'it';

export interface RouteDef {
  name: RouteName;
  pattern: string;
  access: Access;
  title: string;
}

export const ROUTES: RouteDef[] = [
  { name: 'sign-in', pattern: '/sign-in', access: 'public', title: 'Sign in' },
  { name: 'forgot-password', pattern: '/forgot-password', access: 'public', title: 'Forgot password' },
  { name: 'set-password', pattern: '/set-password', access: 'public', title: 'Set your password' },
  { name: 'welcome', pattern: '/welcome', access: 'admin', title: 'Welcome' },
  // /chat/:id is a conversation
  { name: 'chat', pattern: '/chat', access: 'user', title: 'Chat' },
  { name: 'chat', pattern: '/chat/:id', access: 'user', title: 'Chat' },
  { name: 'documents', pattern: '/documents', access: 'user', title: 'Documents' },
  { name: 'document', pattern: '/documents/:id', access: 'user', title: 'Document' },
  // where an answer's source opens: ?row= of a table, ?page= of a PDF (lib/sources.ts)
  { name: 'source', pattern: '/documents/:id/source', access: 'user', title: 'Source' },
  { name: 'parts', pattern: '/parts', access: 'user', title: 'Parts' },
  { name: 'settings-users', pattern: '/settings', access: 'admin', title: 'Users · Settings' },
  { name: 'settings-users', pattern: '/settings/users', access: 'admin', title: 'Users · Settings' },
  { name: 'settings-tenant', pattern: '/settings/tenant', access: 'admin', title: 'Dealership · Settings' },
  { name: 'settings-audit', pattern: '/settings/audit', access: 'admin', title: 'Audit log · Settings' },
  { name: 'usage', pattern: '/usage', access: 'manager', title: 'Usage' },
  { name: 'usage-reports', pattern: '/usage/reports', access: 'manager', title: 'Reports · Usage' },
  { name: 'it', pattern: '/it', access: 'it', title: 'Usage of all dealerships · IT' },
];

/**
 * Whether a tenant user with role may open a route of the given access level.
 * (Public and IT routes do not depend on the tenant session at all.)
 */
export function allows(access: Access, role: string | null | undefined): boolean {
  switch (access) {
    case 'public':
    case 'it':
      return true;
    case 'user':
      return !!role;
    case 'manager':
      return role === 'manager' || role === 'admin';
    case 'admin':
      return role === 'admin';
  }
}

/** Where a signed-in person lands. */
export const HOME = '/chat';

export interface Match {
  route: RouteDef;
  params: Record<string, string>;
}

export const NOT_FOUND: RouteDef = { name: 'not-found', pattern: '', access: 'public', title: 'Not found' };

/** Matches a pattern such as "/documents/:id" against a path; params are decoded. */
export function matchPattern(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) {
      let v: string;
      try {
        v = decodeURIComponent(s[i]);
      } catch {
        return null;
      }
      params[p[i].slice(1)] = v;
    } else if (p[i] !== s[i]) {
      return null;
    }
  }
  return params;
}

export function resolve(path: string): Match {
  if (path === '/' || path === '') return { route: { name: 'chat', pattern: '/', access: 'user', title: '' }, params: {} };
  for (const route of ROUTES) {
    const params = matchPattern(route.pattern, path);
    if (params) return { route, params };
  }
  return { route: NOT_FOUND, params: {} };
}

/** A safe in-app redirect target from ?next=, else HOME: only local paths. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/api') || next.startsWith('/_')) {
    return HOME;
  }
  return next;
}

/** Builds a path with a query string from non-empty values. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
