// The application shell: skip link, banner with navigation, the always-visible connection
// status (aria-live), and the routed view inside <main>.
import type { ConnectionStatus } from '../sync';
import { Loading } from './components/common';
import { is_auditor, is_privileged, is_secretariat } from './model';
import { href, route } from './router';
import { me, pending, signed_in, sign_out, state, status } from './store';
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
import { InviteView } from './views/invite';
import { NotFound } from './components/common';

const status_text: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline: changes are kept and sent when the connection returns',
  resyncing: 'Reconnecting and catching up…',
  signed_out: 'Signed out',
};

function ConnectionBadge() {
  const st = status.value;
  const n = pending.value;
  return (
    <div class={`conn conn-${st}`} role="status" aria-live="polite" id="connection-status" data-status={st}>
      <span class="conn-dot" aria-hidden="true" />
      {status_text[st]}
      {n > 0 && <span> · {n} change{n === 1 ? '' : 's'} waiting to be sent</span>}
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
    <nav aria-label="Main">
      <ul>
        {link('overview', href.overview(), 'Overview')}
        {link('deliverables', href.deliverables(), 'Deliverables')}
        {link('rounds', href.rounds(), 'Reporting rounds')}
        {user && !is_auditor(user) && link('mine', href.mine(), is_secretariat(user) ? 'UN pledges' : 'My pledges')}
        {link('impact', href.impact(), 'Attribution and impact')}
        {is_privileged(user) && link('audit', href.audit(), 'Audit')}
        {is_secretariat(user) && link('admin', href.admin_orgs(), 'Administration')}
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
    case 'admin_org':
      return <AdminOrgView key={r.id} s={s} id={r.id!} />;
    case 'admin_user':
      return <AdminUserView key={r.id} s={s} id={r.id!} />;
    default:
      return <NotFound what="This page" />;
  }
}

export function App() {
  const si = signed_in.value;
  const user = me.value;
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="banner">
        <div class="brand">
          <a href="#/">A4P Workspace</a>
        </div>
        {si && <Nav />}
        <div class="session">
          <ConnectionBadge />
          {si && user && (
            <span class="who">
              {user.name} ({user.org}, {user.roles.join(', ')}){' '}
              <button type="button" class="link-button" onClick={() => void sign_out()}>
                Sign out
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
        <p>Action for Peacekeeping: shared commitments, pledges and progress.</p>
      </footer>
    </>
  );
}
