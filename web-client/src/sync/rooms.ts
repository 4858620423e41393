// Rooms of a light session (protocol/README.md, "Rooms and the light snapshot"), pure: what a
// `page` or a `tick` does to the state, the join race rule, and dropping a room's contents.
// The light snapshot is the workspace's skeleton (no comments, each pledge's latest report,
// each discussion, pledge and action with its `thread`); a joined room adds that target's
// comments (and a pledge's reports) page by page. Like the reducer, nothing here mutates its
// input. The client (sync_client.ts) decides when each applies.

import { apply_event, type ReduceContext } from './reducer';
import { room_entity, with_thread } from './threads';
import { thin_target, type ThinKinds } from './skeleton';
import type { Comment, EventMsg, Opinion, PageMsg, Report, State, TickMsg } from './types';

/** Limits of the client side (ADR 0508). */
export const room_limits = {
  /** Comments (and reports) asked per page. */
  page: 50,
  /** A room left longer ago than this loses its comments and report pages... */
  keep_ms: 5 * 60_000,
  /** ...and so does any room left beyond this many most recently left ones. */
  keep_rooms: 8,
} as const;

/** A tick: only the thread changes (and seq). REQUIRES: tick.seq > s.seq. */
export function apply_tick(s: State, tick: TickMsg): State {
  return { ...with_thread(s, tick.room, tick.thread), seq: tick.seq };
}

function without_comments_of(s: State, room: string): Record<string, Comment> {
  const out: Record<string, Comment> = {};
  for (const [id, c] of Object.entries(s.comments)) if (c.target !== room) out[id] = c;
  return out;
}

function with_reports(s: State, room: string, f: (reports: Report[]) => Report[]): State {
  const e = room_entity(room);
  if (e?.map !== 'pledges') return s;
  const p = s.pledges[e.id];
  return p ? { ...s, pledges: { ...s.pledges, [e.id]: { ...p, reports: f(p.reports) } } } : s;
}

/** The first page's `entity` over the held one (ADR 0512): the page brings the fields the
 * skeleton leaves out; a field held is at least as new as the page (events kept while the page
 * was pending were applied in full), so the held value wins. Reports and thread: the page's. */
function with_entity(s: State, room: string, entity: Record<string, unknown>): State {
  const e = room_entity(room);
  const held = e ? (s[e.map][e.id] as object | undefined) : undefined;
  if (!e || !held) return s;
  const { reports: _r, thread: _t, ...detail } = entity;
  return { ...s, [e.map]: { ...s[e.map], [e.id]: { ...detail, ...held } } };
}

/** The first page's opinions on the room's target; one held is newer (an event since). */
function with_opinions(s: State, opinions: readonly Opinion[]): State {
  const next = { ...s.opinions };
  for (const o of opinions) if (typeof next[o.id]?.text !== 'string') next[o.id] = o;
  return { ...s, opinions: next };
}

/** The latest page after a join: the room's contents become the page's. */
export function apply_latest_page(s: State, page: PageMsg): State {
  let next: State = { ...s, comments: without_comments_of(s, page.room) };
  if (page.entity) next = with_entity(next, page.room, page.entity);
  if (page.opinions) next = with_opinions(next, page.opinions);
  for (const c of page.comments ?? []) next.comments[c.id] = c;
  if (page.reports) {
    const reports = page.reports;
    next = with_reports(next, page.room, () => reports);
  }
  if (page.thread) next = with_thread(next, page.room, page.thread);
  return next;
}

/** An earlier page ("load earlier"): its comments and reports go before those held. */
export function apply_earlier_page(s: State, page: PageMsg): State {
  let next = s;
  if (page.comments?.length) {
    const comments = { ...s.comments };
    // A comment held already is the newer copy (an event may have changed it since).
    for (const c of page.comments) if (!comments[c.id]) comments[c.id] = c;
    next = { ...next, comments };
  }
  const earlier = page.reports;
  if (earlier?.length)
    next = with_reports(next, page.room, (held) => {
      const first = held.length ? held[0]!.seq : Infinity;
      return [...earlier.filter((r) => r.seq < first), ...held];
    });
  return next;
}

/** Forgets a room's contents: its comments, and a pledge's reports but the latest; on a thin
 * skeleton the target goes back to the skeleton's form (ADR 0512). */
export function drop_room(s: State, room: string, thin?: ThinKinds): State {
  const next = { ...s, comments: without_comments_of(s, room) };
  const kept = with_reports(next, room, (r) => r.slice(-1));
  return thin ? thin_target(kept, room, thin) : kept;
}

/** The room whose contents `ev` changes (judged on `s`, the state it applies to), or null:
 * a comment's target, or the pledge of a report. */
export function event_room(s: State, ev: EventMsg): string | null {
  const data = (ev.data ?? {}) as Record<string, unknown>;
  if (ev.name === 'comment.posted') return typeof data.target === 'string' ? data.target : null;
  if (ev.name.startsWith('comment.')) {
    const id = typeof data.id === 'string' ? data.id : ev.entity.slice(ev.entity.indexOf(':') + 1);
    return s.comments[id]?.target ?? null;
  }
  return ev.name === 'pledge.progress_reported' ? ev.entity : null;
}

/** The join race (spec: "Client rule for the join race"): after the latest page replaced the
 * room, the events kept while it was pending whose seq is above the page's are applied to
 * the room's contents again; the rest of the state already has them, so seq stays. */
export function replay_kept(s: State, page: PageMsg, kept: readonly EventMsg[], ctx: ReduceContext): State {
  let next = s;
  for (const ev of kept) {
    if (ev.seq <= page.seq || event_room(next, ev) !== page.room) continue;
    if (ev.name === 'pledge.progress_reported') {
      // Only the report list is the room's; status, progress and report_count were applied.
      const after = apply_event(next, ev, { ...ctx, room_joined: () => true });
      const e = room_entity(page.room)!;
      const r = after.pledges[e.id]?.reports.at(-1);
      if (r) next = with_reports(next, page.room, (held) => (held.some((x) => x.seq === r.seq) ? held : [...held, r]));
      continue;
    }
    next = { ...apply_event(next, ev, ctx), seq: next.seq };
  }
  return next;
}
