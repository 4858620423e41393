// The REST side of administration and invitations (server/README.md, "Administration"):
// what is not an act in the log (session figures, sign out everywhere) or must never be in it
// (one-time links and passwords). Acts on organisations and users go through command() in
// store.ts. Every call is same-origin JSON (the server refuses other content types and
// foreign origins); every answer is a value, never a throw.

import type { CommandArgs } from '../sync/commands';
import type { SessionInfo } from './views/admin/model';

export type ApiResult<T> = { ok: true; body: T } | { ok: false; status: number; code: string; message: string };

/** The paths, in one place (server/README.md). */
export const admin_routes = {
  users: '/api/admin/users',
  sign_out_everywhere: (user: string) => `/api/admin/users/${encodeURIComponent(user)}/signout`,
  invite: (user: string) => `/api/admin/users/${encodeURIComponent(user)}/invite`,
  reset: (user: string) => `/api/admin/users/${encodeURIComponent(user)}/reset`,
  accept: '/api/invite/accept',
  /** The public projection (anonymous, served by a4pd from its public snapshot). */
  public_state: '/public/api/state.json',
};

async function call<T>(method: string, path: string, body?: unknown, cache: RequestCache = 'default'): Promise<ApiResult<T>> {
  let r: Response;
  try {
    r = await fetch(path, {
      method,
      cache,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, code: 'unreachable', message: 'The server cannot be reached. Try again in a moment.' };
  }
  let parsed: unknown = null;
  try {
    parsed = await r.json();
  } catch {
    parsed = null;
  }
  if (r.ok) return { ok: true, body: parsed as T };
  const e = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
  return { ok: false, status: r.status, code: e?.code ?? `http_${r.status}`, message: e?.message ?? `HTTP ${r.status}` };
}

/** A time as the server writes it (unix seconds, or RFC 3339) -> RFC 3339, or null. */
export function iso_time(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v * 1000).toISOString();
  return typeof v === 'string' && v ? v : null;
}

interface UserListRow {
  id: string;
  last_sign_in: number | string | null;
  /** Stored sessions (signed-in browsers or a4pctl), and open sockets now. */
  sessions: number;
  connections: number;
  disabled: boolean;
}

/** Every user's last sign-in and open sessions, keyed by id. */
export async function user_sessions(): Promise<ApiResult<Record<string, SessionInfo>>> {
  const r = await call<{ users: UserListRow[] }>('GET', admin_routes.users);
  if (!r.ok) return r;
  const out: Record<string, SessionInfo> = {};
  for (const u of r.body?.users ?? [])
    out[u.id] = { last_sign_in: iso_time(u.last_sign_in), open_sessions: u.sessions, connections: u.connections, disabled: u.disabled };
  return { ok: true, body: out };
}

/** Ends every session of `user`; their open pages are signed out at once. */
export const sign_out_everywhere = (user: string) => call<{ sessions?: number }>('POST', admin_routes.sign_out_everywhere(user), {});

/** A one-time link, as the server returns it once. */
export interface OneTimeLink {
  /** The whole link to send, e.g. https://host/invite#<token>. */
  url: string;
  /** RFC 3339. */
  expires: string | null;
}

interface LinkBody {
  /** "/invite#<token>": the token in the fragment, which no browser sends to a server. */
  link?: string;
  expires?: number | string;
}

function to_link(b: LinkBody): OneTimeLink {
  return { url: new URL(b.link ?? '', location.origin).href, expires: iso_time(b.expires) };
}

async function link_call(path: string): Promise<ApiResult<OneTimeLink>> {
  const r = await call<LinkBody>('POST', path, {});
  return r.ok ? { ok: true, body: to_link(r.body ?? {}) } : r;
}

/** An invitation link for a user without a password yet. */
export const invite_link = (user: string) => link_call(admin_routes.invite(user));
/** A reset link: the user sets a new password through it. */
export const reset_link = (user: string) => link_call(admin_routes.reset(user));

/** Sets the password through a one-time link; on success the server set the session cookie. */
export const accept_invite = (token: string, password: string) =>
  call<{ user: { id: string } }>('POST', admin_routes.accept, { token, password });

/** The seven switchable categories of the public dashboard (protocol/README.md, public.configure). */
export type PublicCategory = CommandArgs['public.configure']['category'];
export const public_categories: readonly PublicCategory[] = ['themes', 'commitments', 'champions', 'gaps', 'actions', 'rounds', 'counts'];

/** Which categories the public dashboard shows now, as its own projection says (the workspace
 * state does not carry them). */
export async function public_settings(): Promise<ApiResult<Record<PublicCategory, boolean>>> {
  // Revalidated (ETag), never the copy the browser may hold for max-age: it may predate a switch.
  const r = await call<{ categories?: Partial<Record<PublicCategory, boolean>> }>('GET', admin_routes.public_state, undefined, 'no-cache');
  if (!r.ok) return r;
  const c = r.body?.categories ?? {};
  return { ok: true, body: Object.fromEntries(public_categories.map((k) => [k, c[k] !== false])) as Record<PublicCategory, boolean> };
}
