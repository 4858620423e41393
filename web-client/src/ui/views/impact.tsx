// The attribution and impact report (per theme and round): each pledge's output and impact
// indicators side by side, the last reported progress, whether an impact note exists, the
// attribution (statement, preexisting, confidence); the totals; filters; CSV; print.
// The computation is src/report/attribution.ts; this is only its presentation. The Secretariat
// and auditors see every pledge; a member sees its organisation's pledges and the totals.
import { useState } from 'preact/hooks';
import type { ReportFilter, Totals } from '../../report/attribution';
import { attribution_report, percent, report_csv } from '../../report/attribution';
import type { State } from '../../sync';
import { PageTitle, StatusBadge } from '../components/common';
import { group_names, is_privileged, known_groups, org_name, region_names, regions, sorted_rounds, sorted_themes } from '../model';
import { download } from '../download';
import { use_href, use_me } from '../view_mode';

function Select(props: { id: string; label: string; value: string; options: [string, string][]; on: (v: string) => void }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.on(e.currentTarget.value)}>
        <option value="">All</option>
        {props.options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

function TotalsBox({ t, title, id }: { t: Totals; title: string; id: string }) {
  return (
    <section class="card totals" id={id} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      <dl>
        <dt>Pledges</dt>
        <dd data-total="pledges">{t.pledges}</dd>
        <dt>With a report</dt>
        <dd data-total="reported">{t.reported}</dd>
        <dt>Progress claimed on work that existed before A4P</dt>
        <dd data-total="share_preexisting">
          {percent(t.share_preexisting)}{' '}
          <span class="muted">
            ({t.preexisting_progress_sum} of {t.progress_sum} progress points)
          </span>
        </dd>
        <dt>Pledges with no impact evidence</dt>
        <dd data-total="share_no_impact">
          {percent(t.share_no_impact)}{' '}
          <span class="muted">
            ({t.no_impact_evidence} of {t.pledges})
          </span>
        </dd>
      </dl>
    </section>
  );
}

export function ImpactView({ s }: { s: State }) {
  const user = use_me();
  const href = use_href();
  const [f, set_f] = useState<Required<ReportFilter>>({ theme: '', round: '', region: '', group: '' });
  const privileged = is_privileged(user);
  const r = attribution_report(s, f, { org: user?.org ?? '', privileged });
  const set = (k: keyof ReportFilter) => (v: string) => set_f({ ...f, [k]: v });
  return (
    <div class="impact-report">
      <PageTitle>Attribution and impact</PageTitle>
      <p class="muted no-print">
        {privileged
          ? 'Every pledge in the filter.'
          : `Your organisation’s pledges (${org_name(s, user?.org ?? '')}); the totals count every pledge in the filter, as pledges and their reports are visible to all.`}
      </p>
      <form class="filters no-print" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <Select id="f-theme" label="Theme" value={f.theme ?? ''} on={set('theme')} options={sorted_themes(s).map((t) => [t.id, t.name])} />
        <Select id="f-round" label="Round" value={f.round ?? ''} on={set('round')} options={sorted_rounds(s).map((x) => [x.id, x.name])} />
        <Select id="f-region" label="Region" value={f.region ?? ''} on={set('region')} options={regions.map((x) => [x, region_names[x] ?? x])} />
        <Select id="f-group" label="Group" value={f.group ?? ''} on={set('group')} options={known_groups.map((x) => [x, group_names[x] ?? x])} />
      </form>
      <div class="two-col">
        <TotalsBox t={r.totals} title="Totals" id="totals-all" />
        {r.own_totals && <TotalsBox t={r.own_totals} title={`Totals for ${org_name(s, user?.org ?? '')}`} id="totals-own" />}
      </div>
      <p class="no-print">
        <button type="button" id="report-csv" onClick={() => download([report_csv(r.rows)], 'text/csv', 'a4p-attribution.csv')}>
          Download CSV
        </button>{' '}
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
      </p>
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Pledges, scrollable">
        <table class="report-table" id="report-table">
          <caption>Pledges: output and impact, last progress, attribution ({r.rows.length})</caption>
          <thead>
            <tr>
              <th scope="col">Pledge</th>
              <th scope="col">Organisation</th>
              <th scope="col">Output indicator</th>
              <th scope="col">Impact indicator</th>
              <th scope="col">Last reported progress</th>
              <th scope="col">Impact note</th>
              <th scope="col">Attribution</th>
              <th scope="col">Preexisting</th>
              <th scope="col">Confidence</th>
            </tr>
          </thead>
          <tbody>
            {r.rows.map((x) => (
              <tr key={x.pledge} data-pledge={x.pledge}>
                <th scope="row">
                  <a href={href.pledge(x.pledge)}>{x.title}</a>
                </th>
                <td>{org_name(s, x.org)}</td>
                <td>
                  {x.output.indicator}: {x.output.target}
                </td>
                <td>{x.impact ? `${x.impact.indicator}: ${x.impact.target}` : <span class="gap-text">none</span>}</td>
                <td>
                  {x.last ? (
                    <>
                      <StatusBadge status={x.last.status} /> {x.last.progress}% <span class="muted">({x.last.ts.slice(0, 10)})</span>
                    </>
                  ) : (
                    <span class="muted">not reported</span>
                  )}
                </td>
                <td>{x.impact_note ? 'yes' : <span class="gap-text">no</span>}</td>
                <td>{x.attribution?.statement ?? <span class="muted">none</span>}</td>
                <td>{x.attribution ? (x.attribution.preexisting ? 'yes' : 'no') : ''}</td>
                <td>{x.attribution?.confidence ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
