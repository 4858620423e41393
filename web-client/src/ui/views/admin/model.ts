// Pure helpers of the administration screens: searching organisations and users, the
// changed fields of an organisation edit, the arg rules the forms check before sending
// (protocol/README.md, "Commands"), and the invitation page's password rule. No Preact, no I/O.

import { fmt_datetime, t, t_maybe } from '../../../i18n';
import type { Org, User } from '../../../sync';

/** Org codes: 1..16 of `A-Z a-z 0-9 - _ .`; user ids: 1..64 of the same (protocol "code"). */
export const org_code_re = /^[A-Za-z0-9._-]{1,16}$/;
export const user_id_re = /^[A-Za-z0-9._-]{1,64}$/;

export const roles = ['member', 'secretariat', 'auditor'] as const;
export type Role = (typeof roles)[number];
/** A role's name in the UI language. */
export const role_name = (r: string): string => t_maybe(`admin.role.${r}`) ?? r;
export const org_kinds = ['member_state', 'organization', 'secretariat'] as const;
export type OrgKind = (typeof org_kinds)[number];
/** An organisation kind's name in the UI language. */
export const org_kind_name = (k: string): string => t_maybe(`admin.kind.${k}`) ?? k;

/** "G10, TCC  host" -> ["G10", "TCC", "host"]: split on commas and blanks, duplicates dropped. */
export function parse_groups(text: string): string[] {
  const out: string[] = [];
  for (const g of text.split(/[\s,]+/)) if (g && !out.includes(g)) out.push(g);
  return out;
}

/** Case-insensitive: every word of `query` occurs in one of `fields`. */
export function matches(query: string, fields: readonly (string | null | undefined)[]): boolean {
  const hay = fields
    .filter((f): f is string => !!f)
    .join(' ')
    .toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

export function filter_orgs(orgs: readonly Org[], query: string): Org[] {
  return orgs
    .filter((o) => matches(query, [o.id, o.name, o.region, o.kind, ...o.groups, o.endorsed ? 'endorsed' : 'not-endorsed']))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** A user row of the list: the state's user plus what the server knows of its sessions. */
export interface UserRow {
  id: string;
  name: string;
  org: string;
  role: string;
  disabled: boolean;
  /** RFC 3339, or null: never signed in (or not known). */
  last_sign_in: string | null;
  /** null: not known (the sessions list could not be read). */
  open_sessions: number | null;
  connections: number | null;
}

export interface SessionInfo {
  last_sign_in: string | null;
  open_sessions: number;
  /** Open sockets now (pages and tabs). */
  connections?: number;
  disabled?: boolean;
}

/** Joins the users of the state with the server's session figures, keyed by user id. */
export function user_rows(users: readonly (User & { disabled?: boolean })[], info: Record<string, SessionInfo> | null): UserRow[] {
  return users.map((u) => {
    const i = info?.[u.id];
    return {
      id: u.id,
      name: u.name,
      org: u.org,
      role: u.role,
      disabled: !!(u.disabled ?? i?.disabled),
      last_sign_in: i ? i.last_sign_in : null,
      open_sessions: i ? i.open_sessions : null,
      connections: i ? (i.connections ?? null) : null,
    };
  });
}

export function filter_users(rows: readonly UserRow[], query: string): UserRow[] {
  return rows
    .filter((u) => matches(query, [u.id, u.name, u.org, u.role, u.disabled ? 'disabled' : 'active']))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export interface OrgDraft {
  name: string;
  region: string; // '' = none
  groups: string; // as typed
}

export const org_draft = (o: Org): OrgDraft => ({ name: o.name, region: o.region ?? '', groups: o.groups.join(', ') });

export type OrgChanges = Partial<{ name: string; region: string | null; groups: string[] }>;

/** Only the fields the draft changed (org.update needs at least one). */
export function org_changes(o: Org, d: OrgDraft): OrgChanges {
  const c: OrgChanges = {};
  const name = d.name.trim();
  if (name !== o.name) c.name = name;
  const region = d.region || null;
  if (region !== (o.region ?? null)) c.region = region;
  const groups = parse_groups(d.groups);
  if (groups.join('\u0000') !== o.groups.join('\u0000')) c.groups = groups;
  return c;
}

/** The form's own checks before org.add; null when fine. The server checks again. */
export function org_add_problem(id: string, name: string, groups: string[]): string | null {
  if (!org_code_re.test(id)) return t('admin.problem.code');
  if (!name.trim()) return t('admin.problem.name_empty');
  if (name.length > 200) return t('admin.problem.name_long');
  if (groups.length > 32) return t('admin.problem.groups');
  const bad = groups.find((g) => !/^[A-Za-z0-9._-]{1,64}$/.test(g));
  if (bad) return t('admin.problem.group', { group: bad });
  return null;
}

export function user_add_problem(id: string, name: string, org: string): string | null {
  if (!user_id_re.test(id) || id === 'system') return t('admin.problem.user_id');
  if (!name.trim()) return t('admin.problem.full_name_empty');
  if (name.length > 200) return t('admin.problem.full_name_long');
  if (!org) return t('admin.problem.org');
  return null;
}

/** The invitation page's password rule; the server applies the same minimum. */
export const min_password_length = 10;

export interface PasswordProblems {
  password: string | null;
  confirm: string | null;
}

export function password_problems(password: string, confirm: string, min = min_password_length): PasswordProblems {
  const chars = [...password].length;
  return {
    password: chars < min ? t('admin.problem.password', { min, chars }) : null,
    confirm: confirm !== password ? t('admin.problem.confirm') : null,
  };
}

/** "2026-11-29T13:05:00Z" -> "2026-11-29 13:05 UTC"; null -> "never" (a stable form, for logs
 * and tests; the screens use `sign_in_shown`). */
export function sign_in_text(ts: string | null): string {
  if (!ts) return 'never';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(ts);
  return m ? `${m[1]} ${m[2]} UTC` : ts;
}

/** A sign-in time as shown: in the user's time zone with the zone named, in the UI language. */
export function sign_in_shown(ts: string | null): string {
  return ts ? fmt_datetime(ts) : t('admin.never');
}


