// The application shell: skip link, banner with navigation, the always-visible connection
// status (aria-live), and the routed view inside <main>.
import { Loading } from './components/common';
import { is_auditor, is_privileged, is_secretariat } from './model';
import { href, route } from './router';
import { me, pending, reached, signed_in, sign_out, state, status } from './store';
import { DeliverablesView } from './views/deliverables';
import { DiscussionView } from './views/discussion';
import { MineView } from './views/mine';
import { OverviewView } from './views/overview';
import { PledgeView } from './views/pledge';
import { RoundsView } from './views/rounds';
import { SignInView } from './views/sign_in';
import { ThemeView } from './views/theme';
import { ImpactView } from './views/impact';
import { AuditView } from './audit/audit_view';
import { AdminOrgView } from './views/admin/org';
import { AdminOrgsView } from './views/admin/orgs';
import { AdminUserView } from './views/admin/user';
import { AdminUsersView } from './views/admin/users';
import { AdminPublicView } from './views/admin/public';
import { InviteView } from './views/invite';
import { NotFound } from './components/common';
import { LanguageMenu } from './components/language_menu';
import { role_words, shown_status } from './model';
import { t } from '../i18n';


function ConnectionBadge() {
  const st = shown_status(status.value, reached.value);
  const n = pending.value;
  return (
    <div class={`conn conn-${st}`} id="connection-status" data-status={st}>
      <span class="conn-dot" aria-hidden="true" />
      <span role="status" aria-live="polite">
        {t(`conn.${st}`)}
      </span>
      {n > 0 && <span> · {t('conn.waiting', { n })}</span>}
    </div>
  );
}

function Nav() {
  const r = route.value.name;
  const user = me.value;
  const link = (name: string, to: string, label: string) => (
    <li>
      <a href={to} aria-current={r === name || r.startsWith(`${name}_`) ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <nav aria-label={t('nav.label')}>
      <ul>
        {link('overview', href.overview(), t('nav.overview'))}
        {link('deliverables', href.deliverables(), t('nav.deliverables'))}
        {link('rounds', href.rounds(), t('nav.rounds'))}
        {user && !is_auditor(user) && link('mine', href.mine(), is_secretariat(user) ? t('nav.un_pledges') : t('nav.my_pledges'))}
        {link('impact', href.impact(), t('nav.impact'))}
        {is_privileged(user) && link('audit', href.audit(), t('nav.audit'))}
        {is_secretariat(user) && link('admin', href.admin_orgs(), t('nav.admin'))}
      </ul>
    </nav>
  );
}

function View() {
  const s = state.value;
  if (!s) return <Loading />;
  const r = route.value;
  switch (r.name) {
    case 'overview':
      return <OverviewView s={s} />;
    case 'deliverables':
      return <DeliverablesView s={s} />;
    case 'rounds':
      return <RoundsView s={s} id={r.id} />;
    case 'mine':
      return <MineView s={s} />;
    case 'theme':
      return <ThemeView key={r.id} s={s} id={r.id!} />;
    case 'pledge':
      return <PledgeView key={r.id} s={s} id={r.id!} />;
    case 'discussion':
      return <DiscussionView key={r.id} s={s} id={r.id!} />;
    case 'impact':
      return <ImpactView s={s} />;
    case 'audit':
      return <AuditView r={r.audit!} />;
    case 'admin_orgs':
      return <AdminOrgsView s={s} />;
    case 'admin_users':
      return <AdminUsersView s={s} />;
    case 'admin_public':
      return <AdminPublicView />;
    case 'admin_org':
      return <AdminOrgView key={r.id} s={s} id={r.id!} />;
    case 'admin_user':
      return <AdminUserView key={r.id} s={s} id={r.id!} />;
    default:
      return <NotFound what={t('common.this_page')} />;
  }
}

export function App() {
  const si = signed_in.value;
  const user = me.value;
  return (
    <>
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header class="banner">
        <div class="brand">
          <a href="#/">{t('app.name')}</a>
        </div>
        {si && <Nav />}
        <div class="session">
          <ConnectionBadge />
          <LanguageMenu />
          {si && user && (
            <span class="who">
              {/* bdi: a Latin name beside Arabic role words keeps its own direction */}
              <bdi>{user.name}</bdi> <bdi>{t('app.who', { org: user.org, roles: role_words(user.roles) })}</bdi>{' '}
              <button type="button" class="link-button" onClick={() => void sign_out()}>
                {t('app.sign_out')}
              </button>
            </span>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {route.value.name === 'invite' ? (
          <InviteView token={route.value.id!} />
        ) : si === null ? (
          <Loading />
        ) : si ? (
          <View />
        ) : (
          <SignInView />
        )}
      </main>
      <footer class="footer">
        <p>{t('app.footer')}</p>

      </footer>
    </>
  );
}
