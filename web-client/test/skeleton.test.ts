// The thin skeleton (issue 18, ADR 0512): what a light snapshot leaves out is learned from it;
// a room's first page brings it back (`entity`, `opinions`); events on targets not joined do not
// grow the skeleton back; a dropped room is thinned again; a server whose skeleton keeps the
// text (an older a4pd) loses nothing.
import { describe, expect, it } from 'vitest';
import { thin_kinds_of, thin_pledge } from '../src/sync/skeleton';
import { normalize_state } from '../src/sync/reducer';
import { room_limits } from '../src/sync/rooms';
import type { Discussion, Pledge, State } from '../src/sync/types';
import { ev, harness, report, skeleton, thread, user } from './light_harness';

/** The fixture's skeleton as a thin server sends it. */
function thin_skeleton(seq: number) {
  const s = skeleton(seq);
  const discussions: Record<string, Discussion> = {};
  for (const [id, d] of Object.entries(s.discussions)) {
    const { agenda: _a, outcome: _o, ...rest } = d;
    discussions[id] = { ...rest, has_outcome: false } as Discussion;
  }
  const P1 = thin_pledge(s.pledges.P1 as unknown as Pledge);
  return { ...s, discussions, pledges: { P1 }, opinions: {} };
}

function live(state: object, seq = 10) {
  const h = harness();
  h.client.start();
  const s = h.last();
  s.open();
  s.recv({ type: 'welcome', user, epoch: 'E1', head: seq, mode: 'snapshot', view: 'light' }, { type: 'snapshot', seq, view: 'light', state });
  return { h, s, st: () => h.client.state! };
}

const full_report = { note: 'the note', evidence: ['https://example.org/e'], impact_note: 'impact!', attribution: { statement: 'ours', preexisting: true, confidence: 'high' } };
const entity_P1 = { ...skeleton(10).pledges.P1, description: 'The whole description', reports: [], report_count: 4 };

describe('thin skeleton', () => {
  it('is learned from the snapshot: fields missing on a kind make it thin; a whole skeleton is not', () => {
    expect(thin_kinds_of(normalize_state(thin_skeleton(1) as Partial<State>, 1), true)).toEqual({ pledges: true, discussions: true, gaps: false, opinions: true });
    expect(thin_kinds_of(normalize_state(skeleton(1) as unknown as Partial<State>, 1), true)).toEqual({ pledges: false, discussions: false, gaps: false, opinions: false });
    expect(thin_kinds_of(normalize_state(thin_skeleton(1) as Partial<State>, 1), false).pledges).toBe(false);
  });

  it('events on targets not joined leave the skeleton thin', () => {
    const { s, st } = live(thin_skeleton(10));
    s.recv(ev(11, 10, 'pledge.updated', { id: 'P1', changes: { title: 'New', description: 'long text' }, version: 2 }, 'pledge:P1'));
    expect(st().pledges.P1!.title).toBe('New');
    expect('description' in st().pledges.P1!).toBe(false);
    s.recv(ev(12, 11, 'pledge.progress_reported', { id: 'P1', status: 'on_track', progress: 60, ...full_report }, 'pledge:P1'));
    const r = st().pledges.P1!.reports;
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ seq: 12, progress: 60, has_impact_note: true, attribution: { preexisting: true, confidence: 'high' } });
    for (const k of ['note', 'evidence', 'impact_note']) expect(k in r[0]!).toBe(false);
    expect('statement' in r[0]!.attribution!).toBe(false);
    s.recv(ev(13, 12, 'pledge.created', { id: 'P2', theme: 'politics', title: 'P2', description: 'long', output: { indicator: 'i', target: 't' } }, 'pledge:P2'));
    expect(st().pledges.P2!.title).toBe('P2');
    expect('description' in st().pledges.P2!).toBe(false);
    s.recv(ev(14, 13, 'discussion.closed', { id: 'D1', outcome: 'agreed' }, 'discussion:D1'));
    expect(st().discussions.D1).toMatchObject({ state: 'closed', has_outcome: true });
    expect('outcome' in st().discussions.D1!).toBe(false);
    s.recv(ev(15, 14, 'opinion.given', { id: 'O1', target: 'pledge:P1', position: 'support', text: 'yes' }, 'opinion:O1'));
    expect(st().opinions).toEqual({});
    expect(st().seq).toBe(15);
  });

  it('a room brings the detail: the first page entity and opinions; events apply in full while joined; dropped, it is thin again', () => {
    const { h, s, st } = live(thin_skeleton(10));
    h.client.join('pledge:P1');
    const opinion = { id: 'O1', org: 'USA', target: 'pledge:P1', position: 'support', text: 'we support', by: 'usa.x', ts: 't' };
    s.recv({ type: 'page', room: 'pledge:P1', seq: 10, comments: [], before: null, reports: [{ ...report(8, 40), ...full_report }], reports_before: null, thread: thread(0), entity: entity_P1, opinions: [opinion] });
    expect(st().pledges.P1!.description).toBe('The whole description');
    expect(st().pledges.P1!.reports[0]!.note).toBe('the note');
    expect(st().pledges.P1!.report_count).toBe(4);
    expect(st().opinions.O1).toEqual(opinion);
    s.recv(ev(11, 10, 'pledge.updated', { id: 'P1', changes: { description: 'Edited' }, version: 2 }, 'pledge:P1'));
    expect(st().pledges.P1!.description).toBe('Edited');
    s.recv(ev(12, 11, 'opinion.given', { id: 'O2', target: 'pledge:P1', position: 'object', text: 'no' }, 'opinion:O2'));
    expect(st().opinions.O2!.text).toBe('no');
    // Left, then dropped (room_limits.keep_ms): back to the skeleton's form.
    h.client.leave('pledge:P1');
    h.advance(room_limits.keep_ms + 1);
    s.recv(ev(13, 12, 'theme.added', { id: 'T9', name: 'x' }, 'theme:T9'));
    h.client.join('discussion:D2');
    const p = st().pledges.P1!;
    expect('description' in p).toBe(false);
    expect(p.reports).toHaveLength(1);
    expect('note' in p.reports[0]!).toBe(false);
    expect(st().opinions).toEqual({});
  });

  it('join race: a change applied while the page was pending is newer than the page entity', () => {
    const { h, s, st } = live(thin_skeleton(10));
    h.client.join('pledge:P1');
    s.recv(ev(11, 10, 'pledge.updated', { id: 'P1', changes: { title: 'Newer' }, version: 2 }, 'pledge:P1'));
    s.recv({ type: 'page', room: 'pledge:P1', seq: 10, comments: [], before: null, reports: [], reports_before: null, thread: thread(0), entity: { ...entity_P1, title: 'Older', version: 1 } });
    expect(st().pledges.P1).toMatchObject({ title: 'Newer', version: 2, description: 'The whole description' });
  });

  it('a server whose skeleton keeps the text (an older a4pd) loses nothing', () => {
    const { s, st } = live(skeleton(10));
    s.recv(ev(11, 10, 'pledge.updated', { id: 'P1', changes: { description: 'kept' }, version: 2 }, 'pledge:P1'));
    s.recv(ev(12, 11, 'pledge.progress_reported', { id: 'P1', status: 'on_track', progress: 60, ...full_report }, 'pledge:P1'));
    s.recv(ev(13, 12, 'opinion.given', { id: 'O1', target: 'pledge:P1', position: 'support', text: 'yes' }, 'opinion:O1'));
    expect(st().pledges.P1!.description).toBe('kept');
    expect(st().pledges.P1!.reports[0]!.note).toBe('the note');
    expect(st().opinions.O1!.text).toBe('yes');
  });
});
