import { resolve, type Match } from './routes';

/** The current location, kept in sync with the history API. */
class Router {
  path = $state(location.pathname);
  search = $state(location.search);
  match: Match = $derived(resolve(this.path));
  query: URLSearchParams = $derived(new URLSearchParams(this.search));

  constructor() {
    addEventListener('popstate', () => this.sync());
  }

  sync() {
    this.path = location.pathname;
    this.search = location.search;
  }

  navigate(to: string, opts: { replace?: boolean } = {}) {
    const url = new URL(to, location.origin);
    if (url.origin !== location.origin) {
      location.assign(to);
      return;
    }
    const target = url.pathname + url.search + url.hash;
    if (target === location.pathname + location.search + location.hash) return;
    if (opts.replace) history.replaceState(null, '', target);
    else history.pushState(null, '', target);
    this.sync();
  }
}

export const router = new Router();

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  router.navigate(to, opts);
}

/**
 * Follows clicks on same-origin links inside the app without reloading the
 * page; modified clicks (new tab, download) and external links behave as usual.
 */
export function interceptLinks(root: HTMLElement | Document = document) {
  root.addEventListener('click', (ev) => {
    const e = ev as MouseEvent;
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
    const href = a.getAttribute('href');
    if (!href || !href.startsWith('/') || href.startsWith('//') || href.startsWith('/api/') || href.startsWith('/_/')) return;
    e.preventDefault();
    navigate(href);
  });
}
