// Hash routing ("#/pledge/P3"): works under a4pd's index.html fallback and from a file
// server alike. `route` is a signal the app re-renders from.
import { signal } from '@preact/signals';

export interface Route {
  name: 'overview' | 'deliverables' | 'theme' | 'pledge' | 'discussion' | 'rounds' | 'mine' | 'not_found';
  id: string | null;
}

export function parse_route(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [head, id] = parts;
  switch (head) {
    case undefined:
    case '':
      return { name: 'overview', id: null };
    case 'deliverables':
    case 'mine':
      return { name: head, id: null };
    case 'rounds':
      return { name: 'rounds', id: id ?? null };
    case 'theme':
    case 'pledge':
    case 'discussion':
      return id ? { name: head, id } : { name: 'not_found', id: null };
    default:
      return { name: 'not_found', id: null };
  }
}

export const route = signal<Route>(parse_route(typeof location === 'undefined' ? '' : location.hash));

/** Set when the view changes because of the user (navigation, sign-in): the next page
 * heading takes focus. The first load leaves focus where the browser puts it. */
export const focus_request = { pending: false };

export function install_router(): void {
  window.addEventListener('hashchange', () => {
    focus_request.pending = true;
    route.value = parse_route(location.hash);
  });
}

export const href = {
  overview: () => '#/',
  deliverables: () => '#/deliverables',
  mine: () => '#/mine',
  rounds: (id?: string) => (id ? `#/rounds/${encodeURIComponent(id)}` : '#/rounds'),
  theme: (id: string) => `#/theme/${encodeURIComponent(id)}`,
  pledge: (id: string) => `#/pledge/${encodeURIComponent(id)}`,
  discussion: (id: string) => `#/discussion/${encodeURIComponent(id)}`,
  target: (t: string) => {
    const [k, id] = [t.slice(0, t.indexOf(':')), t.slice(t.indexOf(':') + 1)];
    return k === 'pledge' ? href.pledge(id) : k === 'discussion' ? href.discussion(id) : '#/';
  },
};
export type Hrefs = Pick<typeof href, 'overview' | 'deliverables' | 'rounds' | 'theme' | 'pledge' | 'discussion'>;
