// Overview: the eight themes with champions and pledge counts by status; the discussions
// with their comment counts and last activity (from the skeleton, live); progress over
// reporting rounds (charts with table alternatives); the coverage grid of organisations by
// theme, filterable and broken down by region or group, so gaps (such as few African troop
// contributors among champions) are visible.
import { useState } from 'preact/hooks';
import type { Org, State } from '../../sync';
import { pledge_statuses } from '../../sync';
import { BarChart } from '../components/bar_chart';
import { PageTitle } from '../components/common';
import { ThreadInfo } from '../components/thread_info';
import { thread_of } from '../../sync';
import {
  champions_of,
  group_name,
  grid_orgs,
  known_groups,

  region_name,
  regions,
  round_figures,
  status_counts,
  sorted_themes,
  status_colors,
  status_label,
  theme_name,
} from '../model';
import { fmt_number, t } from '../../i18n';
import { use_href } from '../view_mode';
import { light } from '../store';

function ThemeCards({ s }: { s: State }) {
  const href = use_href();
  const themes = sorted_themes(s);
  const pledges = Object.values(s.pledges);
  return (
    <section aria-labelledby="themes-h">
      <h2 id="themes-h">{t('overview.themes')}</h2>
      <ul class="cards">
        {themes.map((th) => {
          const champs = champions_of(s, th.id);
          const counts = status_counts(pledges.filter((p) => p.theme === th.id));
          const total = pledge_statuses.reduce((a, k) => a + counts[k], 0);
          return (
            <li class="card" key={th.id}>
              <h3>
                <a href={href.theme(th.id)}>{theme_name(s, th.id)}</a>
              </h3>
              {th.note && <p class="muted">{th.note}</p>}
              <p>
                <strong>{t('overview.champions')}</strong>{' '}
                {champs.length ? champs.join(', ') : <span class="gap-text">{t('overview.none')}</span>}
              </p>
              <p>{t('overview.pledge_count', { n: total })}</p>
              <ul class="status-counts" aria-label={t('overview.by_status_label', { theme: theme_name(s, th.id) })}>
                {pledge_statuses.map((k) => (
                  <li key={k}>
                    <span class={`dot status-${k}`} aria-hidden="true" />
                    {t('overview.status_count', { status: status_label(k), n: counts[k] })}
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function RoundCharts({ s }: { s: State }) {
  const figs = round_figures(s);
  // A light skeleton without `round_reports` holds each pledge's latest report only.
  const partial = light.value && !Object.values(s.pledges).some((p) => p.round_reports);
  const cats = figs.map((f) => f.name);
  return (
    <section aria-labelledby="progress-h">
      <h2 id="progress-h">{t('overview.progress_h')}</h2>
      <div class="two-col">
        <BarChart
          id="chart-avg"
          title={t('overview.chart_avg')}
          description={
            figs.length
              ? figs.map((f) => t('overview.chart_avg_desc', { round: f.name, avg: f.average_progress / 100, n: f.reports })).join('; ')
              : t('overview.no_rounds')
          }
          categories={cats}
          axis_labels={figs.map((f) => f.round)}
          series={[{ key: 'avg', label: t('overview.chart_avg_series'), color: '#1e4fa3' }]}
          values={figs.map((f) => [f.average_progress])}
          unit="%"
          max={100}
        />
        <BarChart
          id="chart-status"
          title={t('overview.chart_status')}
          description={
            figs.length
              ? figs
                  .map((f) => `${f.name}: ${pledge_statuses.map((k) => t('overview.status_count', { status: status_label(k), n: f.by_status[k] })).join(', ')}`)
                  .join('; ')
              : t('overview.no_rounds')
          }
          categories={cats}
          axis_labels={figs.map((f) => f.round)}
          series={pledge_statuses.map((k) => ({ key: k, label: status_label(k), color: status_colors[k]! }))}
          values={figs.map((f) => pledge_statuses.map((k) => f.by_status[k]))}
          stacked
        />
      </div>
      {partial && <p class="muted">{t('overview.chart_latest_only')}</p>}
    </section>
  );
}

type Breakdown = 'none' | 'region' | 'group';

function CoverageGrid({ s }: { s: State }) {
  const href = use_href();
  const [region, set_region] = useState('');
  const [group, set_group] = useState('');
  const [breakdown, set_breakdown] = useState<Breakdown>('region');
  const themes = sorted_themes(s);
  const pledges = Object.values(s.pledges);
  const champ = new Set(Object.values(s.champions).map((c) => `${c.org}:${c.theme}`));
  const count = (org: string, theme: string) => pledges.filter((p) => p.org === org && p.theme === theme).length;
  const all_groups = [...new Set([...known_groups, ...grid_orgs(s).flatMap((o) => o.groups ?? [])])];
  const orgs = grid_orgs(s).filter(
    (o) => (!region || o.region === region) && (!group || (o.groups ?? []).includes(group)),
  );
  const sections: { key: string; label: string; orgs: Org[] }[] =
    breakdown === 'none'
      ? [{ key: 'all', label: t('overview.all_orgs'), orgs }]
      : breakdown === 'region'
        ? [...regions, ''].map((r) => ({
            key: r || 'none',
            label: r ? `${r} (${region_name(r)})` : t('overview.no_region'),
            orgs: orgs.filter((o) => (o.region ?? '') === r),
          }))
        : [...all_groups.map((g) => ({ key: g, label: group_name(g), orgs: orgs.filter((o) => (o.groups ?? []).includes(g)) }))];
  const visible_sections = sections.filter((x) => x.orgs.length > 0);
  // The headline gap: troop contributors by region and how many of them champion a theme.
  const tcc = grid_orgs(s).filter((o) => (o.groups ?? []).includes('TCC'));
  const tcc_summary = regions
    .map((r) => {
      const in_r = tcc.filter((o) => o.region === r);
      const champs = in_r.filter((o) => themes.some((th) => champ.has(`${o.id}:${th.id}`)));
      return { r, n: in_r.length, c: champs.length };
    })
    .filter((x) => x.n > 0);
  return (
    <section aria-labelledby="coverage-h">
      <h2 id="coverage-h">{t('overview.coverage_h')}</h2>
      <p class="muted">{t('overview.coverage_help')}</p>
      {tcc_summary.length > 0 && (
        <p class="callout" id="tcc-gap">
          {t('overview.tcc_lead')}{' '}
          {tcc_summary.map((x, i) => (
            <span key={x.r} class={x.c === 0 || x.c * 2 < x.n ? 'gap-text' : ''}>
              {i > 0 ? '; ' : ''}
              {t('overview.tcc_item', { region: x.r, c: x.c, n: x.n })}
            </span>
          ))}
          .
        </p>
      )}
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('overview.filters')}>
        <label>
          {t('overview.region')}{' '}
          <select value={region} onChange={(e) => set_region(e.currentTarget.value)}>
            <option value="">{t('overview.all_regions')}</option>
            {regions.map((r) => (
              <option key={r} value={r}>
                {r} – {region_name(r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('overview.group')}{' '}
          <select value={group} onChange={(e) => set_group(e.currentTarget.value)}>
            <option value="">{t('overview.all_groups')}</option>
            {all_groups.map((g) => (
              <option key={g} value={g}>
                {group_name(g)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('overview.break_down')}{' '}
          <select value={breakdown} onChange={(e) => set_breakdown(e.currentTarget.value as Breakdown)}>
            <option value="none">{t('overview.bd_none')}</option>
            <option value="region">{t('overview.bd_region')}</option>
            <option value="group">{t('overview.bd_group')}</option>
          </select>
        </label>
      </form>
      <div class="table-scroll" tabIndex={0} role="region" aria-label={t('overview.grid_label')}>
        <table class="coverage" id="coverage-grid">
          <caption class="visually-hidden">{t('overview.grid_caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('overview.organisation')}</th>
              {themes.map((th) => (
                <th scope="col" key={th.id}>
                  <a href={href.theme(th.id)}>{theme_name(s, th.id)}</a>
                </th>
              ))}
            </tr>
          </thead>
          {visible_sections.length === 0 && (
            <tbody>
              <tr>
                <td colSpan={themes.length + 1}>{t('overview.no_match')}</td>
              </tr>
            </tbody>
          )}
          {visible_sections.map((sec) => {
            const champs_per_theme = themes.map((th) => sec.orgs.filter((o) => champ.has(`${o.id}:${th.id}`)).length);
            const pledges_per_theme = themes.map((th) => sec.orgs.reduce((a, o) => a + count(o.id, th.id), 0));
            return (
              <tbody key={sec.key}>
                {breakdown !== 'none' && (
                  <tr class="section-row">
                    <th scope="rowgroup" colSpan={themes.length + 1}>
                      {t('overview.section', { label: sec.label, n: sec.orgs.length })}
                    </th>
                  </tr>
                )}
                {sec.orgs.map((o) => (
                  <tr key={o.id}>
                    <th scope="row">
                      {o.name} <span class="muted">({o.id})</span>
                    </th>
                    {themes.map((th) => {
                      const is_champ = champ.has(`${o.id}:${th.id}`);
                      const n = count(o.id, th.id);
                      const empty = !is_champ && n === 0;
                      return (
                        <td key={th.id} class={empty ? 'cell-gap' : is_champ ? 'cell-champ' : 'cell-some'}>
                          {is_champ && <span aria-hidden="true">★ </span>}
                          {n > 0 ? fmt_number(n) : empty ? <span aria-hidden="true">·</span> : ''}
                          <span class="visually-hidden">{t('overview.cell', { champ: is_champ ? 'yes' : 'no', n })}</span>
                        </td>
                      );
                    })}
                  </tr>
                ))}
                <tr class="summary-row">
                  <th scope="row">{breakdown !== 'none' ? t('overview.summary_of', { key: sec.key }) : t('overview.summary')}</th>
                  {themes.map((th, i) => (
                    <td key={th.id} class={champs_per_theme[i] === 0 ? 'cell-gap strong-gap' : ''}>
                      {champs_per_theme[i]} / {pledges_per_theme[i]}
                      {champs_per_theme[i] === 0 && <span class="visually-hidden"> {t('overview.no_champion')}</span>}
                    </td>
                  ))}
                </tr>
              </tbody>
            );
          })}
        </table>
      </div>
    </section>
  );
}

function DeliverablesSummary({ s }: { s: State }) {
  const href = use_href();
  const all = Object.values(s.pledges);
  const un = all.filter((p) => p.org === 'UN');
  const others = all.filter((p) => p.org !== 'UN');
  const line = (ps: typeof all) => {
    const c = status_counts(ps);
    return (
      pledge_statuses
        .filter((k) => c[k] > 0)
        .map((k) => t('overview.status_count', { status: status_label(k), n: c[k] }))
        .join(', ') || t('overview.none_yet')
    );
  };
  return (
    <section aria-labelledby="deliv-h">
      <h2 id="deliv-h">{t('overview.glance')}</h2>
      <div class="two-col">
        <p class="card">
          <strong>{t('overview.un_deliverables', { n: un.length })}</strong>
          <br />
          {line(un)}. <a href={href.deliverables()}>{t('overview.monthly')}</a>
        </p>
        <p class="card">
          <strong>{t('overview.member_pledges', { n: others.length })}</strong>
          <br />
          {line(others)}. <a href={href.rounds()}>{t('overview.who_reported')}</a>
        </p>
      </div>
    </section>
  );
}

const recent_discussions = 8;

/** The discussions one may see, latest activity first (the last comment, else convening). */
function RecentDiscussions({ s }: { s: State }) {
  const href = use_href();
  const last = (id: string) => thread_of(s, `discussion:${id}`).last_ts || s.discussions[id]?.created_ts || '';
  const list = Object.values(s.discussions)
    .map((d) => ({ d, at: last(d.id) }))
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, recent_discussions);
  return (
    <section aria-labelledby="recent-disc-h">
      <h2 id="recent-disc-h">{t('overview.discussions_h')}</h2>
      {list.length === 0 ? (
        <p>{t('disc.none')}</p>
      ) : (
        <ul class="recent-discussions">
          {list.map(({ d }) => (
            <li key={d.id}>
              <a href={href.discussion(d.id)}>{d.title}</a> <ThreadInfo s={s} target={`discussion:${d.id}`} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function OverviewView({ s }: { s: State }) {
  return (
    <>
      <PageTitle>{t('overview.title')}</PageTitle>

      <DeliverablesSummary s={s} />
      <ThemeCards s={s} />
      <RecentDiscussions s={s} />
      <RoundCharts s={s} />
      <CoverageGrid s={s} />
    </>
  );
}
