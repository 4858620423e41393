// The public site's URLs: /public[/<lang>]/<page>[/<id>], real paths (a4pd serves index.html
// for every page, with that page's title and link-preview tags), stable and shareable. The
// optional language segment (one of the six UN languages) sets the page's language and is kept
// in every link, so that a link can be shared per language (issue 17).
import { signal } from '@preact/signals';
import { is_locale, type Locale } from '../i18n';

export type PublicPage = 'overview' | 'theme' | 'pledge' | 'org' | 'orgs' | 'coverage' | 'data' | 'not_found';
export interface PublicRoute {
  page: PublicPage;
  id: string | null;
  lang: Locale | null;
}

export function parse_public_path(path: string): PublicRoute {
  const parts = path.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return '\u0000';
    }
  });
  if (parts[0] !== 'public') return { page: 'not_found', id: null, lang: null };
  let rest = parts.slice(1);
  let lang: Locale | null = null;
  if (is_locale(rest[0])) {
    lang = rest[0];
    rest = rest.slice(1);
  }
  const [page, id, extra] = rest;
  const bad: PublicRoute = { page: 'not_found', id: null, lang };
  if (extra !== undefined) return bad;
  if (page === undefined) return { page: 'overview', id: null, lang };
  if ((page === 'orgs' || page === 'coverage' || page === 'data') && id === undefined) return { page, id: null, lang };
  if ((page === 'theme' || page === 'pledge' || page === 'org') && id && /^[A-Za-z0-9._:-]{1,64}$/.test(id))
    return { page, id, lang };
  return bad;
}

/** The language named by a /public/<lang>/... path, if any. */
export const url_locale = (path: string): Locale | null => parse_public_path(path).lang;

export function public_href(page: PublicPage, id: string | null = null, lang: Locale | null = current.value.lang): string {
  const base = lang ? `/public/${lang}` : '/public';
  if (page === 'overview' || page === 'not_found') return base;
  return id ? `${base}/${page}/${encodeURIComponent(id)}` : `${base}/${page}`;
}

export const current = signal<PublicRoute>({ page: 'overview', id: null, lang: null });

let sync = () => {};

/** Goes to a /public path (a history push), as a click on a link to it would. */
export function navigate(path: string) {
  if (path !== location.pathname) history.pushState(null, '', path);
  sync();
}

/** Follows the address bar, and turns clicks on same-site /public links into history pushes. */
export function install_public_router() {
  sync = () => {
    current.value = parse_public_path(location.pathname);
  };
  sync();
  addEventListener('popstate', sync);
  document.addEventListener('click', (ev) => {
    const a = (ev.target as Element | null)?.closest?.('a');
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith('/public') || url.pathname.startsWith('/public/api/'))
      return;
    ev.preventDefault();
    navigate(url.pathname);
    scrollTo(0, 0);
    document.getElementById('main')?.focus();
  });
}
