// The attribution and impact report (per theme and round): each pledge's output and impact
// indicators side by side, the last reported progress, whether an impact note exists, the
// attribution (statement, preexisting, confidence); the totals; filters; CSV; print.
// The computation is src/report/attribution.ts; this is only its presentation. The Secretariat
// and auditors see every pledge; a member sees its organisation's pledges and the totals.
import { useState } from 'preact/hooks';
import type { ReportFilter, Totals } from '../../report/attribution';
import { attribution_report, report_csv } from '../../report/attribution';
import type { State } from '../../sync';
import { PageTitle, StatusBadge } from '../components/common';
import { group_name, is_privileged, known_groups, org_name, region_name, regions, sorted_rounds, sorted_themes, theme_name } from '../model';
import { content_lang, fmt_date, fmt_number, fmt_percent, t, t_maybe } from '../../i18n';

const percent = (share: number | null) => (share === null ? t('common.na') : fmt_percent(share));
import { download } from '../download';
import { use_href, use_me } from '../view_mode';
import { use_whole_reports } from '../report_history';

function Select(props: { id: string; label: string; value: string; options: [string, string][]; on: (v: string) => void }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.on(e.currentTarget.value)}>
        <option value="">{t('impact.all')}</option>
        {props.options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

function TotalsBox({ t: x, title, id }: { t: Totals; title: string; id: string }) {
  return (
    <section class="card totals" id={id} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      <dl>
        <dt>{t('impact.pledges')}</dt>
        <dd data-total="pledges">{fmt_number(x.pledges)}</dd>
        <dt>{t('impact.with_report')}</dt>
        <dd data-total="reported">{fmt_number(x.reported)}</dd>
        <dt>{t('impact.preexisting')}</dt>
        <dd data-total="share_preexisting">
          {percent(x.share_preexisting)}{' '}
          <span class="muted">{t('impact.points', { a: x.preexisting_progress_sum, b: x.progress_sum })}</span>
        </dd>
        <dt>{t('impact.no_evidence')}</dt>
        <dd data-total="share_no_impact">
          {percent(x.share_no_impact)} <span class="muted">{t('impact.of', { a: x.no_impact_evidence, b: x.pledges })}</span>
        </dd>
      </dl>
    </section>
  );
}

export function ImpactView({ s: state }: { s: State }) {
  // Every report of every pledge (a light session's skeleton holds the latest only).
  const { s, ready } = use_whole_reports(state);
  const user = use_me();
  const href = use_href();
  const [f, set_f] = useState<Required<ReportFilter>>({ theme: '', round: '', region: '', group: '' });
  if (!ready)
    return (
      <div class="impact-report">
        <PageTitle>{t('nav.impact')}</PageTitle>
        <p aria-busy="true">{t('report.loading_history')}</p>
      </div>
    );
  const privileged = is_privileged(user);
  const r = attribution_report(s, f, { org: user?.org ?? '', privileged });
  const set = (k: keyof ReportFilter) => (v: string) => set_f({ ...f, [k]: v });
  return (
    <div class="impact-report">
      <PageTitle>{t('nav.impact')}</PageTitle>
      <p class="muted no-print">
        {privileged ? t('impact.every') : t('impact.yours', { org: org_name(s, user?.org ?? '') })}
      </p>
      <form class="filters no-print" aria-label={t('impact.filters')} onSubmit={(e) => e.preventDefault()}>
        <Select id="f-theme" label={t('disc.theme')} value={f.theme ?? ''} on={set('theme')} options={sorted_themes(s).map((th) => [th.id, theme_name(s, th.id)])} />
        <Select id="f-round" label={t('chart.round')} value={f.round ?? ''} on={set('round')} options={sorted_rounds(s).map((x) => [x.id, x.name])} />
        <Select id="f-region" label={t('overview.region')} value={f.region ?? ''} on={set('region')} options={regions.map((x) => [x, region_name(x)])} />
        <Select id="f-group" label={t('overview.group')} value={f.group ?? ''} on={set('group')} options={known_groups.map((x) => [x, group_name(x)])} />
      </form>
      <div class="two-col">
        <TotalsBox t={r.totals} title={t('impact.totals')} id="totals-all" />
        {r.own_totals && <TotalsBox t={r.own_totals} title={t('impact.totals_for', { org: org_name(s, user?.org ?? '') })} id="totals-own" />}
      </div>
      <p class="no-print">
        <button type="button" id="report-csv" onClick={() => download([report_csv(r.rows)], 'text/csv', 'a4p-attribution.csv')}>
          {t('impact.csv')}
        </button>{' '}
        <button type="button" onClick={() => window.print()}>
          {t('impact.print')}
        </button>
      </p>
      <div class="table-scroll" tabIndex={0} role="region" aria-label={t('impact.table_label')}>
        <table class="report-table" id="report-table">
          <caption>{t('impact.caption', { n: r.rows.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('ptable.pledge')}</th>
              <th scope="col">{t('overview.organisation')}</th>
              <th scope="col">{t('common.output_indicator')}</th>
              <th scope="col">{t('pledge.impact_indicator')}</th>
              <th scope="col">{t('impact.last')}</th>
              <th scope="col">{t('impact.note')}</th>
              <th scope="col">{t('impact.attribution')}</th>
              <th scope="col">{t('impact.preexisting_col')}</th>
              <th scope="col">{t('report.confidence')}</th>
            </tr>
          </thead>
          <tbody>
            {r.rows.map((x) => (
              <tr key={x.pledge} data-pledge={x.pledge}>
                <th scope="row">
                  <a href={href.pledge(x.pledge)} {...content_lang(s.pledges[x.pledge]?.lang)}>
                    {x.title}
                  </a>
                </th>
                <td>{org_name(s, x.org)}</td>
                <td>
                  {x.output.indicator}: {x.output.target}
                </td>
                <td>{x.impact ? `${x.impact.indicator}: ${x.impact.target}` : <span class="gap-text">{t('overview.none')}</span>}</td>
                <td>
                  {x.last ? (
                    <>
                      <StatusBadge status={x.last.status} /> {fmt_percent(x.last.progress / 100)}{' '}
                      <span class="muted">({fmt_date(x.last.ts)})</span>
                    </>
                  ) : (
                    <span class="muted">{t('impact.not_reported')}</span>
                  )}
                </td>
                <td>{x.impact_note ? t('impact.yes') : <span class="gap-text">{t('impact.no')}</span>}</td>
                <td>{x.attribution?.statement ?? <span class="muted">{t('overview.none')}</span>}</td>
                <td>{x.attribution ? (x.attribution.preexisting ? t('impact.yes') : t('impact.no')) : ''}</td>
                <td>{x.attribution ? (t_maybe(`confidence.${x.attribution.confidence}`) ?? x.attribution.confidence) : ''}</td>

              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
