// The administration screens' pure helpers: search, changed fields of an org edit, the forms'
// own checks, and the invitation page's password rule.
import { describe, expect, it } from 'vitest';
import {
  filter_orgs,
  filter_users,
  matches,
  org_add_problem,
  org_changes,
  org_draft,
  parse_groups,
  password_problems,
  sign_in_text,
  user_add_problem,
  user_rows,
} from '../src/ui/views/admin/model';
import type { Org, User } from '../src/sync/types';
import { parse_location, parse_route } from '../src/ui/router';
import { iso_time } from '../src/ui/admin_api';

const org = (id: string, name: string, extra: Partial<Org> = {}): Org => ({
  id,
  name,
  kind: 'member_state',
  region: null,
  groups: [],
  endorsed: true,
  version: 1,
  ...extra,
});
const user = (id: string, org_code: string, extra: Partial<User> = {}): User => ({ id, name: id, org: org_code, role: 'member', version: 1, ...extra });

describe('admin model', () => {
  it('parses groups typed with commas and blanks, once each', () => {
    expect(parse_groups(' G10, TCC  host,,G10 ')).toEqual(['G10', 'TCC', 'host']);
    expect(parse_groups('')).toEqual([]);
  });

  it('search: every word somewhere, case-insensitive', () => {
    expect(matches('eth afr', ['ETH', 'Ethiopia', 'AFR'])).toBe(true);
    expect(matches('eth weog', ['ETH', 'Ethiopia', 'AFR'])).toBe(false);
    expect(matches('  ', ['x'])).toBe(true);
    const orgs = [org('NOR', 'Norway', { region: 'WEOG' }), org('ETH', 'Ethiopia', { region: 'AFR', groups: ['G10'] }), org('AU', 'African Union', { kind: 'organization', endorsed: false })];
    expect(filter_orgs(orgs, 'g10').map((o) => o.id)).toEqual(['ETH']);
    expect(filter_orgs(orgs, 'not-endorsed').map((o) => o.id)).toEqual(['AU']);
    expect(filter_orgs(orgs, '').map((o) => o.id)).toEqual(['AU', 'ETH', 'NOR']); // by name
  });

  it('user rows join the state with the session figures; disabled from either', () => {
    const users = [user('b.one', 'NOR'), user('a.two', 'ETH', { disabled: true })];
    const rows = user_rows(users, { 'b.one': { last_sign_in: '2026-11-29T10:00:00Z', open_sessions: 2 } });
    expect(rows[0]).toMatchObject({ id: 'b.one', last_sign_in: '2026-11-29T10:00:00Z', open_sessions: 2, disabled: false });
    expect(rows[1]).toMatchObject({ id: 'a.two', last_sign_in: null, open_sessions: null, disabled: true });
    expect(user_rows(users, null)[0]?.open_sessions).toBeNull();
    expect(filter_users(rows, 'disabled').map((u) => u.id)).toEqual(['a.two']);
    expect(filter_users(rows, '').map((u) => u.id)).toEqual(['a.two', 'b.one']);
  });

  it('an org edit sends only what changed; clearing the region sends null', () => {
    const o = org('ETH', 'Ethiopia', { region: 'AFR', groups: ['G10', 'TCC'] });
    expect(org_changes(o, org_draft(o))).toEqual({});
    expect(org_changes(o, { ...org_draft(o), name: ' Federal Ethiopia ' })).toEqual({ name: 'Federal Ethiopia' });
    expect(org_changes(o, { ...org_draft(o), region: '' })).toEqual({ region: null });
    expect(org_changes(o, { ...org_draft(o), groups: 'G10' })).toEqual({ groups: ['G10'] });
    expect(org_changes(o, { ...org_draft(o), groups: 'TCC, G10' })).toEqual({ groups: ['TCC', 'G10'] });
  });

  it('the forms check codes and names as the server does', () => {
    expect(org_add_problem('NOR', 'Norway', [])).toBeNull();
    expect(org_add_problem('TOO-LONG-CODE-123', 'x', [])).toMatch(/1 to 16/);
    expect(org_add_problem('N R', 'x', [])).toMatch(/1 to 16/);
    expect(org_add_problem('NOR', '   ', [])).toMatch(/empty/);
    expect(org_add_problem('NOR', 'Norway', ['ok', 'not ok'])).toMatch(/not ok/);
    expect(user_add_problem('nor.delegate', 'N', 'NOR')).toBeNull();
    expect(user_add_problem('system', 'N', 'NOR')).toMatch(/system/);
    expect(user_add_problem('nor delegate', 'N', 'NOR')).toMatch(/user name/);
    expect(user_add_problem('nor.delegate', 'N', '')).toMatch(/organisation/);
  });

  it('password: minimum length in characters, confirmation equal', () => {
    expect(password_problems('short', 'short', 10).password).toMatch(/at least 10 characters \(it has 5\)/);
    expect(password_problems('long enough pw', 'long enough pw', 10)).toEqual({ password: null, confirm: null });
    expect(password_problems('long enough pw', 'long enough pW', 10).confirm).toMatch(/not the same/);
    expect(password_problems('ééééééééé', 'ééééééééé', 10).password).not.toBeNull(); // 9 characters
  });

  it('last sign-in text', () => {
    expect(sign_in_text(null)).toBe('never');
    expect(sign_in_text('2026-11-29T13:05:42.123Z')).toBe('2026-11-29 13:05 UTC');
    // The server writes unix seconds.
    expect(sign_in_text(iso_time(1_795_957_500))).toBe('2026-11-29 13:05 UTC');
    expect(iso_time(null)).toBeNull();
    expect(iso_time('2026-11-29T13:05:00Z')).toBe('2026-11-29T13:05:00Z');
  });

  it('routes of administration and invitations', () => {
    expect(parse_route('#/admin')).toEqual({ name: 'admin_orgs', id: null });
    expect(parse_route('#/admin/users')).toEqual({ name: 'admin_users', id: null });
    expect(parse_route('#/admin/org/NOR')).toEqual({ name: 'admin_org', id: 'NOR' });
    expect(parse_route('#/admin/user/nor.delegate')).toEqual({ name: 'admin_user', id: 'nor.delegate' });
    expect(parse_route('#/admin/user')).toEqual({ name: 'not_found', id: null });
    expect(parse_location('/invite', '#abc_DEF-123')).toEqual({ name: 'invite', id: 'abc_DEF-123' });
    expect(parse_location('/invite', '')).toEqual({ name: 'overview', id: null });
    expect(parse_location('/invite', '#/admin/users')).toEqual({ name: 'admin_users', id: null });
    expect(parse_location('/', '#abc')).toEqual({ name: 'not_found', id: null });
    expect(parse_location('/', '#/pledge/P1')).toEqual({ name: 'pledge', id: 'P1' });
  });
});
