// The attribution and impact report's computation (src/report/attribution.ts) over a small
// hand-made workspace whose totals are counted by hand in the comments.
import { describe, expect, it } from 'vitest';
import { attribution_report, percent, report_csv } from '../src/report/attribution';
import type { Pledge, Report, State } from '../src/sync';
import { normalize_state, thin_pledge } from '../src/sync';
import { with_whole_reports } from '../src/ui/report_history';

const rep = (seq: number, progress: number, extra: Partial<Report> = {}): Report => ({
  seq,
  ts: `2026-03-0${seq % 9}T10:00:00Z`,
  by: 'u',
  round: 'R1',
  status: 'on_track',
  progress,
  note: '',
  evidence: [],
  impact_note: null,
  attribution: null,
  ...extra,
});

const pledge = (id: string, org: string, theme: string, reports: Report[]): Pledge => ({
  id,
  org,
  theme,
  title: `Pledge ${id}`,
  description: '',
  output: { indicator: `out ${id}`, target: '10' },
  impact: id === 'P1' ? { indicator: 'imp', target: 'less harm' } : null,
  commitment: null,
  actions: [],
  due: null,
  version: 1,
  status: 'on_track',
  progress: reports[reports.length - 1]?.progress ?? 0,
  reports,
});

const pre = { statement: 'we did this before', preexisting: true, confidence: 'low' as const };
const fresh = { statement: 'new because of A4P', preexisting: false, confidence: 'high' as const };

const s: State = normalize_state(
  {
    orgs: {
      GBR: { id: 'GBR', name: 'UK', kind: 'member_state', region: 'WEOG', groups: ['G10', 'P5'], endorsed: true, version: 1 },
      BGD: { id: 'BGD', name: 'Bangladesh', kind: 'member_state', region: 'APG', groups: ['TCC'], endorsed: true, version: 1 },
    },
    pledges: {
      // P1 GBR politics: last report 60, preexisting, impact note in R1.
      P1: pledge('P1', 'GBR', 'politics', [rep(1, 20, { impact_note: 'fewer incidents' }), rep(2, 60, { attribution: pre })]),
      // P2 BGD politics: last report 40, not preexisting, no impact note.
      P2: pledge('P2', 'BGD', 'politics', [rep(3, 40, { attribution: fresh, impact_note: '  ' })]),
      // P3 BGD wps: no report at all.
      P3: pledge('P3', 'BGD', 'wps', []),
      // P10 GBR wps: only in round R2, 100, preexisting.
      P10: pledge('P10', 'GBR', 'wps', [rep(4, 100, { round: 'R2', attribution: pre, impact_note: 'x' })]),
    },
  },
  10,
);

describe('attribution_report', () => {
  it('lists every pledge for the Secretariat, in id order, with totals counted by hand', () => {
    const r = attribution_report(s, {}, { org: 'UN', privileged: true });
    expect(r.rows.map((x) => x.pledge)).toEqual(['P1', 'P2', 'P3', 'P10']);
    // progress 60 + 40 + 0 + 100 = 200; preexisting 60 + 100 = 160 -> 80%.
    // no impact evidence: P2 (blank note), P3 -> 2 of 4.
    expect(r.totals).toMatchObject({ pledges: 4, reported: 3, progress_sum: 200, preexisting_progress_sum: 160, no_impact_evidence: 2 });
    expect(percent(r.totals.share_preexisting)).toBe('80%');
    expect(r.totals.share_no_impact).toBe(0.5);
    expect(r.own_totals).toBeNull();
    const p1 = r.rows[0]!;
    expect(p1).toMatchObject({ impact_note: true, attribution: pre, last: { progress: 60 } });
    expect(p1.impact).toEqual({ indicator: 'imp', target: 'less harm' });
  });

  it('gives a member its own rows, the totals over everything and its own totals', () => {
    const r = attribution_report(s, {}, { org: 'BGD', privileged: false });
    expect(r.rows.map((x) => x.pledge)).toEqual(['P2', 'P3']);
    expect(r.totals.pledges).toBe(4);
    // BGD: progress 40 + 0, none preexisting; both without impact evidence.
    expect(r.own_totals).toMatchObject({ pledges: 2, progress_sum: 40, preexisting_progress_sum: 0, no_impact_evidence: 2 });
    expect(percent(r.own_totals!.share_preexisting)).toBe('0%');
  });

  it('filters by theme, round, region and group', () => {
    const ids = (f: Parameters<typeof attribution_report>[1]) =>
      attribution_report(s, f, { org: 'UN', privileged: true }).rows.map((x) => x.pledge);
    expect(ids({ theme: 'wps' })).toEqual(['P3', 'P10']);
    expect(ids({ region: 'APG' })).toEqual(['P2', 'P3']);
    expect(ids({ group: 'G10' })).toEqual(['P1', 'P10']);
    expect(ids({ round: 'R2' })).toEqual(['P10']);
    // Round R1 only: P1's reports in R1 are both; P2's too.
    const r1 = attribution_report(s, { round: 'R1' }, { org: 'UN', privileged: true });
    expect(r1.totals).toMatchObject({ pledges: 2, progress_sum: 100, preexisting_progress_sum: 60 });
  });

  it('counts nothing as n/a rather than dividing by zero', () => {
    const r = attribution_report(s, { theme: 'none' }, { org: 'UN', privileged: true });
    expect(r.totals.share_no_impact).toBeNull();
    expect(percent(r.totals.share_preexisting)).toBe('n/a');
  });

  it('exports CSV with one row per pledge', () => {
    const csv = report_csv(attribution_report(s, { theme: 'politics' }, { org: 'UN', privileged: true }).rows);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('P1,Pledge P1,GBR,politics,out P1,10,imp,less harm,on_track,60,2026-03-02T10:00:00Z,R1,yes,we did this before,yes,low');
  });
});

describe('the report at a past point of a light state (ADR 0512)', () => {
  it('takes each pledge report up to the point from the histories, whatever the skeleton kept', () => {
    // P1: a report with an impact note on preexisting work at seq 3, a later one at seq 9 (after
    // the point, seq 5) without. P2: one report at seq 4, none with an impact note.
    const h = {
      P1: [rep(3, 40, { impact_note: 'fewer incidents', attribution: pre }), rep(9, 90, { attribution: fresh })],
      P2: [rep(4, 20)],
    };
    // The light state at seq 5: thin pledges, each with its latest report as of seq 5.
    const at5 = normalize_state(
      { seq: 5, pledges: { P1: thin_pledge(pledge('P1', 'GBR', 'T1', h.P1.slice(0, 1))), P2: thin_pledge(pledge('P2', 'USA', 'T1', h.P2)) } },
      5,
    );
    // The skeleton alone already says whether the last report had an impact note.
    expect(attribution_report(at5, {}, { org: 'GBR', privileged: true }).totals.no_impact_evidence).toBe(1);
    const s = with_whole_reports(at5, h, true);
    expect(s.pledges.P1!.reports.map((r) => r.seq)).toEqual([3]);
    const r = attribution_report(s, {}, { org: 'GBR', privileged: true });
    // By hand: progress 40 (P1, preexisting) + 20 (P2) = 60; preexisting 40/60; P2 has no impact note.
    expect(r.totals).toMatchObject({ pledges: 2, progress_sum: 60, preexisting_progress_sum: 40, no_impact_evidence: 1 });
    expect(r.rows.find((x) => x.pledge === 'P1')!.attribution?.statement).toBe(pre.statement);
    // Live (the head), every report counts.
    expect(with_whole_reports(at5, h, false).pledges.P1!.reports.map((x) => x.seq)).toEqual([3, 9]);
  });
});
