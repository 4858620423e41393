// The thin skeleton (issue 18, ADR 0512), pure. A light snapshot leaves out the text that only
// a detail view shows: a pledge's description, its latest report's note, evidence, impact note
// (`has_impact_note` says whether there is one) and attribution statement, a discussion's agenda
// and outcome (`has_outcome`), a gap's description, opinions' texts. The room's first page
// brings them back (`entity`, `opinions`: rooms.ts). Events are sent in full, so the reducer
// strips those fields again from a target whose room is not joined (else a long session would
// grow the skeleton back), and a dropped room is thinned as the skeleton has it.
//
// Which kinds are thin is learned from the snapshot itself: a server that keeps a field in
// the skeleton (an older a4pd, or a kind the server chose to keep) has it on every entity of
// that kind, and then nothing of that kind is stripped.

import type { Discussion, Gap, Opinion, Pledge, Report, State } from './types';

/** Kinds whose skeleton entities lack their detail text. */
export interface ThinKinds {
  pledges: boolean;
  discussions: boolean;
  gaps: boolean;
  /** Opinions are kept only for joined rooms (their texts come with the room's page). */
  opinions: boolean;
}

export const not_thin: ThinKinds = { pledges: false, discussions: false, gaps: false, opinions: false };

const lacks = <T extends object>(map: Record<string, T>, field: string): boolean =>
  Object.values(map).some((e) => !(field in e));

/** What a light snapshot left out (a whole state: nothing). With no entity of a kind to judge
 * by, the kind counts as thin when the pledges are (the same server cut both). */
export function thin_kinds_of(s: State, light: boolean): ThinKinds {
  if (!light) return not_thin;
  const judge = <T extends object>(map: Record<string, T>, field: string, fallback: boolean) =>
    Object.keys(map).length ? lacks(map, field) : fallback;
  const pledges = judge(s.pledges, 'description', judge(s.discussions, 'agenda', false));
  return {
    pledges,
    discussions: judge(s.discussions, 'agenda', pledges),
    gaps: judge(s.gaps, 'description', false),
    opinions: judge(s.opinions, 'text', pledges),
  };
}

/** A report as the skeleton carries it. */
export function thin_report(r: Report): Report {
  const { note: _n, evidence: _e, impact_note, attribution: a, ...rest } = r;
  return {
    ...rest,
    has_impact_note: impact_note !== undefined ? !!impact_note : r.has_impact_note ?? false,
    attribution: a ? { preexisting: a.preexisting, confidence: a.confidence } : null,
  };
}

/** A pledge as the skeleton carries it: no description, its latest report only, thinned. */
export function thin_pledge(p: Pledge): Pledge {
  const { description: _d, ...rest } = p;
  const last = p.reports.at(-1);
  return { ...rest, reports: last ? [thin_report(last)] : [] };
}

export function thin_discussion(d: Discussion): Discussion {
  const { agenda: _a, outcome, ...rest } = d;
  return { ...rest, has_outcome: outcome !== undefined ? !!outcome : d.has_outcome ?? false };
}

export function thin_gap(g: Gap): Gap {
  const { description: _d, ...rest } = g;
  return rest;
}

/** The state with `room`'s target thinned as the skeleton has it, and (thin opinions) its
 * opinions forgotten. Unchanged when nothing of that kind is thin. */
export function thin_target(s: State, room: string, thin: ThinKinds): State {
  const i = room.indexOf(':');
  const kind = room.slice(0, i);
  const id = room.slice(i + 1);
  let next = s;
  if (kind === 'pledge' && thin.pledges && s.pledges[id])
    next = { ...next, pledges: { ...next.pledges, [id]: thin_pledge(s.pledges[id]!) } };
  if (kind === 'discussion' && thin.discussions && s.discussions[id])
    next = { ...next, discussions: { ...next.discussions, [id]: thin_discussion(s.discussions[id]!) } };
  if (thin.opinions && Object.values(s.opinions).some((o) => o.target === room)) {
    const opinions: Record<string, Opinion> = {};
    for (const [k, o] of Object.entries(s.opinions)) if (o.target !== room) opinions[k] = o;
    next = { ...next, opinions };
  }
  return next;
}
