// The audit view (auditors and the Secretariat): where in the log (a seq, or a date or time
// that is resolved to the last seq at or before it), whose view (auditors may take a member
// organisation's: "as org X saw it"), a tab bar whose links keep that point, and the page:
// the workspace read-only as it was (timeline), an entity's history, the chain check, the
// exports, the attribution report. Everyone else is refused here, whatever the URL.
import { useEffect, useState } from 'preact/hooks';
import { state_at_time } from '../../audit/api';
import { seq_at_time } from '../../audit/timeline';
import { Loading, PageTitle } from '../components/common';
import { is_auditor, is_privileged, org_name } from '../model';
import type { At, AuditPage, AuditRoute } from '../router';
import { audit_href } from '../router';
import { me, state } from '../store';
import { features, head, index, index_error, index_loaded, load_index, probe_features, time_of } from './audit_store';
import { ChainPage } from './chain_page';
import { ExportPage } from './export_page';
import { HistoryPage } from './history_page';
import { ImpactAt } from './impact_at';
import { Timeline } from './timeline';
import { fmt_datetime, t, type MessageKey } from '../../i18n';

/** An RFC 3339 time in the user's time zone, the zone named, in the UI language. */
export function readable_time(ts: string | null): string {
  if (!ts) return t('audit.before_first');
  return fmt_datetime(ts);
}

const tabs: [AuditPage, MessageKey][] = [
  ['overview', 'audit.tab.timeline'],
  ['history', 'audit.tab.history'],
  ['chain', 'audit.tab.chain'],
  ['export', 'audit.tab.export'],
  ['impact', 'audit.tab.impact'],
];

function Tabs({ at, page }: { at: At; page: AuditPage }) {
  const current: AuditPage = tabs.some(([p]) => p === page) ? page : 'overview';
  return (
    <nav aria-label={t('nav.audit')}>
      <ul class="tabs">
        {tabs.map(([p, label]) => (
          <li key={p}>
            <a href={audit_href(at, p)} aria-current={current === p ? 'page' : undefined}>
              {t(label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Auditors: whose view to take (the server answers 403 to anyone else). */
function AsOrg({ at, r }: { at: At; r: AuditRoute }) {
  const orgs = Object.values(state.value?.orgs ?? {}).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <p class="inline-form">
      <label for="as-org">{t('audit.seen_as')}</label>{' '}
      <select
        id="as-org"
        value={at.as_org ?? ''}
        onChange={(e) => {
          location.hash = audit_href({ seq: at.seq, as_org: e.currentTarget.value || null }, r.page, r.id);
        }}
      >
        <option value="">{t('audit.everything')}</option>
        {orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {t('audit.as_member', { org: o.name, code: o.id })}
          </option>
        ))}
      </select>
    </p>
  );
}

function Refused() {
  return (
    <section>
      <PageTitle>{t('nav.audit')}</PageTitle>
      <p role="alert" id="audit-refused">
        {t('audit.refused')}
      </p>
      <p>
        <a href="#/">{t('common.back_overview')}</a>
      </p>
    </section>
  );
}

function AuditPageAt({ r, at }: { r: AuditRoute; at: At }) {
  switch (r.page) {
    case 'history':
      return <HistoryPage at={at} entity={r.id} />;
    case 'chain':
      return <ChainPage at={at} />;
    case 'export':
      return <ExportPage at={at} />;
    case 'impact':
      return <ImpactAt at={at} />;
    default:
      return <Timeline at={at} page={r.page} id={r.id} />;
  }
}

/** A date means the end of that day, UTC; a time is taken as given. */
const instant_of = (on: string) => (/^\d{4}-\d{2}-\d{2}$/.test(on) ? `${on}T23:59:59.999Z` : on);

/** The seq a date or time in the URL stands for: the server's `at_time` when it has one,
 * else the log index. */
function use_resolved(on: string | null, as_org: string | null): number | null {
  const [resolved, set_resolved] = useState<{ on: string; seq: number | null } | null>(null);
  const f = features.value;
  useEffect(() => {
    if (on === null || !f) return;
    if (!f.at_time) return set_resolved({ on, seq: null });
    let live = true;
    void state_at_time(instant_of(on), as_org, undefined, 'light').then((r) => {
      if (live) set_resolved({ on, seq: r.ok ? r.value.seq : null });
    });
    return () => {
      live = false;
    };
  }, [on, as_org, f]);
  if (on === null || resolved?.on !== on) return null;
  if (resolved.seq !== null) return resolved.seq;
  return index_loaded.value ? seq_at_time(index.value, on) : null;
}

export function AuditView({ r }: { r: AuditRoute }) {
  const user = me.value;
  const allowed = is_privileged(user);
  useEffect(() => {
    if (!allowed) return;
    void load_index();
    probe_features();
  }, [allowed]);
  const h = head.value;
  // Bare #/audit: the head, written into the URL so that the page can be cited.
  useEffect(() => {
    if (allowed && r.at === null && r.on === null && h !== null)
      location.replace(audit_href({ seq: h, as_org: r.as_org }, r.page, r.id));
  }, [allowed, r.at, r.on, h]);
  const from_date = use_resolved(r.on, r.as_org);
  if (!allowed) return <Refused />;
  if (index_error.value) return <p role="alert">{t('audit.log_error', { reason: index_error.value })}</p>;
  const seq = r.at ?? from_date;
  if (seq === null || h === null) return <Loading />;
  if (seq > h && index_loaded.value)
    return (
      <section>
        <PageTitle>{t('nav.audit')}</PageTitle>
        <p role="alert">
          {t('audit.beyond', { seq, head: h })} <a href={audit_href(h)}>{t('audit.go_head')}</a>
        </p>
      </section>
    );
  if (r.as_org && features.value && !features.value.as_org)
    return (
      <p role="alert" id="as-org-unsupported">
        {t('audit.no_as_org')}
      </p>
    );
  const at: At = { seq, as_org: r.as_org };
  const as_name = r.as_org && state.value ? org_name(state.value, r.as_org) : r.as_org;
  return (
    <div class="audit">
      <p class="asof-banner" id="asof-banner" data-seq={seq} data-as-org={r.as_org ?? ''}>
        <strong>
          {as_name
            ? t('audit.as_of_org', { time: readable_time(time_of(seq)), seq, org: as_name })
            : t('audit.as_of', { time: readable_time(time_of(seq)), seq })}
        </strong>{' '}
        <span class="muted">
          {r.on !== null ? t('audit.head_resolved', { head: h, on: r.on }) : t('audit.head', { head: h })}
        </span>

      </p>
      {is_auditor(user) && features.value?.as_org && <AsOrg at={at} r={r} />}
      <Tabs at={at} page={r.page} />
      <AuditPageAt r={r} at={at} />
    </div>
  );
}
