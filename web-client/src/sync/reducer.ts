// The one reducer: folds an a4p.v1 event into the workspace state, exactly as
// protocol/README.md ("Events and their data", "State") describes. Pure and synchronous; it
// never mutates its input (the touched map and entity are copied), so views can compare by
// reference. Unknown event names leave the state as it was apart from `seq`.

import type {
  Action,
  Comment,
  Discussion,
  EventMsg,
  Indicator,
  Pledge,
  Report,
  State,
  StateMap,
} from './types';
import { state_maps } from './types';
import { bump_thread } from './threads';
import type { ThinKinds } from './skeleton';
import { thin_discussion, thin_gap, thin_pledge } from './skeleton';

export interface ReduceContext {
  /** Secretariat and auditors keep hidden comment bodies; everyone else drops them. */
  privileged: boolean;
  /** Light sessions: whether a room is joined. A pledge whose room is not joined keeps only its
   * latest report (the skeleton's rule). Absent: every report is kept (whole state). */
  room_joined?: (room: string) => boolean;
  /** Light sessions on a thin skeleton (ADR 0512): the kinds whose detail text is stripped from
   * events on targets whose room is not joined. Absent: nothing is stripped. */
  thin?: ThinKinds;
}

export function empty_state(): State {
  const s: Record<string, unknown> = { seq: 0 };
  for (const m of state_maps) s[m] = {};
  return s as unknown as State;
}

/** Fills in maps a snapshot may leave out, so views never meet `undefined`. */
export function normalize_state(raw: Partial<State>, seq: number): State {
  const s = { ...empty_state(), ...raw } as State;
  for (const m of state_maps) if (!s[m] || typeof s[m] !== 'object') (s as any)[m] = {};
  s.seq = typeof raw.seq === 'number' ? raw.seq : seq;
  return s;
}

type Data = Record<string, unknown>;

const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const num = (v: unknown, d = 0): number => (typeof v === 'number' ? v : d);
const str_or_null = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

function entity_id(ev: EventMsg, data: Data): string {
  if (typeof data.id === 'string') return data.id;
  const i = ev.entity.indexOf(':');
  return i >= 0 ? ev.entity.slice(i + 1) : ev.entity;
}

function put<M extends StateMap>(s: State, map: M, id: string, value: State[M][string]): State {
  return { ...s, [map]: { ...s[map], [id]: value } };
}

function remove(s: State, map: StateMap, id: string): State {
  const copy = { ...s[map] };
  delete copy[id];
  return { ...s, [map]: copy };
}

function merge_changes<T extends object>(
  s: State,
  map: StateMap,
  id: string,
  data: Data,
  extra: Partial<T> = {},
): State {
  const cur = (s[map] as Record<string, T>)[id];
  if (!cur) return s;
  const changes = (data.changes && typeof data.changes === 'object' ? data.changes : {}) as Data;
  const next = { ...cur, ...changes, ...extra } as T & { version?: number };
  if (typeof data.version === 'number') next.version = data.version;
  else if (typeof (cur as { version?: number }).version === 'number')
    next.version = ((cur as { version?: number }).version ?? 0) + 1;
  return put(s, map, id, next as never);
}

/** A language tag of written content as an entity member: only when the event has one (older
 * events: unknown language, no member), as the server's entity JSON does. */
function tag(v: unknown, key = 'lang'): Record<string, string> {
  return typeof v === 'string' && v ? { [key]: v } : {};
}

/** The report a `pledge.progress_reported` event adds (status and progress default to the
 * pledge's, when given). */
export function report_of(ev: EventMsg, p?: Pick<Pledge, 'status' | 'progress'>): Report {
  const data = (ev.data ?? {}) as Data;
  return {
    seq: ev.seq,
    ts: ev.ts,
    by: ev.actor.user,
    round: str_or_null(data.round),
    status: str(data.status, p?.status ?? 'planned') as Report['status'],
    progress: num(data.progress, p?.progress ?? 0),
    note: str(data.note),
    evidence: arr<string>(data.evidence),
    impact_note: str_or_null(data.impact_note),
    attribution: (data.attribution as Report['attribution']) ?? null,
    ...tag(data.lang),
  };
}

/** Applies one event. REQUIRES: ev.seq > s.seq (the caller drops duplicates). */
export function apply_event(s: State, ev: EventMsg, ctx: ReduceContext): State {
  const data = (ev.data ?? {}) as Data;
  const id = entity_id(ev, data);
  const next = reduce_one(s, ev, data, id, ctx);
  return next === s ? { ...s, seq: ev.seq } : { ...thinned(next, ev, data, id, ctx), seq: ev.seq };
}

/** `s` after `ev` with the touched entity kept as thin as the skeleton when its room is not
 * joined, so that events never grow the skeleton back (ADR 0512). */
function thinned(s: State, ev: EventMsg, data: Data, id: string, ctx: ReduceContext): State {
  const thin = ctx.thin;
  if (!thin) return s;
  const joined = (room: string) => ctx.room_joined?.(room) ?? false;
  const kind = ev.name.slice(0, ev.name.indexOf('.'));
  if (kind === 'pledge' && thin.pledges && s.pledges[id] && !joined(`pledge:${id}`))
    return put(s, 'pledges', id, thin_pledge(s.pledges[id]!));
  if (kind === 'discussion' && thin.discussions && s.discussions[id] && !joined(`discussion:${id}`))
    return put(s, 'discussions', id, thin_discussion(s.discussions[id]!));
  if (kind === 'gap' && thin.gaps && s.gaps[id]) return put(s, 'gaps', id, thin_gap(s.gaps[id]!));
  if (ev.name === 'opinion.given' && thin.opinions && !joined(str(data.target))) return remove(s, 'opinions', id);
  return s;
}

function reduce_one(s: State, ev: EventMsg, data: Data, id: string, ctx: ReduceContext): State {
  switch (ev.name) {
    case 'theme.added':
      return put(s, 'themes', id, { id, name: str(data.name, id), note: str_or_null(data.note) });
    case 'org.added':
      return put(s, 'orgs', id, {
        id,
        name: str(data.name, id),
        kind: str(data.kind, 'member_state'),
        region: str_or_null(data.region),
        groups: arr<string>(data.groups),
        endorsed: data.endorsed !== false,
        version: 1,
      });
    case 'org.updated':
      return merge_changes(s, 'orgs', id, data);
    case 'user.added':
      return put(s, 'users', id, {
        id,
        name: str(data.name, id),
        org: str(data.org),
        role: str(data.role, 'member'),
        disabled: false,
        version: 1,
      });
    case 'user.role_changed':
      return merge_changes(s, 'users', id, { changes: { role: data.role } });
    case 'user.disabled':
    case 'user.enabled':
      return merge_changes(s, 'users', id, { changes: { disabled: ev.name === 'user.disabled' } });
    case 'user.preference_set':
      return merge_changes(s, 'users', id, { changes: { lang: str_or_null(data.lang) } });
    case 'commitment.added':
      return put(s, 'commitments', id, {
        id,
        theme: str(data.theme),
        number: num(data.number),
        title: str(data.title),
        responsibility: str(data.responsibility, 'shared'),
        version: num(data.version, 1),
      });
    case 'commitment.updated':
      return merge_changes(s, 'commitments', id, data);
    case 'pledge.created': {
      const p: Pledge = {
        id,
        org: str(data.org, ev.actor.org),
        theme: str(data.theme),
        title: str(data.title),
        description: str(data.description),
        output: (data.output as Indicator) ?? { indicator: '', target: '' },
        impact: (data.impact as Indicator | null) ?? null,
        commitment: str_or_null(data.commitment),
        actions: arr<string>(data.actions),
        due: str_or_null(data.due),
        version: num(data.version, 1),
        status: 'planned',
        progress: 0,
        reports: [],
        created_ts: ev.ts,
        updated_ts: ev.ts,
        ...tag(data.lang),
        published: false,
      };
      return put(s, 'pledges', id, p);
    }
    case 'pledge.updated':
      return merge_changes<Pledge>(s, 'pledges', id, data, { updated_ts: ev.ts });
    case 'pledge.progress_reported': {
      const p = s.pledges[id];
      if (!p) return s;
      const r = report_of(ev, p);
      const light = typeof p.report_count === 'number';
      const keep_all = !light || (ctx.room_joined?.(`pledge:${id}`) ?? true);
      // A room's page read from a state ahead of this event holds the report already.
      const held = (p.reports.at(-1)?.seq ?? 0) >= ev.seq;
      return put(s, 'pledges', id, {
        ...p,
        reports: held ? p.reports : keep_all ? [...p.reports, r] : [r],
        ...(light ? { report_count: (p.report_count ?? 0) + 1 } : {}),
        ...(p.round_reports && r.round
          ? { round_reports: { ...p.round_reports, [r.round]: { status: r.status, progress: r.progress, ts: r.ts } } }
          : {}),
        status: r.status,
        progress: r.progress,
        updated_ts: ev.ts,
      });
    }
    case 'pledge.published':
    case 'pledge.unpublished': {
      const p = s.pledges[id];
      return p ? put(s, 'pledges', id, { ...p, published: ev.name === 'pledge.published' }) : s;
    }
    case 'round.opened':
      return put(s, 'rounds', id, {
        id,
        name: str(data.name, id),
        closes: str(data.closes),
        state: 'open',
        opened_ts: ev.ts,
      });
    case 'round.closed': {
      const r = s.rounds[id];
      return r ? put(s, 'rounds', id, { ...r, state: 'closed' }) : s;
    }
    case 'gap.added':
      return put(s, 'gaps', id, {
        id,
        theme: str(data.theme),
        title: str(data.title),
        description: str(data.description),
        version: num(data.version, 1),
      });
    case 'gap.updated':
      return merge_changes(s, 'gaps', id, data);
    case 'action.added':
      return put(s, 'actions', id, {
        id,
        theme: str(data.theme),
        title: str(data.title),
        kind: str(data.kind, 'concrete'),
        gap: str_or_null(data.gap),
        due: str_or_null(data.due),
        taken_up_by: [],
        version: num(data.version, 1),
      });
    case 'action.updated':
      return merge_changes(s, 'actions', id, data);
    case 'action.taken_up': {
      const a: Action | undefined = s.actions[id];
      const org = str(data.org, ev.actor.org);
      if (!a || a.taken_up_by.includes(org)) return s;
      return put(s, 'actions', id, { ...a, taken_up_by: [...a.taken_up_by, org] });
    }
    case 'discussion.convened': {
      const d: Discussion = {
        id,
        theme: str(data.theme),
        title: str(data.title),
        agenda: str(data.agenda),
        visibility: str(data.visibility, 'open'),
        invitees: arr<string>(data.invitees),
        convener: str(data.convener, ev.actor.org),
        state: 'open',
        outcome: null,
        created_ts: ev.ts,
        version: 1,
        ...tag(data.lang),
      };
      return put(s, 'discussions', id, d);
    }
    case 'discussion.locked': {
      const d = s.discussions[id];
      return d ? put(s, 'discussions', id, { ...d, state: 'locked', version: d.version + 1 }) : s;
    }
    case 'discussion.closed': {
      const d = s.discussions[id];
      if (!d) return s;
      return put(s, 'discussions', id, {
        ...d,
        state: 'closed',
        outcome: str_or_null(data.outcome),
        version: d.version + 1,
        ...tag(data.lang, 'outcome_lang'),
      });
    }
    case 'comment.posted': {
      const c: Comment = {
        id,
        target: str(data.target),
        author: ev.actor.user,
        org: ev.actor.org,
        reply_to: str_or_null(data.reply_to),
        hidden: false,
        hidden_reason: null,
        edited: false,
        ts: ev.ts,
        version: 1,
        ...tag(data.lang),
      };
      if (typeof data.body === 'string') c.body = data.body;
      else c.redacted = true;
      const had = !!s.comments[id];
      const next = put(s, 'comments', id, c);
      return had ? next : bump_thread(next, c.target, (t) => ({ count: t.count + 1, last_seq: ev.seq, last_ts: ev.ts }));
    }
    case 'comment.edited': {
      const c = s.comments[id];
      if (!c) return s;
      const n: Comment = { ...c, edited: true, version: c.version + 1 };
      delete n.lang; // an edit retags (or leaves the new text untagged), as the server does
      Object.assign(n, tag(data.lang));
      if (typeof data.body === 'string') {
        n.body = data.body;
        delete n.redacted;
      }
      return put(s, 'comments', id, n);
    }
    case 'comment.hidden': {
      const c = s.comments[id];
      if (!c) return s;
      const n: Comment = { ...c, hidden: true, version: c.version + 1 };
      const counted = c.hidden ? s : bump_thread(s, c.target, (t) => ({ ...t, count: Math.max(0, t.count - 1) }));
      if (ctx.privileged) {
        n.hidden_reason = str_or_null(data.reason);
      } else {
        delete n.body;
        delete n.hidden_reason;
        n.redacted = true;
      }
      return put(counted, 'comments', id, n);
    }
    case 'comment.restored': {
      const c = s.comments[id];
      if (!c) return s;
      const n: Comment = { ...c, hidden: false, hidden_reason: null, version: c.version + 1 };
      if (typeof data.body === 'string') {
        n.body = data.body;
        delete n.redacted;
      }
      const counted = c.hidden ? bump_thread(s, c.target, (t) => ({ ...t, count: t.count + 1 })) : s;
      return put(counted, 'comments', id, n);
    }
    case 'opinion.given':
      return put(s, 'opinions', id, {
        id,
        org: ev.actor.org,
        target: str(data.target),
        position: str(data.position, 'support'),
        text: str(data.text),
        by: ev.actor.user,
        ts: ev.ts,
        ...tag(data.lang),
      });
    case 'champion.assigned':
      return put(s, 'champions', id, {
        id,
        org: str(data.org),
        theme: str(data.theme),
        offer: str_or_null(data.offer),
      });
    case 'champion.withdrawn':
      return remove(s, 'champions', id);
    default:
      return s;
  }
}

/** True when a restored comment came back without its body (the reader had it redacted),
 * so only a fresh snapshot can show it again. */
export function restore_needs_snapshot(before: State, ev: EventMsg): boolean {
  if (ev.name !== 'comment.restored') return false;
  const data = (ev.data ?? {}) as Data;
  const c = before.comments[entity_id(ev, data)];
  return !!c && typeof c.body !== 'string' && typeof data.body !== 'string';
}
