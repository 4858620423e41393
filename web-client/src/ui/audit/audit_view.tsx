// The audit view (auditors and the Secretariat): where in the log (a seq, or a date that is
// resolved to the last seq at or before it), a tab bar whose links keep that point, and the
// page: the workspace read-only as it was (timeline), an entity's history, the chain check,
// the exports, the attribution report. Everyone else is refused here, whatever the URL.
import { useEffect } from 'preact/hooks';
import { seq_at_time, time_at } from '../../audit/timeline';
import { Loading, PageTitle } from '../components/common';
import { is_privileged } from '../model';
import type { AuditPage, AuditRoute } from '../router';
import { audit_href } from '../router';
import { me } from '../store';
import { head, index, index_error, index_loaded, load_index } from './audit_store';
import { ChainPage } from './chain_page';
import { ExportPage } from './export_page';
import { HistoryPage } from './history_page';
import { ImpactAt } from './impact_at';
import { Timeline } from './timeline';

/** "1 March 2026, 10:00 UTC" from an RFC 3339 time. */
export function readable_time(ts: string | null): string {
  if (!ts) return 'before the first event';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const date = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return `${date}, ${d.toISOString().slice(11, 16)} UTC`;
}

const tabs: [AuditPage, string][] = [
  ['overview', 'Timeline'],
  ['history', 'Entity history'],
  ['chain', 'Chain status'],
  ['export', 'Export'],
  ['impact', 'Attribution report'],
];

function Tabs({ seq, page }: { seq: number; page: AuditPage }) {
  const current: AuditPage = tabs.some(([p]) => p === page) ? page : 'overview';
  return (
    <nav aria-label="Audit">
      <ul class="tabs">
        {tabs.map(([p, label]) => (
          <li key={p}>
            <a href={audit_href(seq, p)} aria-current={current === p ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Refused() {
  return (
    <section>
      <PageTitle>Audit</PageTitle>
      <p role="alert" id="audit-refused">
        The audit view is for auditors and the Secretariat. Your account cannot open it.
      </p>
      <p>
        <a href="#/">Back to the overview</a>
      </p>
    </section>
  );
}

function AuditPageAt({ r, seq }: { r: AuditRoute; seq: number }) {
  switch (r.page) {
    case 'history':
      return <HistoryPage seq={seq} entity={r.id} />;
    case 'chain':
      return <ChainPage seq={seq} />;
    case 'export':
      return <ExportPage seq={seq} />;
    case 'impact':
      return <ImpactAt seq={seq} />;
    default:
      return <Timeline seq={seq} page={r.page} id={r.id} />;
  }
}

export function AuditView({ r }: { r: AuditRoute }) {
  const allowed = is_privileged(me.value);
  useEffect(() => {
    if (allowed) void load_index();
  }, [allowed]);
  const h = head.value;
  // Bare #/audit: the head, written into the URL so that the page can be cited.
  useEffect(() => {
    if (allowed && r.at === null && r.on === null && h !== null) location.replace(audit_href(h, r.page, r.id));
  }, [allowed, r.at, r.on, h]);
  if (!allowed) return <Refused />;
  if (index_error.value) return <p role="alert">The log could not be read: {index_error.value}</p>;
  let seq: number | null = null;
  if (r.at !== null) seq = r.at;
  else if (r.on !== null && index_loaded.value) seq = seq_at_time(index.value, r.on);
  if (seq === null || h === null) return <Loading />;
  if (seq > h && index_loaded.value)
    return (
      <section>
        <PageTitle>Audit</PageTitle>
        <p role="alert">
          Seq {seq} is beyond the head of the log ({h}). <a href={audit_href(h)}>Go to the head</a>
        </p>
      </section>
    );
  return (
    <div class="audit">
      <p class="asof-banner" id="asof-banner" data-seq={seq}>
        <strong>
          As of {readable_time(time_at(index.value, seq))}, seq {seq}
        </strong>{' '}
        <span class="muted">
          (read-only; the log’s head is seq {h}
          {r.on !== null ? `; resolved from ${r.on}` : ''})
        </span>
      </p>
      <Tabs seq={seq} page={r.page} />
      <AuditPageAt r={r} seq={seq} />
    </div>
  );
}
