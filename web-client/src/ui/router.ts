// Hash routing ("#/pledge/P3"): works under a4pd's index.html fallback and from a file
// server alike. `route` is a signal the app re-renders from.
import { signal } from '@preact/signals';

export interface Route {
  name:
    | 'overview'
    | 'deliverables'
    | 'theme'
    | 'pledge'
    | 'discussion'
    | 'rounds'
    | 'mine'
    | 'impact'
    | 'audit'
    | 'admin_orgs'
    | 'admin_users'
    | 'admin_public'
    | 'admin_org'
    | 'admin_user'
    | 'invite'
    | 'not_found';
  id: string | null;
  /** For `audit`: where in the log, and which page. */
  audit?: AuditRoute;
}

/** The pages of the workspace that the audit timeline shows read-only at a past point. */
export const past_pages = ['overview', 'deliverables', 'rounds', 'theme', 'pledge', 'discussion'] as const;
export type PastPage = (typeof past_pages)[number];
export type AuditPage = PastPage | 'history' | 'chain' | 'export' | 'impact';

/** `#/audit/at/<seq>[/as/<ORG>]/<page>[/<id>]` or `#/audit/on/<date or RFC 3339 time>[/as/<ORG>]/...`;
 * bare `#/audit` means "at the head" and is replaced by the head's seq once known.
 * `as/<ORG>` (auditors): the workspace as a plain member of that organisation saw it. */
export interface AuditRoute {
  at: number | null;
  on: string | null;
  as_org: string | null;
  page: AuditPage;
  id: string | null;
}

/** A point of the audit view: a seq, and whose view (null: the reader's own). */
export interface At {
  seq: number;
  as_org: string | null;
}

const audit_pages: readonly string[] = [...past_pages, 'history', 'chain', 'export', 'impact'];

function parse_audit(rest: string[]): Route {
  const bad: Route = { name: 'not_found', id: null };
  const [mode, point] = rest;
  let tail = rest.slice(2);
  let as_org: string | null = null;
  if (tail[0] === 'as') {
    if (!tail[1] || !/^[A-Za-z0-9._-]{1,16}$/.test(tail[1])) return bad;
    as_org = tail[1];
    tail = tail.slice(2);
  }
  const [page = 'overview', id = null] = tail;
  if (mode === undefined) return { name: 'audit', id: null, audit: { at: null, on: null, as_org, page: 'overview', id: null } };
  if (!audit_pages.includes(page)) return bad;
  const audit: AuditRoute = { at: null, on: null, as_org, page: page as AuditPage, id };
  if (mode === 'at' && point !== undefined && /^\d{1,15}$/.test(point)) audit.at = Number(point);
  else if (mode === 'on' && point !== undefined && !Number.isNaN(Date.parse(point))) audit.on = point;
  else return bad;
  if ((page === 'theme' || page === 'pledge' || page === 'discussion') && !id) return bad;
  return { name: 'audit', id: null, audit };
}

export function parse_route(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [head, id] = parts;
  if (head === 'audit') return parse_audit(parts.slice(1));
  switch (head) {
    case undefined:
    case '':
      return { name: 'overview', id: null };
    case 'deliverables':
    case 'mine':
    case 'impact':
      return { name: head, id: null };
    case 'rounds':
      return { name: 'rounds', id: id ?? null };
    case 'theme':
    case 'pledge':
    case 'discussion':
      return id ? { name: head, id } : { name: 'not_found', id: null };
    case 'admin':
      return parse_admin(parts.slice(1));
    default:
      return { name: 'not_found', id: null };
  }
}

function parse_admin([what, id]: string[]): Route {
  if (what === undefined || what === 'orgs') return { name: 'admin_orgs', id: null };
  if (what === 'users') return { name: 'admin_users', id: null };
  if (what === 'public') return { name: 'admin_public', id: null };
  if ((what === 'org' || what === 'user') && id) return { name: what === 'org' ? 'admin_org' : 'admin_user', id };
  return { name: 'not_found', id: null };
}

/** A one-time link is `/invite#<token>`: the token rides in the fragment, which browsers never
 * send to a server (no access log, no Referer holds it). Anything else is a hash route. */
export function parse_location(pathname: string, hash: string): Route {
  const token = hash.replace(/^#/, '');
  if (/\/invite$/.test(pathname) && token && !token.startsWith('/')) return { name: 'invite', id: token };
  return parse_route(hash);
}

export const route = signal<Route>(typeof location === 'undefined' ? parse_route('') : parse_location(location.pathname, location.hash));

/** Set when the view changes because of the user (navigation, sign-in): the next page
 * heading takes focus. The first load leaves focus where the browser puts it. */
export const focus_request = { pending: false };

let quiet = false;

export function install_router(): void {
  window.addEventListener('hashchange', () => {
    focus_request.pending = !quiet;
    quiet = false;
    route.value = parse_location(location.pathname, location.hash);
  });
}

/** Navigates without moving focus to the new page's heading (the audit scrubber keeps it). */
export function navigate_quietly(to: string): void {
  if (location.hash === to) return;
  quiet = true;
  location.hash = to;
}

export const href = {
  overview: () => '#/',
  deliverables: () => '#/deliverables',
  mine: () => '#/mine',
  impact: () => '#/impact',
  audit: () => '#/audit',
  rounds: (id?: string) => (id ? `#/rounds/${encodeURIComponent(id)}` : '#/rounds'),
  theme: (id: string) => `#/theme/${encodeURIComponent(id)}`,
  pledge: (id: string) => `#/pledge/${encodeURIComponent(id)}`,
  discussion: (id: string) => `#/discussion/${encodeURIComponent(id)}`,
  admin_orgs: () => '#/admin/orgs',
  admin_users: () => '#/admin/users',
  admin_public: () => '#/admin/public',
  admin_org: (id: string) => `#/admin/org/${encodeURIComponent(id)}`,
  admin_user: (id: string) => `#/admin/user/${encodeURIComponent(id)}`,
  target: (t: string) => {
    const [k, id] = [t.slice(0, t.indexOf(':')), t.slice(t.indexOf(':') + 1)];
    return k === 'pledge' ? href.pledge(id) : k === 'discussion' ? href.discussion(id) : '#/';
  },
};
export type Hrefs = Pick<typeof href, 'overview' | 'deliverables' | 'rounds' | 'theme' | 'pledge' | 'discussion'>;

/** The part of an audit URL after the point: `[/as/<ORG>][/<page>[/<id>]]`. */
export function audit_tail(as_org: string | null, page: AuditPage = 'overview', id: string | null = null): string {
  const as = as_org ? `/as/${encodeURIComponent(as_org)}` : '';
  return as + (page === 'overview' && !id ? '' : `/${page}${id ? `/${encodeURIComponent(id)}` : ''}`);
}

/** Audit links: every one carries the seq (and whose view), so a page can be cited. */
export function audit_href(at: number | At, page: AuditPage = 'overview', id: string | null = null): string {
  const { seq, as_org } = typeof at === 'number' ? { seq: at, as_org: null } : at;
  return `#/audit/at/${seq}${audit_tail(as_org, page, id)}`;
}

/** The workspace's links, staying at the same point of the log. */
export function past_hrefs(at: number | At): Hrefs {
  return {
    overview: () => audit_href(at),
    deliverables: () => audit_href(at, 'deliverables'),
    rounds: (id?: string) => audit_href(at, 'rounds', id ?? null),
    theme: (id: string) => audit_href(at, 'theme', id),
    pledge: (id: string) => audit_href(at, 'pledge', id),
    discussion: (id: string) => audit_href(at, 'discussion', id),
  };
}
