// The frame of every administration page: the Secretariat-only gate (anyone else gets a
// refusal, whatever the URL), the heading and the tabs: organisations, users, the public
// dashboard's categories.
import type { ComponentChildren } from 'preact';
import { PageTitle } from '../../components/common';
import { is_secretariat } from '../../model';
import { href } from '../../router';
import { me } from '../../store';
import { t } from '../../../i18n';

export type AdminTab = 'orgs' | 'users' | 'public';

export function AdminPage(props: { title: string; tab: AdminTab; children: ComponentChildren }) {
  if (!is_secretariat(me.value))
    return (
      <section>
        <PageTitle>{t('admin.not_available')}</PageTitle>
        <p id="admin-refused">{t('admin.refused')}</p>
        <p>
          <a href={href.overview()}>{t('common.back_overview')}</a>
        </p>
      </section>
    );
  const tab = (name: AdminTab, to: string, label: string) => (
    <li>
      <a href={to} aria-current={props.tab === name ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <>
      <PageTitle>{props.title}</PageTitle>
      <nav aria-label={t('nav.admin')}>
        <ul class="tabs">
          {tab('orgs', href.admin_orgs(), t('admin.orgs'))}
          {tab('users', href.admin_users(), t('admin.users'))}
          {tab('public', href.admin_public(), t('admin.public'))}
        </ul>
      </nav>
      {props.children}
    </>
  );
}

/** A search box over a list, with the count of what it shows announced politely. */
export function SearchBox(props: { id: string; label: string; value: string; on_input: (v: string) => void; shown: number; total: number }) {
  return (
    <div class="search-box">
      <label for={props.id}>{props.label}</label>
      <input id={props.id} type="search" value={props.value} onInput={(e) => props.on_input(e.currentTarget.value)} />
      <p class="muted" role="status" aria-live="polite" id={`${props.id}-count`}>
        {t('admin.shown', { shown: props.shown, total: props.total })}

      </p>
    </div>
  );
}
