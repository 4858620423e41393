// The Secretariat's own deliverables (the UN's pledges) with their monthly reports, beside
// the member states' and organisations' pledges.
import type { State } from '../../sync';
import { PageTitle, Progress, StatusBadge } from '../components/common';
import { PledgeTable } from '../components/pledge_table';
import { by_id, status_counts, status_label } from '../model';
import { fmt_percent, t } from '../../i18n';
import { pledge_statuses } from '../../sync';
import { use_href } from '../view_mode';
import { use_whole_reports } from '../report_history';

export function DeliverablesView({ s: state }: { s: State }) {
  // Every report of every pledge (a light session's skeleton holds the latest only).
  const { s } = use_whole_reports(state);
  const href = use_href();
  const all = Object.values(s.pledges).sort(by_id);
  const un = all.filter((p) => p.org === 'UN');
  const others = all.filter((p) => p.org !== 'UN');
  const un_counts = status_counts(un);
  return (
    <>
      <PageTitle>{t('deliv.title')}</PageTitle>
      <div class="two-col">
        <section aria-labelledby="un-h">
          <h2 id="un-h">{t('deliv.un_h', { n: un.length })}</h2>
          <p>
            {pledge_statuses
              .filter((k) => un_counts[k] > 0)
              .map((k) => t('overview.status_count', { status: status_label(k), n: un_counts[k] }))
              .join(', ') || t('deliv.none')}
          </p>
          <ul class="plain">
            {un.map((p) => (
              <li key={p.id} class="card">
                <h3>
                  <a href={href.pledge(p.id)}>{p.title}</a>
                </h3>
                <p>
                  <StatusBadge status={p.status} /> <Progress value={p.progress} label={t('deliv.progress_of', { title: p.title })} />
                </p>
                {p.reports.length > 0 ? (
                  <table class="compact">
                    <caption>{t('deliv.monthly')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('deliv.month')}</th>
                        <th scope="col">{t('deliv.status')}</th>
                        <th scope="col">{t('deliv.progress')}</th>
                        <th scope="col">{t('deliv.note')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {p.reports.slice(-6).map((r) => (
                        <tr key={r.seq}>
                          <td>{t('deliv.month_of', { d: new Date(r.ts) })}</td>
                          <td>{status_label(r.status)}</td>
                          <td>{fmt_percent(r.progress / 100)}</td>
                          <td>{r.note}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p class="muted">{t('deliv.no_reports')}</p>
                )}
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="ms-h">
          <h2 id="ms-h">{t('deliv.ms_h', { n: others.length })}</h2>
          <PledgeTable s={s} pledges={others} caption={t('deliv.by_endorsers')} />

        </section>
      </div>
    </>
  );
}
