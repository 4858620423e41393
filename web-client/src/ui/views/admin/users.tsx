// Administration, users: the searchable list (with last sign-in and open sessions from the
// server), and the form that adds a user (user.add) and then shows the invitation link once.
import { useEffect, useState } from 'preact/hooks';
import type { CommandOutcome, State } from '../../../sync';
import { Notice } from '../../components/common';
import { invite_link, user_sessions, type OneTimeLink } from '../../admin_api';
import { href } from '../../router';
import { command } from '../../store';
import { filter_users, role_name, roles, sign_in_shown, user_add_problem, user_rows, type Role, type SessionInfo } from './model';
import { reject_text } from '../../components/common';
import { t } from '../../../i18n';
import { OneTimeLinkBox } from './one_time_link';
import { AdminPage, SearchBox } from './page';

/** The server's session figures per user; `reload` fetches them again. */
export function use_session_info(): { info: Record<string, SessionInfo> | null; error: string; reload: () => void } {
  const [info, set_info] = useState<Record<string, SessionInfo> | null>(null);
  const [error, set_error] = useState('');
  const [tick, set_tick] = useState(0);
  useEffect(() => {
    let live = true;
    void user_sessions().then((r) => {
      if (!live) return;
      set_info(r.ok ? r.body : null);
      set_error(r.ok ? '' : t('admin.figures_error', { reason: reject_text(r.code) }));
    });
    return () => {
      live = false;
    };
  }, [tick]);
  return { info, error, reload: () => set_tick((n) => n + 1) };
}

export function RoleSelect(props: { id: string; value: Role; on_change: (r: Role) => void }) {
  return (
    <>
      <label for={props.id}>{t('admin.role')}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.on_change(e.currentTarget.value as Role)}>
        {roles.map((r) => (
          <option key={r} value={r}>
            {role_name(r)}
          </option>
        ))}
      </select>
    </>
  );
}

function AddUserForm({ s, on_added }: { s: State; on_added: () => void }) {
  const [id, set_id] = useState('');
  const [name, set_name] = useState('');
  const [org, set_org] = useState('');
  const [role, set_role] = useState<Role>('member');
  const [problem, set_problem] = useState<string | null>(null);
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const [link, set_link] = useState<{ user: string; link: OneTimeLink } | null>(null);
  const orgs = Object.values(s.orgs).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section aria-labelledby="add-user-h">
      <form
        class="stack"
        id="add-user-form"
        aria-labelledby="add-user-h"
        onSubmit={async (e) => {
          e.preventDefault();
          const uid = id.trim();
          const p = user_add_problem(uid, name, org);
          set_problem(p);
          if (p) return;
          set_link(null);
          set_outcome('sending');
          const o = await command('user.add', { id: uid, name: name.trim(), org, role });
          set_outcome(o);
          if (!o.ok) return;
          set_id('');
          set_name('');
          on_added();
          const r = await invite_link(uid);
          if (r.ok) set_link({ user: uid, link: r.body });
          else set_problem(t('admin.link_failed', { user: uid, reason: reject_text(r.code) }));
        }}
      >
        <h2 id="add-user-h">{t('admin.add_user_h')}</h2>
        <label for="user-id">{t('signin.username')}</label>
        <input id="user-id" required maxLength={64} value={id} aria-describedby="user-id-hint" onInput={(e) => set_id(e.currentTarget.value)} />
        <p class="muted" id="user-id-hint">
          {t('admin.user_id_hint')}
        </p>
        <label for="user-name">{t('admin.full_name')}</label>
        <input id="user-name" required maxLength={200} value={name} onInput={(e) => set_name(e.currentTarget.value)} />
        <label for="user-org">{t('overview.organisation')}</label>
        <select id="user-org" required value={org} onChange={(e) => set_org(e.currentTarget.value)}>
          <option value="">{t('admin.choose')}</option>
          {orgs.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name} ({o.id})
            </option>
          ))}
        </select>
        <RoleSelect id="user-role" value={role} on_change={set_role} />
        <button type="submit">{t('admin.add_user')}</button>
        <p role="alert" class="err">
          {problem ?? ''}
        </p>
        <Notice outcome={outcome} />
      </form>
      {link && <OneTimeLinkBox kind="invitation" user={link.user} link={link.link} on_done={() => set_link(null)} />}
    </section>
  );
}

export function AdminUsersView({ s }: { s: State }) {
  const [q, set_q] = useState('');
  const { info, error, reload } = use_session_info();
  const all = user_rows(Object.values(s.users), info);
  const shown = filter_users(all, q);
  return (
    <AdminPage title={t('admin.users_title')} tab="users">
      <AddUserForm s={s} on_added={reload} />
      <section aria-labelledby="users-h">
        <h2 id="users-h">{t('admin.users')}</h2>
        <SearchBox id="user-search" label={t('admin.user_search')} value={q} on_input={set_q} shown={shown.length} total={all.length} />
        <p>
          <button type="button" onClick={reload}>
            {t('admin.refresh')}
          </button>{' '}
          <span class="err">{error}</span>
        </p>
        <div class="table-scroll">
          <table id="user-table">
            <caption class="visually-hidden">{t('admin.users')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('signin.username')}</th>
                <th scope="col">{t('admin.full_name')}</th>
                <th scope="col">{t('overview.organisation')}</th>
                <th scope="col">{t('admin.role')}</th>
                <th scope="col">{t('deliv.status')}</th>
                <th scope="col">{t('admin.last_sign_in')}</th>
                <th scope="col">{t('admin.open_sessions')}</th>
                <th scope="col">{t('admin.connected_now')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((u) => (
                <tr key={u.id} data-user={u.id}>
                  <th scope="row">
                    <a href={href.admin_user(u.id)}>{u.id}</a>
                  </th>
                  <td>{u.name}</td>
                  <td>{u.org}</td>
                  <td>{role_name(u.role)}</td>
                  <td>{u.disabled ? <strong>{t('admin.disabled')}</strong> : t('admin.active')}</td>

                  <td>{info ? sign_in_shown(u.last_sign_in) : '–'}</td>
                  <td>{u.open_sessions ?? '–'}</td>
                  <td>{u.connections ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </AdminPage>
  );
}
