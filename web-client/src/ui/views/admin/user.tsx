// Administration, one user: change the role (user.set_role), disable or re-enable the account
// (user.disable / user.enable: acts in the log with their author; disabling also ends the
// user's sessions, sockets and links on the server), sign out everywhere, and make a password
// link.
import { useState } from 'preact/hooks';
import type { CommandOutcome, State, User } from '../../../sync';
import { Notice, reject_text } from '../../components/common';
import { t } from '../../../i18n';
import { invite_link, reset_link, sign_out_everywhere, type ApiResult, type OneTimeLink } from '../../admin_api';
import { org_name } from '../../model';
import { href } from '../../router';
import { command, me } from '../../store';
import { role_name, roles, sign_in_shown, user_rows, type Role } from './model';
import { OneTimeLinkBox } from './one_time_link';
import { AdminPage } from './page';
import { RoleSelect, use_session_info } from './users';

type Outcome = CommandOutcome | null | 'sending';

function RoleForm({ u }: { u: User }) {
  const [role, set_role] = useState<Role>((roles as readonly string[]).includes(u.role) ? (u.role as Role) : 'member');
  const [outcome, set_outcome] = useState<Outcome>(null);
  return (
    <form
      class="inline-form"
      id="role-form"
      onSubmit={async (e) => {
        e.preventDefault();
        set_outcome('sending');
        set_outcome(await command('user.set_role', { id: u.id, role }));
      }}
    >
      <RoleSelect id="role-select" value={role} on_change={set_role} />
      <button type="submit" disabled={role === u.role}>
        {t('admin.change_role')}
      </button>
      <Notice outcome={outcome} />
    </form>
  );
}

function Access({ u, disabled, after }: { u: User; disabled: boolean; after: () => void }) {
  const [outcome, set_outcome] = useState<Outcome>(null);
  const self = me.value?.id === u.id;
  return (
    <section aria-labelledby="access-h">
      <h2 id="access-h">{t('admin.access')}</h2>
      <p id="access-state">{disabled ? t('admin.is_disabled', { name: u.name }) : t('admin.is_active', { name: u.name })}</p>
      {self ? (
        <p class="muted">{t('admin.not_self')}</p>
      ) : (
        <button
          type="button"
          onClick={async () => {
            set_outcome('sending');
            const o = await command(disabled ? 'user.enable' : 'user.disable', { id: u.id });
            set_outcome(o);
            after();
          }}
        >
          {disabled ? t('admin.enable') : t('admin.disable')}
        </button>
      )}
      <Notice outcome={outcome} />
    </section>
  );
}

function SignOutEverywhere({ u, after }: { u: User; after: () => void }) {
  const [msg, set_msg] = useState('');
  return (
    <section aria-labelledby="signout-h">
      <h2 id="signout-h">{t('admin.sessions')}</h2>
      <button
        type="button"
        onClick={async () => {
          set_msg(t('admin.signing_out'));
          const r = await sign_out_everywhere(u.id);
          set_msg(
            r.ok
              ? typeof r.body?.sessions === 'number'
                ? t('admin.signed_out_n', { user: u.id, n: r.body.sessions })
                : t('admin.signed_out', { user: u.id })
              : t('admin.not_done', { reason: reject_text(r.code) }),
          );
          after();
        }}
      >
        {t('admin.sign_out_everywhere')}
      </button>
      <p class="notice" role="status" aria-live="polite" id="signout-result">
        {msg}
      </p>
    </section>
  );
}

function PasswordLink({ u, never_signed_in, disabled }: { u: User; never_signed_in: boolean; disabled: boolean }) {
  const [link, set_link] = useState<OneTimeLink | null>(null);
  const [err, set_err] = useState('');
  const kind = never_signed_in ? 'invitation' : 'reset';
  const make = async (f: (id: string) => Promise<ApiResult<OneTimeLink>>) => {
    set_err('');
    set_link(null);
    const r = await f(u.id);
    if (r.ok) set_link(r.body);
    else set_err(t('admin.no_link', { reason: reject_text(r.code) }));
  };
  return (
    <section aria-labelledby="pwlink-h">
      <h2 id="pwlink-h">{t('signin.password')}</h2>
      <p>{t('admin.link_text', { user: u.id })}</p>
      <button type="button" disabled={disabled} onClick={() => void make(never_signed_in ? invite_link : reset_link)}>
        {never_signed_in ? t('admin.new_invitation') : t('admin.new_reset')}
      </button>
      <p role="alert" class="err">
        {err}
      </p>
      {link && <OneTimeLinkBox kind={kind} user={u.id} link={link} on_done={() => set_link(null)} />}
    </section>
  );
}

export function AdminUserView({ s, id }: { s: State; id: string }) {
  const u = s.users[id];
  const { info, error, reload } = use_session_info();
  if (!u)
    return (
      <AdminPage title={t('admin.user_not_found')} tab="users">
        <p>
          {t('admin.no_user', { id })} <a href={href.admin_users()}>{t('admin.all_users')}</a>
        </p>
      </AdminPage>
    );
  const [row] = user_rows([u], info);
  return (
    <AdminPage title={t('admin.user_title', { name: u.name })} tab="users">
      <dl class="facts" id="user-facts">
        <dt>{t('signin.username')}</dt>
        <dd>{u.id}</dd>
        <dt>{t('overview.organisation')}</dt>
        <dd>
          <a href={href.admin_org(u.org)}>{org_name(s, u.org)}</a> ({u.org})
        </dd>
        <dt>{t('admin.role')}</dt>
        <dd>{role_name(u.role)}</dd>
        <dt>{t('admin.last_sign_in')}</dt>
        <dd id="user-last-sign-in">{info ? sign_in_shown(row!.last_sign_in) : '–'}</dd>
        <dt>{t('admin.open_sessions')}</dt>
        <dd id="user-open-sessions">{row!.open_sessions ?? '–'}</dd>
        <dt>{t('admin.connected_now')}</dt>
        <dd id="user-connections">{row!.connections ?? '–'}</dd>
      </dl>
      <p class="err">{error}</p>
      <p>
        <a href={href.admin_users()}>{t('admin.all_users')}</a>
      </p>
      <section aria-labelledby="role-h">
        <h2 id="role-h">{t('admin.role')}</h2>

        <RoleForm u={u} />
      </section>
      <Access u={u} disabled={row!.disabled} after={reload} />
      <SignOutEverywhere u={u} after={reload} />
      <PasswordLink u={u} never_signed_in={!!info && !row!.last_sign_in} disabled={row!.disabled} />
    </AdminPage>
  );
}
