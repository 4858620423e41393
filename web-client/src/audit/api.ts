// The audit view's reads over HTTP (server/README.md "Routes"): a past state, an entity's
// history, the server's chain check, and the log page by page. Each call needs the session
// cookie and is filtered by the server's visibility rules, so what comes back is what this
// reader may see. Errors are values: `{ ok: false, status, message }`.
import type { Actor, PageMsg, State } from '../sync';
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

/** `&as_org=X`: an auditor's read as a plain member of org X would get it. */
const as_param = (as_org: string | null | undefined) => (as_org ? `&as_org=${encodeURIComponent(as_org)}` : '');

/** A past state's form: `light` is the skeleton (protocol/README.md, "Rooms and the light
 * snapshot"; threads and the detail text come from `/api/thread`), `full` the whole state. */
export type PastView = 'light' | 'full';

/** `/api/state?<point>[&view=light]`; an a4pd without the light past view refuses `view`
 * (400): then the whole state. */
async function past(point: string, view: PastView, seq: number, f: Fetch): Promise<Result<State>> {
  let r = await get_json<Partial<State>>(`/api/state?${point}${view === 'light' ? '&view=light' : ''}`, f);
  if (!r.ok && r.status === 400 && view === 'light') r = await get_json<Partial<State>>(`/api/state?${point}`, f);
  return r.ok ? { ok: true, value: normalize_state(r.value, seq) } : r;
}

/** The workspace as it was after event `seq`, as this reader (or org `as_org`) may see it. */
export function state_at(seq: number, as_org: string | null = null, f: Fetch = browser_fetch, view: PastView = 'full'): Promise<Result<State>> {
  return past(`at=${seq}${as_param(as_org)}`, view, seq, f);
}

/** The workspace just after the last event at or before `instant` (RFC 3339 with an offset);
 * its `seq` says which event that was. Servers without `at_time` answer 400. */
export function state_at_time(instant: string, as_org: string | null = null, f: Fetch = browser_fetch, view: PastView = 'full'): Promise<Result<State>> {
  return past(`at_time=${encodeURIComponent(instant)}${as_param(as_org)}`, view, 0, f);
}

/** Where a page of a room starts: its latest page, or the page before a cursor. */
export type PageCursor = { before: number } | { reports_before: number } | null;

/** One page of a room at a past point (`GET /api/thread`), as the WebSocket's `page` has it
 * (first page: the latest comments, a pledge's latest reports, `entity` and `opinions`). */
export async function thread_page(
  room: string,
  at: number,
  as_org: string | null,
  cursor: PageCursor,
  limit: number,
  f: Fetch = browser_fetch,
): Promise<Result<PageMsg>> {
  const c = cursor ? ('before' in cursor ? `&before=${cursor.before}` : `&reports_before=${cursor.reports_before}`) : '';
  const r = await get_json<Omit<PageMsg, 'type'>>(`/api/thread?room=${encodeURIComponent(room)}&at=${at}${c}&limit=${limit}${as_param(as_org)}`, f);
  return r.ok ? { ok: true, value: { ...r.value, type: 'page' } } : r;
}

export type FieldChange = { from: unknown; to: unknown } | { added: unknown[]; removed: unknown[] };

export interface HistoryEvent {
  seq: number;
  ts: string;
  actor: Actor;
  name: string;
  entity: string;
  data: Record<string, unknown>;
  redacted?: boolean;
  /** A scalar field's change is {from, to}; a list-valued field's is the items {added, removed}. */
  changes: Record<string, FieldChange>;
}
export interface History {
  entity: string;
  head: number;
  events: HistoryEvent[];
  /** Present when there are more: the `after` of the next page. */
  next?: number;
}

/** An entity's history up to seq `upto`, following the server's pages (`next`). */
export async function history(entity: string, upto: number, as_org: string | null = null, f: Fetch = browser_fetch): Promise<Result<History>> {
  const events: HistoryEvent[] = [];
  let after = 0;
  for (;;) {
    const page = after ? `&after=${after}` : '';
    const r = await get_json<History>(`/api/history?entity=${encodeURIComponent(entity)}${page}${as_param(as_org)}`, f);
    if (!r.ok) return r;
    events.push(...r.value.events);
    const next = r.value.next;
    if (next === undefined || next <= after || next >= upto) return { ok: true, value: { ...r.value, events } };
    after = next;
  }
}

export interface ServerVerify {
  ok: boolean;
  head: number;
  hash: string;
  first_bad_seq?: number;
  problem?: string;
}
export const server_verify = (f: Fetch = browser_fetch) => get_json<ServerVerify>('/api/audit/verify', f);

/** What this a4pd's reads support beyond `at` (protocol/README.md): `at_time` and, for
 * auditors, `as_org`. Probed with requests a server that knows the parameter must refuse
 * (`at` with `at_time`: 400; an org code that cannot exist: 400 or 404) and a server that does
 * not know it answers 200, having ignored it, so that an older a4pd is never taken to have
 * answered a question it did not read. */
export interface ServerFeatures {
  at_time: boolean;
  as_org: boolean;
}
export async function server_features(f: Fetch = browser_fetch): Promise<ServerFeatures> {
  const refused = async (url: string) => {
    try {
      const r = await f(url);
      return r.status === 400 || r.status === 404;
    } catch {
      return false;
    }
  };
  const [at_time, as_org] = await Promise.all([
    refused('/api/state?at=0&at_time=2000-01-01T00:00:00Z'),
    refused('/api/state?at=0&as_org=-.-'),
  ]);
  return { at_time, as_org };
}

/** A signed checkpoint (docs/audit.md, "Step 3"): the statement {epoch, hash, seq, time}
 * plus the signer's fingerprint and the Ed25519 signature, both lowercase hex. */
export interface Checkpoint {
  epoch: string;
  seq: number;
  hash: string;
  time: string;
  key: string;
  signature: string;
  event_seq?: number;
}
export interface Checkpoints {
  public_key: string | null;
  fingerprint: string | null;
  checkpoints: Checkpoint[];
}
/** Servers without signed checkpoints answer 404. */
export const checkpoints = (f: Fetch = browser_fetch) => get_json<Checkpoints>('/api/audit/checkpoints', f);

/** GET /api/audit/timeline (auditors and the Secretariat): the time of every `step`-th event
 * and of the head, and every marked event, so that the scrubber needs no download of the log. */
export interface TimelineIndex {
  head: number;
  step: number;
  points: { seq: number; ts: string }[];
  markers: { seq: number; ts: string; name: string; entity: string }[];
}
export const timeline_index = (f: Fetch = browser_fetch) => get_json<TimelineIndex>('/api/audit/timeline', f);

/** The time of the event at `seq` as this reader sees it (null: withheld from this reader, or
 * no such event). */
export async function event_time(seq: number, f: Fetch = browser_fetch): Promise<string | null> {
  if (seq < 1) return null;
  const r = await f(`/api/events?after=${seq - 1}&limit=1`);
  if (!r.ok) return null;
  const line = (await r.text()).split('\n').find((l) => l.length > 0);
  if (!line) return null;
  const e = JSON.parse(line) as LogLine;
  return e.seq === seq && !e.withheld && e.ts ? e.ts : null;
}

export interface EventPage {
  /** The lines exactly as served (an export keeps them byte for byte). */
  raw: string[];
  events: LogLine[];
  head: number;
}

/** The log from seq `after + 1` up to the head as it was at the first page, in pages of `limit`. */
export async function* event_pages(
  opts: { after?: number; limit?: number; signal?: AbortSignal; as_org?: string | null } = {},
  f: Fetch = browser_fetch,
): AsyncGenerator<EventPage, void, void> {
  let after = opts.after ?? 0;
  const limit = opts.limit ?? 10000;
  let head = Infinity;
  while (after < head) {
    const r = await f(`/api/events?after=${after}&limit=${limit}${as_param(opts.as_org)}`, opts.signal ? { signal: opts.signal } : {});
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
