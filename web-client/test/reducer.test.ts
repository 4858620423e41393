// The reducer, one case per event kind of protocol/README.md, plus purity and redaction.
import { describe, expect, it } from 'vitest';
import { apply_event, empty_state, normalize_state } from '../src/sync/reducer';
import type { EventMsg, State } from '../src/sync/types';

let seq = 0;
function ev(name: string, entity: string, data: object, actor = { user: 'gbr.delegate', org: 'GBR' }): EventMsg {
  seq += 1;
  return { type: 'event', seq, prev: seq - 1, ts: `2026-01-0${(seq % 9) + 1}T00:00:00Z`, actor, name, entity, data: data as Record<string, unknown> };
}
const member = { privileged: false };
const secretariat = { privileged: true };
function run(events: EventMsg[], ctx = member, s: State = empty_state()): State {
  return events.reduce((acc, e) => apply_event(acc, e, ctx), s);
}

describe('reducer', () => {
  it('themes, orgs, users', () => {
    const s = run([
      ev('theme.added', 'theme:wps', { id: 'wps', name: 'WPS', note: 'spun out' }),
      ev('org.added', 'org:ETH', { id: 'ETH', name: 'Ethiopia', kind: 'member_state', region: 'AFR', groups: ['G10', 'TCC'], endorsed: true }),
      ev('org.updated', 'org:ETH', { id: 'ETH', changes: { groups: ['G10'] } }),
      ev('user.added', 'user:eth.delegate', { id: 'eth.delegate', name: 'Eth', org: 'ETH', role: 'member' }),
      ev('user.role_changed', 'user:eth.delegate', { id: 'eth.delegate', role: 'auditor' }),
    ]);
    expect(s.themes.wps).toEqual({ id: 'wps', name: 'WPS', note: 'spun out' });
    expect(s.orgs.ETH).toMatchObject({ region: 'AFR', groups: ['G10'], version: 2, endorsed: true });
    expect(s.users['eth.delegate']).toMatchObject({ org: 'ETH', role: 'auditor', version: 2 });
    expect(s.seq).toBe(seq);
  });

  it('user.disabled and user.enabled flip the account and count as versions', () => {
    const s = run([
      ev('user.added', 'user:eth.delegate', { id: 'eth.delegate', name: 'Eth', org: 'ETH', role: 'member' }),
      ev('user.disabled', 'user:eth.delegate', { id: 'eth.delegate' }),
    ]);
    expect(s.users['eth.delegate']).toMatchObject({ disabled: true, role: 'member', version: 2 });
    const t = run([ev('user.enabled', 'user:eth.delegate', { id: 'eth.delegate' })], member, s);
    expect(t.users['eth.delegate']).toMatchObject({ disabled: false, version: 3 });
    expect(s.users['eth.delegate']?.disabled).toBe(true); // pure: the old state is untouched
  });

  it('commitments, gaps, actions', () => {
    const s = run([
      ev('commitment.added', 'commitment:CM1', { id: 'CM1', theme: 'politics', number: 1, title: 'T', responsibility: 'shared', version: 1 }),
      ev('commitment.updated', 'commitment:CM1', { id: 'CM1', changes: { title: 'T2' }, version: 2 }),
      ev('gap.added', 'gap:G1', { id: 'G1', theme: 'politics', title: 'g', description: 'd', version: 1 }),
      ev('gap.updated', 'gap:G1', { id: 'G1', changes: { description: 'd2' }, version: 2 }),
      ev('action.added', 'action:A1', { id: 'A1', theme: 'politics', title: 'a', kind: 'concrete', gap: 'G1', due: null, version: 1 }),
      ev('action.updated', 'action:A1', { id: 'A1', changes: { due: '2026-12-31' }, version: 2 }),
      ev('action.taken_up', 'action:A1', { id: 'A1', org: 'BGD' }),
      ev('action.taken_up', 'action:A1', { id: 'A1', org: 'BGD' }),
    ]);
    expect(s.commitments.CM1).toMatchObject({ title: 'T2', version: 2, number: 1 });
    expect(s.gaps.G1).toMatchObject({ description: 'd2', version: 2 });
    expect(s.actions.A1).toMatchObject({ gap: 'G1', due: '2026-12-31', version: 2, taken_up_by: ['BGD'] });
  });

  it('pledges: create, update (merge + version), progress reports', () => {
    const s = run([
      ev('pledge.created', 'pledge:P1', {
        id: 'P1', org: 'GBR', theme: 'politics', title: 'Workshop', description: 'd',
        output: { indicator: 'workshops held', target: '2' }, impact: null, commitment: 'CM1',
        actions: ['A1'], due: '2026-06-30', version: 1,
      }),
      ev('pledge.updated', 'pledge:P1', { id: 'P1', changes: { title: 'Workshops' }, version: 2 }),
      ev('pledge.progress_reported', 'pledge:P1', {
        id: 'P1', round: 'R1', status: 'on_track', progress: 40, note: 'first held',
        evidence: ['https://example.org/r'], impact_note: null,
        attribution: { statement: 'ours', preexisting: false, confidence: 'medium' },
      }),
      ev('pledge.progress_reported', 'pledge:P1', { id: 'P1', round: null, status: 'done', progress: 100, note: 'all', evidence: [], impact_note: 'mandates shorter', attribution: null }),
    ]);
    const p = s.pledges.P1!;
    expect(p).toMatchObject({ title: 'Workshops', version: 2, status: 'done', progress: 100, org: 'GBR', actions: ['A1'] });
    expect(p.reports.map((r) => [r.round, r.status, r.progress, r.by])).toEqual([
      ['R1', 'on_track', 40, 'gbr.delegate'],
      [null, 'done', 100, 'gbr.delegate'],
    ]);
    expect(p.reports[0]!.attribution?.confidence).toBe('medium');
    expect(p.reports[0]!.evidence).toEqual(['https://example.org/r']);
    expect(p.reports[1]!.seq).toBe(seq);
  });

  it('a new pledge starts planned at 0', () => {
    const s = run([ev('pledge.created', 'pledge:P9', { id: 'P9', org: 'UN', theme: 'performance', title: 'x', description: '', output: { indicator: 'i', target: 't' }, impact: null, commitment: null, actions: [], due: null, version: 1 })]);
    expect(s.pledges.P9).toMatchObject({ status: 'planned', progress: 0, reports: [] });
  });

  it('rounds', () => {
    const s = run([
      ev('round.opened', 'round:R1', { id: 'R1', name: 'Q1', closes: '2026-03-31' }),
      ev('round.closed', 'round:R1', { id: 'R1' }),
    ]);
    expect(s.rounds.R1).toMatchObject({ name: 'Q1', closes: '2026-03-31', state: 'closed' });
  });

  it('discussions: convene, lock, close', () => {
    const s1 = run([ev('discussion.convened', 'discussion:D1', { id: 'D1', theme: 'politics', title: 'Mandates', agenda: 'a', visibility: 'restricted', invitees: ['NLD'], convener: 'GBR' })]);
    expect(s1.discussions.D1).toMatchObject({ state: 'open', convener: 'GBR', invitees: ['NLD'], visibility: 'restricted' });
    const s2 = run([ev('discussion.locked', 'discussion:D1', { id: 'D1' })], member, s1);
    expect(s2.discussions.D1!.state).toBe('locked');
    const s3 = run([ev('discussion.closed', 'discussion:D1', { id: 'D1', outcome: 'agreed' })], member, s2);
    expect(s3.discussions.D1).toMatchObject({ state: 'closed', outcome: 'agreed' });
  });

  it('comments: post, edit, hide and restore (privileged keeps body and reason)', () => {
    const posted = [
      ev('comment.posted', 'comment:C1', { id: 'C1', target: 'discussion:D1', body: '<b>hi</b>', reply_to: null }, { user: 'nld.delegate', org: 'NLD' }),
      ev('comment.posted', 'comment:C2', { id: 'C2', target: 'discussion:D1', body: 're', reply_to: 'C1' }),
      ev('comment.edited', 'comment:C1', { id: 'C1', body: 'hi' }),
    ];
    const hide = ev('comment.hidden', 'comment:C1', { id: 'C1', reason: 'abuse' });
    const restore = ev('comment.restored', 'comment:C1', { id: 'C1' });
    const base = run(posted);
    expect(base.comments.C1).toMatchObject({ author: 'nld.delegate', org: 'NLD', body: 'hi', edited: true, hidden: false });
    expect(base.comments.C2!.reply_to).toBe('C1');

    const sec = run([hide], secretariat, base);
    expect(sec.comments.C1).toMatchObject({ hidden: true, hidden_reason: 'abuse', body: 'hi' });
    const sec2 = run([restore], secretariat, sec);
    expect(sec2.comments.C1).toMatchObject({ hidden: false, body: 'hi' });

    const mem = run([hide], member, base);
    expect(mem.comments.C1!.hidden).toBe(true);
    expect(mem.comments.C1!.body).toBeUndefined();
    expect(mem.comments.C1!.redacted).toBe(true);
    expect(mem.comments.C1!.hidden_reason).toBeUndefined();
  });

  it('a replayed redacted comment has no body', () => {
    const s = run([ev('comment.posted', 'comment:C5', { id: 'C5', target: 'pledge:P1', reply_to: null })]);
    expect(s.comments.C5).toMatchObject({ redacted: true });
    expect(s.comments.C5!.body).toBeUndefined();
  });

  it('opinions: one per org and target, a new one replaces it', () => {
    const s = run([
      ev('opinion.given', 'opinion:BGD:discussion:D1', { id: 'BGD:discussion:D1', target: 'discussion:D1', position: 'concerns', text: 'a' }, { user: 'bgd.delegate', org: 'BGD' }),
      ev('opinion.given', 'opinion:BGD:discussion:D1', { id: 'BGD:discussion:D1', target: 'discussion:D1', position: 'support', text: 'b' }, { user: 'bgd.delegate', org: 'BGD' }),
    ]);
    expect(Object.keys(s.opinions)).toEqual(['BGD:discussion:D1']);
    expect(s.opinions['BGD:discussion:D1']).toMatchObject({ org: 'BGD', position: 'support', text: 'b', by: 'bgd.delegate' });
  });

  it('champions: assign and withdraw', () => {
    const s1 = run([ev('champion.assigned', 'champion:GBR:politics', { id: 'GBR:politics', org: 'GBR', theme: 'politics', offer: 'workshop' })]);
    expect(s1.champions['GBR:politics']).toEqual({ id: 'GBR:politics', org: 'GBR', theme: 'politics', offer: 'workshop' });
    const s2 = run([ev('champion.withdrawn', 'champion:GBR:politics', { id: 'GBR:politics', org: 'GBR', theme: 'politics' })], member, s1);
    expect(s2.champions).toEqual({});
  });

  it('never mutates its input and ignores unknown events except for seq', () => {
    const s1 = run([ev('theme.added', 'theme:x', { id: 'x', name: 'X' })]);
    const frozen = JSON.stringify(s1);
    const s2 = run([ev('theme.added', 'theme:y', { id: 'y', name: 'Y' })], member, s1);
    expect(JSON.stringify(s1)).toBe(frozen);
    expect(s2.themes).not.toBe(s1.themes);
    expect(s2.pledges).toBe(s1.pledges);
    const s3 = run([ev('something.new', 'x:1', {})], member, s2);
    expect(s3.seq).toBe(seq);
    expect(s3.themes).toBe(s2.themes);
  });

  it('normalize_state fills missing maps', () => {
    const s = normalize_state({ themes: {} } as Partial<State>, 7);
    expect(s.seq).toBe(7);
    expect(s.comments).toEqual({});
  });
});
