// Pure helpers over the workspace state for the views: who may do what (mirroring
// PROTOCOL.md section 4, so controls are shown only to those who may use them), sorting, and
// the derived figures of the overview. No Preact, no I/O.

import type { ConnectionStatus, Discussion, Pledge, PledgeStatus, State, WelcomeUser } from '../sync';
import { pledge_statuses } from '../sync';
import { fmt_date, t, t_maybe } from '../i18n';

export type Me = WelcomeUser | null;

export const has_role = (me: Me, r: string) => !!me && me.roles.includes(r);
export const is_secretariat = (me: Me) => has_role(me, 'secretariat');
export const is_auditor = (me: Me) => has_role(me, 'auditor');
export const is_privileged = (me: Me) => is_secretariat(me) || is_auditor(me);

export function is_g10(me: Me, s: State): boolean {
  if (!me || is_auditor(me)) return false;
  return has_role(me, 'g10') || !!s.orgs[me.org]?.groups?.includes('G10');
}

/** The themes in the order of the Declaration's presentation (a4p-facts.json); others after. */
const theme_order = ['politics', 'wps', 'protection', 'safety-security', 'performance', 'sustaining-peace', 'partnerships', 'conduct'];
export function sorted_themes(s: State) {
  const rank = (id: string) => {
    const i = theme_order.indexOf(id);
    return i < 0 ? theme_order.length : i;
  };
  return Object.values(s.themes).sort((a, b) => rank(a.id) - rank(b.id) || a.name.localeCompare(b.name));
}

export function champions_of(s: State, theme: string): string[] {
  return Object.values(s.champions)
    .filter((c) => c.theme === theme)
    .map((c) => c.org)
    .sort();
}

export function is_champion_of(me: Me, s: State, theme: string): boolean {
  return !!me && !is_auditor(me) && champions_of(s, theme).includes(me.org);
}

export const can_convene = (me: Me, s: State, theme: string) =>
  is_secretariat(me) || is_champion_of(me, s, theme);

export const can_moderate_discussion = (me: Me, d: Discussion) =>
  is_secretariat(me) || (!!me && !is_auditor(me) && me.org === d.convener);

export const can_add_action = can_convene;

export const can_edit_pledge = (me: Me, p: Pledge) => !!me && !is_auditor(me) && me.org === p.org;

export function can_take_up(me: Me, s: State): boolean {
  if (!me || is_auditor(me) || is_secretariat(me)) return false;
  return s.orgs[me.org]?.endorsed !== false;
}

export function can_create_pledge(me: Me, s: State): boolean {
  if (!me || is_auditor(me)) return false;
  if (is_secretariat(me)) return true;
  return s.orgs[me.org]?.endorsed !== false;
}

export function can_comment_on(me: Me, s: State, target: string): boolean {
  if (!me || is_auditor(me)) return false;
  if (target.startsWith('discussion:')) {
    const d = s.discussions[target.slice('discussion:'.length)];
    return !!d && d.state === 'open';
  }
  return true;
}

/** "P12" -> 12, for ordering ids by creation. */
export function id_num(id: string): number {
  const m = /(\d+)$/.exec(id);
  return m ? Number(m[1]) : 0;
}
export const by_id = <T extends { id: string }>(a: T, b: T) => id_num(a.id) - id_num(b.id) || a.id.localeCompare(b.id);

export const status_label = (k: PledgeStatus | string): string => t_maybe(`status.${k}`) ?? k;

/** One colour per status, shared by every chart of statuses. */
export const status_colors: Record<PledgeStatus, string> = {
  planned: '#6b7280',
  on_track: '#1d7a3a',
  delayed: '#b45309',
  done: '#1e4fa3',
  dropped: '#9b1c1c',
};

export function org_name(s: State, code: string): string {
  return s.orgs[code]?.name ?? code;
}

/** A theme's name in the UI language (the Declaration's official wording where known), else the
 * name the server holds. */
export function theme_name(s: State, id: string): string {
  return t_maybe(`theme.${id}`) ?? s.themes[id]?.name ?? id;
}

/** Roles in words ("Secretariat, G10 member"), in the UI language. */
export function role_words(roles: readonly string[]): string {
  return roles.map((r) => t_maybe(`role.${r}`) ?? r).join(t('common.list_sep'));
}

/** A person as others should see them: "Jane Doe (United Kingdom)"; the login name only when the
 * user is not in the state (the system user, a past state). */
export function person(s: State, user: string, org?: string): string {
  const u = s.users[user];
  const o = org ?? u?.org;
  const name = u?.name || user;
  return o ? t('common.person', { name, org: org_name(s, o) }) : name;
}

export function status_counts(pledges: Pledge[]): Record<PledgeStatus, number> {
  const c = Object.fromEntries(pledge_statuses.map((k) => [k, 0])) as Record<PledgeStatus, number>;
  for (const p of pledges) c[p.status] = (c[p.status] ?? 0) + 1;
  return c;
}

export function sorted_rounds(s: State) {
  return Object.values(s.rounds).sort(by_id);
}

export interface RoundFigure {
  round: string;
  name: string;
  reports: number;
  average_progress: number;
  by_status: Record<PledgeStatus, number>;
}

/** Per reporting round: how many reports came in, their average progress, their statuses.
 * From a light skeleton's `round_reports` where the pledges carry them: then each pledge counts
 * with its latest report of the round. */
export function round_figures(s: State): RoundFigure[] {
  return sorted_rounds(s).map((r) => {
    const reps = Object.values(s.pledges).flatMap((p) => {
      if (p.round_reports) return p.round_reports[r.id] ? [p.round_reports[r.id]!] : [];
      return p.reports.filter((x) => x.round === r.id);
    });
    const by_status = Object.fromEntries(pledge_statuses.map((k) => [k, 0])) as Record<PledgeStatus, number>;
    for (const x of reps) by_status[x.status] = (by_status[x.status] ?? 0) + 1;
    const avg = reps.length ? Math.round(reps.reduce((a, x) => a + x.progress, 0) / reps.length) : 0;
    return { round: r.id, name: r.name, reports: reps.length, average_progress: avg, by_status };
  });
}

/** Organisations that may appear in the coverage grid: everyone but the Secretariat. */
export function grid_orgs(s: State) {
  return Object.values(s.orgs)
    .filter((o) => o.kind !== 'secretariat' && o.id !== 'UN')
    .sort((a, b) => a.name.localeCompare(b.name));
}

export const regions = ['AFR', 'APG', 'EEG', 'GRULAC', 'WEOG'] as const;
export const region_name = (r: string): string => t_maybe(`region.${r}`) ?? r;
export const known_groups = ['G10', 'TCC', 'PCC', 'host', 'P5'] as const;
export const group_name = (g: string): string => t_maybe(`group.${g}`) ?? g;

export function safe_url(u: string): string | null {
  try {
    const url = new URL(u);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** A date in the UI language (the day in the user's time zone). */
export function short_date(ts: string | undefined | null): string {
  return fmt_date(ts);
}


/** What the connection badge says: the sync engine's status, except that an attempt to
 * reconnect during an outage still reads "offline" (announced once, not on every retry), and
 * "catching up" is only said once the server has answered (`reached`: a welcome since the
 * connection was lost). The very first connection reads "connecting". */
export function shown_status(raw: ConnectionStatus, reached: boolean): ConnectionStatus {
  if (raw === 'resyncing' && !reached) return 'offline';
  return raw;
}
