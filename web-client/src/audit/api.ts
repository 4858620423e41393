// The audit view's reads over HTTP (server/README.md "Routes"): a past state, an entity's
// history, the server's chain check, and the log page by page. Each call needs the session
// cookie and is filtered by the server's visibility rules, so what comes back is what this
// reader may see. Errors are values: `{ ok: false, status, message }`.
import type { Actor, State } from '../sync';
import { normalize_state } from '../sync';
import type { LogLine } from './chain';

export type Result<T> = { ok: true; value: T } | { ok: false; status: number; message: string };

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;
const browser_fetch: Fetch = (url, init) => fetch(url, { credentials: 'same-origin', ...init });

async function get_json<T>(url: string, f: Fetch): Promise<Result<T>> {
  let r: Response;
  try {
    r = await f(url);
  } catch {
    return { ok: false, status: 0, message: 'The server cannot be reached.' };
  }
  let body: unknown = null;
  try {
    body = await r.json();
  } catch {
    /* not JSON */
  }
  if (!r.ok && !(body && typeof body === 'object' && 'ok' in body)) {
    const err = (body as { error?: { message?: string } } | null)?.error?.message;
    return { ok: false, status: r.status, message: err ?? `HTTP ${r.status}` };
  }
  return { ok: true, value: body as T };
}

/** The workspace as it was after event `seq`, as this reader may see it. */
export async function state_at(seq: number, f: Fetch = browser_fetch): Promise<Result<State>> {
  const r = await get_json<Partial<State>>(`/api/state?at=${seq}`, f);
  return r.ok ? { ok: true, value: normalize_state(r.value, seq) } : r;
}

export interface HistoryEvent {
  seq: number;
  ts: string;
  actor: Actor;
  name: string;
  entity: string;
  data: Record<string, unknown>;
  redacted?: boolean;
  changes: Record<string, { from: unknown; to: unknown }>;
}
export interface History {
  entity: string;
  head: number;
  events: HistoryEvent[];
}

export const history = (entity: string, f: Fetch = browser_fetch) =>
  get_json<History>(`/api/history?entity=${encodeURIComponent(entity)}`, f);

export interface ServerVerify {
  ok: boolean;
  head: number;
  hash: string;
  first_bad_seq?: number;
  problem?: string;
}
export const server_verify = (f: Fetch = browser_fetch) => get_json<ServerVerify>('/api/audit/verify', f);

export interface EventPage {
  /** The lines exactly as served (an export keeps them byte for byte). */
  raw: string[];
  events: LogLine[];
  head: number;
}

/** The log from seq `after + 1` up to the head as it was at the first page, in pages of `limit`. */
export async function* event_pages(
  opts: { after?: number; limit?: number; signal?: AbortSignal } = {},
  f: Fetch = browser_fetch,
): AsyncGenerator<EventPage, void, void> {
  let after = opts.after ?? 0;
  const limit = opts.limit ?? 10000;
  let head = Infinity;
  while (after < head) {
    const r = await f(`/api/events?after=${after}&limit=${limit}`, opts.signal ? { signal: opts.signal } : {});
    if (!r.ok) throw new Error(`/api/events: HTTP ${r.status}`);
    const h = Number(r.headers.get('X-A4P-Head'));
    if (head === Infinity) head = Number.isFinite(h) ? h : after;
    const raw = (await r.text()).split('\n').filter((l) => l.length > 0);
    const events = raw.map((l) => JSON.parse(l) as LogLine);
    const kept = events.filter((e) => e.seq <= head);
    if (kept.length === 0) return;
    yield { raw: raw.slice(0, kept.length), events: kept, head };
    after = kept[kept.length - 1]!.seq;
  }
}
