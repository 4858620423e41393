// The public site's pure parts: folding feed changes into the projection, the hello-then-fetch
// order of the feed (no change missed, none applied twice), and the public URLs.
import { describe, expect, it } from 'vitest';
import { apply_change, published_rounds, type PublicState } from '../src/public/model';
import { last_change, pub, start_feed } from '../src/public/live';
import { parse_public_path, public_href } from '../src/public/routes';

const base = (): PublicState => ({
  seq: 10,
  hash: 'h10',
  categories: { themes: true },
  themes: [],
  commitments: [],
  gaps: [],
  actions: [],
  rounds: [{ id: 'R1', name: 'First', closes: '2026-01-01', state: 'open', seq: 3, hash: 'r' }],
  orgs: [],
  pledges: [],
  coverage: { regions: [], groups: [] },
  counts: null,
});
const pledge = (id: string, round: string | null = null) => ({
  id,
  org: 'GHA',
  theme: 'politics',
  title: `Pledge ${id}`,
  description: '',
  output: { indicator: 'i', target: 't' },
  impact: null,
  commitment: null,
  actions: [],
  due: null,
  status: 'on_track' as const,
  progress: 10,
  published_ts: null,
  reports: round ? [{ seq: 12, hash: 'x', ts: '', round, status: 'on_track', progress: 10, note: '', evidence: [], impact_note: null, attribution: null }] : [],
  seq: 11,
  hash: 'p',
});

describe('apply_change', () => {
  it('adds, replaces in id order and removes records; ignores what it holds already', () => {
    let s = apply_change(base(), { seq: 11, hash: 'a', ts: '', changes: [{ kind: 'pledge', id: 'P10', record: pledge('P10') }] })!;
    s = apply_change(s, { seq: 12, hash: 'b', ts: '', changes: [{ kind: 'pledge', id: 'P2', record: pledge('P2', 'R1') }] })!;
    expect(s.pledges.map((p) => p.id)).toEqual(['P2', 'P10']);
    expect(published_rounds(s)[0]!.reports).toBe(1);
    expect(apply_change(s, { seq: 12, hash: 'b', ts: '', changes: [{ kind: 'pledge', id: 'P2', record: null }] })).toBe(s);
    // A report arrives alone: the pledge's record without reports, the reports kept and extended.
    const { reports: _, ...bare } = pledge('P2');
    const report = { ...pledge('P2', 'R1').reports[0]!, seq: 13, note: 'later' };
    const with_report = apply_change(s, { seq: 13, hash: 'r', ts: '', changes: [{ kind: 'pledge', id: 'P2', record: bare, report }] })!;
    expect(with_report.pledges.find((p) => p.id === 'P2')!.reports.map((r) => r.seq)).toEqual([12, 13]);
    // A report as the server sends it: the fields it moved and the report, no record.
    const fields = { status: 'delayed', progress: 55, version: 4, seq: 13, hash: 'r' };
    const moved = apply_change(s, { seq: 13, hash: 'r', ts: '', changes: [{ kind: 'pledge', id: 'P2', fields, report }] })!;
    const p2 = moved.pledges.find((p) => p.id === 'P2')!;
    expect(p2.reports.map((r) => r.seq)).toEqual([12, 13]);
    expect([p2.status, p2.progress, p2.title]).toEqual(['delayed', 55, 'Pledge P2']);
    expect(moved.pledges.map((p) => p.id)).toEqual(['P2', 'P10']);
    // Fields for a pledge not held: the state must be fetched again.
    expect(apply_change(s, { seq: 13, hash: 'r', ts: '', changes: [{ kind: 'pledge', id: 'P7', fields, report }] })).toBeNull();
    s = apply_change(s, { seq: 13, hash: 'c', ts: '', changes: [{ kind: 'pledge', id: 'P2', record: null }] })!;
    expect(s.pledges.map((p) => p.id)).toEqual(['P10']);
    expect(s.seq).toBe(13);
    expect(apply_change(s, { seq: 14, hash: 'd', ts: '', reload: true })).toBeNull();
  });
});

describe('start_feed', () => {
  it('fetches after hello, buffers changes meanwhile, and applies only the newer ones', async () => {
    pub.value = null;
    let on!: Parameters<Parameters<typeof start_feed>[0]['open']>[0];
    let release!: (s: PublicState) => void;
    start_feed({
      fetch_state: () => new Promise((r) => (release = r)),
      open: (o) => (on = o),
    });
    on.hello(10);
    on.change({ seq: 10, hash: 'old', ts: '', changes: [{ kind: 'pledge', id: 'P1', record: pledge('P1') }] });
    on.change({ seq: 11, hash: 'new', ts: '', changes: [{ kind: 'pledge', id: 'P3', record: pledge('P3') }] });
    release(base());
    await new Promise((r) => setTimeout(r, 0));
    expect(pub.value!.pledges.map((p) => p.id)).toEqual(['P3']);
    expect(last_change.value!.seq).toBe(11);
  });
});

describe('public routes', () => {
  it('parses pages, ids and a language prefix, and builds the same paths', () => {
    expect(parse_public_path('/public')).toEqual({ page: 'overview', id: null, lang: null });
    expect(parse_public_path('/public/pledge/P3')).toEqual({ page: 'pledge', id: 'P3', lang: null });
    expect(parse_public_path('/public/fr/theme/politics')).toEqual({ page: 'theme', id: 'politics', lang: 'fr' });
    expect(parse_public_path('/public/pledge')).toMatchObject({ page: 'not_found' });
    expect(parse_public_path('/public/pledge/P3/x')).toMatchObject({ page: 'not_found' });
    expect(public_href('pledge', 'P3', 'fr')).toBe('/public/fr/pledge/P3');
    expect(public_href('overview', null, null)).toBe('/public');
  });
});
