// The view model: who sees which control (mirrors PROTOCOL.md section 4), derived figures,
// routing and URL safety.
import { describe, expect, it } from 'vitest';
import { normalize_state } from '../src/sync/reducer';
import type { Pledge, State, WelcomeUser } from '../src/sync/types';
import {
  can_comment_on,
  can_convene,
  can_create_pledge,
  can_edit_pledge,
  can_moderate_discussion,
  can_take_up,
  is_g10,
  round_figures,
  safe_url,
  sorted_themes,
} from '../src/ui/model';
import { parse_route } from '../src/ui/router';

const u = (id: string, org: string, roles: string[]): WelcomeUser => ({ id, name: id, org, roles });
const gbr = u('gbr.delegate', 'GBR', ['member', 'champion', 'g10']);
const gha = u('gha.delegate', 'GHA', ['member']);
const sec = u('un.secretariat', 'UN', ['secretariat']);
const aud = u('un.auditor', 'UN', ['auditor']);

function pledge(id: string, org: string, reports: Array<[string | null, Pledge['status'], number]>): Pledge {
  return {
    id, org, theme: 'politics', title: id, description: '', output: { indicator: 'i', target: 't' }, impact: null,
    commitment: null, actions: [], due: null, version: 1,
    status: reports.length ? reports[reports.length - 1]![1] : 'planned',
    progress: reports.length ? reports[reports.length - 1]![2] : 0,
    reports: reports.map(([round, status, progress], i) => ({
      seq: i + 1, ts: '2026-01-01T00:00:00Z', by: 'x', round, status, progress, note: '', evidence: [], impact_note: null, attribution: null,
    })),
  };
}

const s: State = normalize_state(
  {
    themes: {
      conduct: { id: 'conduct', name: 'Conduct' },
      politics: { id: 'politics', name: 'Political solutions' },
      wps: { id: 'wps', name: 'WPS' },
    },
    orgs: {
      GBR: { id: 'GBR', name: 'UK', kind: 'member_state', region: 'WEOG', groups: ['G10', 'P5'], endorsed: true, version: 1 },
      GHA: { id: 'GHA', name: 'Ghana', kind: 'member_state', region: 'AFR', groups: ['TCC'], endorsed: true, version: 1 },
      XXX: { id: 'XXX', name: 'Non-endorser', kind: 'member_state', region: 'APG', groups: [], endorsed: false, version: 1 },
    },
    champions: { 'GBR:politics': { id: 'GBR:politics', org: 'GBR', theme: 'politics', offer: null } },
    discussions: {
      D1: { id: 'D1', theme: 'politics', title: 'd', agenda: '', visibility: 'open', invitees: [], convener: 'GBR', state: 'open', outcome: null, version: 1 },
      D2: { id: 'D2', theme: 'politics', title: 'd', agenda: '', visibility: 'open', invitees: [], convener: 'GBR', state: 'locked', outcome: null, version: 2 },
    },
    rounds: {
      R2: { id: 'R2', name: 'Second', closes: '2026-12-01', state: 'open' },
      R1: { id: 'R1', name: 'First', closes: '2026-06-01', state: 'closed' },
    },
    pledges: {
      P1: pledge('P1', 'GBR', [['R1', 'on_track', 30], ['R2', 'done', 100]]),
      P2: pledge('P2', 'GHA', [['R1', 'delayed', 10]]),
      P3: pledge('P3', 'UN', []),
    },
  },
  10,
);

describe('permissions in the UI', () => {
  it('edit and report only for the pledge’s own organisation, never auditors', () => {
    expect(can_edit_pledge(gbr, s.pledges.P1!)).toBe(true);
    expect(can_edit_pledge(gha, s.pledges.P1!)).toBe(false);
    expect(can_edit_pledge(sec, s.pledges.P3!)).toBe(true);
    expect(can_edit_pledge(aud, s.pledges.P3!)).toBe(false);
  });
  it('convene for champions of the theme and the Secretariat', () => {
    expect(can_convene(gbr, s, 'politics')).toBe(true);
    expect(can_convene(gbr, s, 'wps')).toBe(false);
    expect(can_convene(gha, s, 'politics')).toBe(false);
    expect(can_convene(sec, s, 'wps')).toBe(true);
    expect(can_convene(aud, s, 'politics')).toBe(false);
  });
  it('lock/close for the convener and the Secretariat', () => {
    expect(can_moderate_discussion(gbr, s.discussions.D1!)).toBe(true);
    expect(can_moderate_discussion(gha, s.discussions.D1!)).toBe(false);
    expect(can_moderate_discussion(sec, s.discussions.D1!)).toBe(true);
    expect(can_moderate_discussion(aud, s.discussions.D1!)).toBe(false);
  });
  it('comments: not auditors, not in locked discussions', () => {
    expect(can_comment_on(gha, s, 'discussion:D1')).toBe(true);
    expect(can_comment_on(gha, s, 'discussion:D2')).toBe(false);
    expect(can_comment_on(aud, s, 'pledge:P1')).toBe(false);
    expect(can_comment_on(gha, s, 'pledge:P1')).toBe(true);
  });
  it('G10 opinions only for G10 members; pledges only for endorsers or the Secretariat', () => {
    expect(is_g10(gbr, s)).toBe(true);
    expect(is_g10(gha, s)).toBe(false);
    expect(is_g10(aud, s)).toBe(false);
    expect(can_create_pledge(gha, s)).toBe(true);
    expect(can_create_pledge(u('x', 'XXX', ['member']), s)).toBe(false);
    expect(can_create_pledge(sec, s)).toBe(true);
    expect(can_create_pledge(aud, s)).toBe(false);
    expect(can_take_up(gha, s)).toBe(true);
    expect(can_take_up(sec, s)).toBe(false);
  });
});

describe('derived figures', () => {
  it('round figures: reports, average progress and statuses per round, in round order', () => {
    const f = round_figures(s);
    expect(f.map((x) => x.round)).toEqual(['R1', 'R2']);
    expect(f[0]).toMatchObject({ reports: 2, average_progress: 20 });
    expect(f[0]!.by_status).toMatchObject({ on_track: 1, delayed: 1, done: 0 });
    expect(f[1]).toMatchObject({ reports: 1, average_progress: 100 });
  });
  it('themes in the Declaration’s order', () => {
    expect(sorted_themes(s).map((t) => t.id)).toEqual(['politics', 'wps', 'conduct']);
  });
});

describe('routing and links', () => {
  it('parses hash routes', () => {
    expect(parse_route('')).toEqual({ name: 'overview', id: null });
    expect(parse_route('#/pledge/P3')).toEqual({ name: 'pledge', id: 'P3' });
    expect(parse_route('#/theme/safety-security')).toEqual({ name: 'theme', id: 'safety-security' });
    expect(parse_route('#/rounds/R2')).toEqual({ name: 'rounds', id: 'R2' });
    expect(parse_route('#/pledge')).toEqual({ name: 'not_found', id: null });
    expect(parse_route('#/nowhere')).toEqual({ name: 'not_found', id: null });
  });
  it('evidence becomes a link only for http(s) URLs', () => {
    expect(safe_url('https://example.org/a')).toBe('https://example.org/a');
    expect(safe_url('javascript:alert(1)')).toBeNull();
    expect(safe_url('data:text/html,<script>')).toBeNull();
    expect(safe_url('not a url')).toBeNull();
  });
});
