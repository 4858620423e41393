// The view layer's bridge to the sync engine: Preact signals mirroring one SyncClient
// (status, state, user, presence, pending commands) and the session calls (sign in/out).
// Single-threaded (browser event loop). Views read signals and call command(); nothing else
// in the UI talks to the network.

import { signal } from '@preact/signals';
import { is_locale, lang, on_user_choice, set_locale, t } from '../i18n';

import { SyncClient } from '../sync';
import { focus_request } from './router';
import type { Actor, ConnectionStatus, EventMsg, QueuedCommand, RoomView, RunCommand, SocketLike, State, WelcomeUser } from '../sync';

export const status = signal<ConnectionStatus>('connecting');
export const state = signal<State | null>(null);
export const me = signal<WelcomeUser | null>(null);
export const presence = signal<Record<string, Actor[]>>({});
/** The server gave the light view: the state is the skeleton plus the rooms joined (ADR 0508). */
export const light = signal(false);
/** The rooms joined or still held (light sessions: cursors for "load earlier"). */
export const rooms = signal<Record<string, RoomView>>({});
export const pending = signal(0);
/** Commands not yet acknowledged (sent or waiting for the connection), oldest first. */
export const outbox = signal<readonly QueuedCommand[]>([]);
/** Whether the server answered (welcome) since the connection was last lost: until then a
 * reconnect attempt is shown as offline, never as "catching up" (app.tsx, shown_status). */
export const reached = signal(false);
/** null: not known yet (probing the session cookie). */
export const signed_in = signal<boolean | null>(null);

let client: SyncClient | null = null;
const event_listeners = new Set<(ev: EventMsg) => void>();

/** Every live event as it is applied (for data kept beside the state: report_history.ts). */
export function on_event(fn: (ev: EventMsg) => void): () => void {
  event_listeners.add(fn);
  return () => event_listeners.delete(fn);
}
const user_key = 'a4p.user';

async function auth_probe(): Promise<boolean> {
  const r = await fetch('/api/events?after=0&limit=1', { credentials: 'same-origin' });
  return r.status !== 401;
}

function ws_url(): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws`;
}

function session_storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The light view (ADR 0508), unless `localStorage['a4p.view']` is "full": a switch for
 * measuring before and after on the same server (e2e/perf/rooms_perf.mjs), not a setting. */
function requested_view(): 'light' | 'full' {
  try {
    return window.localStorage.getItem('a4p.view') === 'full' ? 'full' : 'light';
  } catch {
    return 'light';
  }
}

/** A gzip frame (ADR 0213) to its text, by the browser's own inflater. */
async function inflate_gzip(data: unknown): Promise<string> {
  const body = data instanceof Blob ? data : new Blob([data as ArrayBuffer]);
  const stream = body.stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

function get_client(): SyncClient {
  if (client) return client;
  client = new SyncClient({
    url: ws_url(),
    socket_factory: (url, protocol) => {
      const ws = new WebSocket(url, protocol);
      ws.binaryType = 'arraybuffer';
      return ws as unknown as SocketLike;
    },
    storage: session_storage(),
    auth_probe,
    view: requested_view(),
    inflate: typeof DecompressionStream === 'function' ? inflate_gzip : null,
  });
  client.subscribe((e) => {
    switch (e.kind) {
      case 'status':
        if (e.status === 'offline' || e.status === 'signed_out') reached.value = false;
        status.value = e.status;
        if (e.status === 'signed_out') signed_in.value = false;
        break;
      case 'state':
        state.value = e.state;
        follow_language_preference();
        break;
      case 'event':
        for (const fn of event_listeners) fn(e.event);
        break;
      case 'welcome':
        light.value = client?.light ?? false;
        reached.value = true;
        me.value = e.user;
        session_storage()?.setItem(user_key, e.user.id);
        break;
      case 'presence':
        presence.value = { ...presence.value, [e.room]: e.members };
        break;
      case 'rooms':
        rooms.value = e.rooms;
        break;
      case 'queue':
        pending.value = e.pending;
        outbox.value = [...(client?.pending ?? [])];
        break;
      default:
        break;
    }
  });
  pending.value = client.pending.length;
  outbox.value = [...client.pending];
  return client;
}

// ---- the UI language, remembered per user by the server (user.set_preference) ----

/** The server's value last applied, so that a later snapshot does not undo a newer local choice. */
let applied_preference: string | null | undefined;

/** Follows the signed-in user's language preference as the log holds it, when it changes. */
function follow_language_preference(): void {
  const user = me.value;
  const pref = (user && state.value?.users[user.id]?.lang) ?? null;
  if (!user || pref === applied_preference) return;
  applied_preference = pref;
  if (is_locale(pref) && pref !== lang.value) void set_locale(pref, false);
}

// A language picked in the menu is sent as the user's preference (auditors send no commands:
// theirs stays in this browser).
on_user_choice((l) => {
  const user = me.value;
  if (!user || !signed_in.value || user.roles.includes('auditor')) return;
  if ((state.value?.users[user.id]?.lang ?? null) === l) return;
  void command('user.set_preference', { lang: l });
});

/** Called once at start: reuse the session cookie if it is still valid. */
export async function boot(): Promise<void> {
  let ok = false;
  try {
    ok = await auth_probe();
  } catch {
    ok = true; // server unreachable: try the socket, which keeps retrying
  }
  signed_in.value = ok;
  if (ok) get_client().start();
  else status.value = 'signed_out';
}

/** Returns an error message, or null on success. */
export async function sign_in(username: string, password: string): Promise<string | null> {
  let r: Response;
  try {
    r = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    return t('signin.unreachable');
  }
  if (r.status === 401) return t('signin.wrong');
  // The body also holds the token (for clients that are not browsers); this client never reads
  // it: the HttpOnly cookie is its only credential, out of reach of script.
  if (r.status === 429 || r.status === 503) {
    const wait = r.headers.get('Retry-After');
    return wait ? t('signin.throttled_wait', { s: Number(wait) }) : t('signin.throttled');
  }
  if (!r.ok) return t('signin.failed', { status: r.status });
  session_started(username);
  return null;
}

/** The server has just set a session cookie for `username` (sign-in, or an accepted
 * invitation): connect as that user. */
export function session_started(username: string): void {
  const c = get_client();
  // The same user signing in again (an expired session) keeps state and the outbox, so
  // nothing typed while signed out is lost; another user starts from nothing.
  if ((c.user?.id ?? session_storage()?.getItem(user_key)) !== username) {
    c.reset();
    state.value = null;
    me.value = null;
    presence.value = {};
    rooms.value = {};
  }
  applied_preference = undefined;
  focus_request.pending = true;
  signed_in.value = true;
  c.start();
}

export async function sign_out(): Promise<void> {
  try {
    // a4pd refuses a cookie-authenticated DELETE that is not application/json (login CSRF
    // hardening, ADR 0303).
    await fetch('/api/session', {
      method: 'DELETE',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
    });
  } catch {
    /* signing out locally anyway */
  }
  get_client().reset();
  state.value = null;
  me.value = null;
  rooms.value = {};
  signed_in.value = false;
  status.value = 'signed_out';
}

/** Sends a command (name and args checked against `CommandArgs` at compile time). */
export const command: RunCommand = (name, args) => get_client().command(name, args);
export function join(room: string): void {
  get_client().join(room);
}

/** Asks for the page before the earliest held; false when there is none or one is on its way. */
export function load_earlier(room: string, what: 'comments' | 'reports' = 'comments'): boolean {
  return get_client().load_earlier(room, what);
}

export function leave(room: string): void {
  get_client().leave(room);
  const p = { ...presence.value };
  delete p[room];
  presence.value = p;
}
