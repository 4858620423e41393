// Overview: the eight themes with champions and pledge counts by status; progress over
// reporting rounds (charts with table alternatives); the coverage grid of organisations by
// theme, filterable and broken down by region or group, so gaps (such as few African troop
// contributors among champions) are visible.
import { useState } from 'preact/hooks';
import type { Org, State } from '../../sync';
import { pledge_statuses } from '../../sync';
import { BarChart } from '../components/bar_chart';
import { PageTitle } from '../components/common';
import {
  champions_of,
  group_names,
  grid_orgs,
  known_groups,
  region_names,
  regions,
  round_figures,
  status_counts,
  sorted_themes,
  status_label,
} from '../model';
import { use_href } from '../view_mode';

const status_colors: Record<string, string> = {
  planned: '#6b7280',
  on_track: '#1d7a3a',
  delayed: '#b45309',
  done: '#1e4fa3',
  dropped: '#9b1c1c',
};

function ThemeCards({ s }: { s: State }) {
  const href = use_href();
  const themes = sorted_themes(s);
  const pledges = Object.values(s.pledges);
  return (
    <section aria-labelledby="themes-h">
      <h2 id="themes-h">Themes</h2>
      <ul class="cards">
        {themes.map((t) => {
          const champs = champions_of(s, t.id);
          const counts = status_counts(pledges.filter((p) => p.theme === t.id));
          const total = pledge_statuses.reduce((a, k) => a + counts[k], 0);
          return (
            <li class="card" key={t.id}>
              <h3>
                <a href={href.theme(t.id)}>{t.name}</a>
              </h3>
              {t.note && <p class="muted">{t.note}</p>}
              <p>
                <strong>Champions:</strong> {champs.length ? champs.join(', ') : <span class="gap-text">none</span>}
              </p>
              <p>
                <strong>{total}</strong> pledge{total === 1 ? '' : 's'}
              </p>
              <ul class="status-counts" aria-label={`Pledges in ${t.name} by status`}>
                {pledge_statuses.map((k) => (
                  <li key={k}>
                    <span class={`dot status-${k}`} aria-hidden="true" />
                    {status_label[k]}: {counts[k]}
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
  const cats = figs.map((f) => f.name);
  return (
    <section aria-labelledby="progress-h">
      <h2 id="progress-h">Progress over reporting rounds</h2>
      <div class="two-col">
        <BarChart
          id="chart-avg"
          title="Average reported progress by round (%)"
          description={
            figs.length
              ? figs.map((f) => `${f.name}: ${f.average_progress}% average over ${f.reports} reports`).join('; ')
              : 'No reporting rounds yet.'
          }
          categories={cats}
          axis_labels={figs.map((f) => f.round)}
          series={[{ key: 'avg', label: 'Average progress (%)', color: '#1e4fa3' }]}
          values={figs.map((f) => [f.average_progress])}
          unit="%"
          max={100}
        />
        <BarChart
          id="chart-status"
          title="Reports by status in each round"
          description={
            figs.length
              ? figs
                  .map((f) => `${f.name}: ${pledge_statuses.map((k) => `${f.by_status[k]} ${status_label[k]}`).join(', ')}`)
                  .join('; ')
              : 'No reporting rounds yet.'
          }
          categories={cats}
          axis_labels={figs.map((f) => f.round)}
          series={pledge_statuses.map((k) => ({ key: k, label: status_label[k], color: status_colors[k]! }))}
          values={figs.map((f) => pledge_statuses.map((k) => f.by_status[k]))}
          stacked
        />
      </div>
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
      ? [{ key: 'all', label: 'All organisations', orgs }]
      : breakdown === 'region'
        ? [...regions, ''].map((r) => ({
            key: r || 'none',
            label: r ? `${r} (${region_names[r]})` : 'No regional group',
            orgs: orgs.filter((o) => (o.region ?? '') === r),
          }))
        : [...all_groups.map((g) => ({ key: g, label: group_names[g] ?? g, orgs: orgs.filter((o) => (o.groups ?? []).includes(g)) }))];
  const visible_sections = sections.filter((x) => x.orgs.length > 0);
  // The headline gap: troop contributors by region and how many of them champion a theme.
  const tcc = grid_orgs(s).filter((o) => (o.groups ?? []).includes('TCC'));
  const tcc_summary = regions
    .map((r) => {
      const in_r = tcc.filter((o) => o.region === r);
      const champs = in_r.filter((o) => themes.some((t) => champ.has(`${o.id}:${t.id}`)));
      return { r, n: in_r.length, c: champs.length };
    })
    .filter((x) => x.n > 0);
  return (
    <section aria-labelledby="coverage-h">
      <h2 id="coverage-h">Coverage: organisations by theme</h2>
      <p class="muted">
        ★ marks a champion of the theme; the number counts the organisation’s pledges. Empty cells are gaps.
      </p>
      {tcc_summary.length > 0 && (
        <p class="callout" id="tcc-gap">
          Troop contributors who champion a theme, by region:{' '}
          {tcc_summary.map((x, i) => (
            <span key={x.r} class={x.c === 0 || x.c * 2 < x.n ? 'gap-text' : ''}>
              {i > 0 ? '; ' : ''}
              {x.r} {x.c} of {x.n}
            </span>
          ))}
          .
        </p>
      )}
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Coverage filters">
        <label>
          Region{' '}
          <select value={region} onChange={(e) => set_region(e.currentTarget.value)}>
            <option value="">All regions</option>
            {regions.map((r) => (
              <option key={r} value={r}>
                {r} – {region_names[r]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Group{' '}
          <select value={group} onChange={(e) => set_group(e.currentTarget.value)}>
            <option value="">All groups</option>
            {all_groups.map((g) => (
              <option key={g} value={g}>
                {group_names[g] ?? g}
              </option>
            ))}
          </select>
        </label>
        <label>
          Break down by{' '}
          <select value={breakdown} onChange={(e) => set_breakdown(e.currentTarget.value as Breakdown)}>
            <option value="none">Nothing</option>
            <option value="region">Regional group</option>
            <option value="group">Group</option>
          </select>
        </label>
      </form>
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Coverage grid, scrollable">
        <table class="coverage" id="coverage-grid">
          <caption class="visually-hidden">Organisations by theme: champions and pledge counts</caption>
          <thead>
            <tr>
              <th scope="col">Organisation</th>
              {themes.map((t) => (
                <th scope="col" key={t.id}>
                  <a href={href.theme(t.id)}>{t.name}</a>
                </th>
              ))}
            </tr>
          </thead>
          {visible_sections.length === 0 && (
            <tbody>
              <tr>
                <td colSpan={themes.length + 1}>No organisations match these filters.</td>
              </tr>
            </tbody>
          )}
          {visible_sections.map((sec) => {
            const champs_per_theme = themes.map((t) => sec.orgs.filter((o) => champ.has(`${o.id}:${t.id}`)).length);
            const pledges_per_theme = themes.map((t) => sec.orgs.reduce((a, o) => a + count(o.id, t.id), 0));
            return (
              <tbody key={sec.key}>
                {breakdown !== 'none' && (
                  <tr class="section-row">
                    <th scope="rowgroup" colSpan={themes.length + 1}>
                      {sec.label}: {sec.orgs.length} organisation{sec.orgs.length === 1 ? '' : 's'}
                    </th>
                  </tr>
                )}
                {sec.orgs.map((o) => (
                  <tr key={o.id}>
                    <th scope="row">
                      {o.name} <span class="muted">({o.id})</span>
                    </th>
                    {themes.map((t) => {
                      const is_champ = champ.has(`${o.id}:${t.id}`);
                      const n = count(o.id, t.id);
                      const empty = !is_champ && n === 0;
                      return (
                        <td key={t.id} class={empty ? 'cell-gap' : is_champ ? 'cell-champ' : 'cell-some'}>
                          {is_champ && <span aria-hidden="true">★ </span>}
                          {n > 0 ? n : empty ? <span aria-hidden="true">·</span> : ''}
                          <span class="visually-hidden">
                            {is_champ ? 'champion, ' : ''}
                            {n} pledge{n === 1 ? '' : 's'}
                          </span>
                        </td>
                      );
                    })}
                  </tr>
                ))}
                <tr class="summary-row">
                  <th scope="row">Champions / pledges{breakdown !== 'none' ? ` (${sec.key})` : ''}</th>
                  {themes.map((t, i) => (
                    <td key={t.id} class={champs_per_theme[i] === 0 ? 'cell-gap strong-gap' : ''}>
                      {champs_per_theme[i]} / {pledges_per_theme[i]}
                      {champs_per_theme[i] === 0 && <span class="visually-hidden"> (no champion: gap)</span>}
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
    return pledge_statuses.filter((k) => c[k] > 0).map((k) => `${c[k]} ${status_label[k].toLowerCase()}`).join(', ') || 'none yet';
  };
  return (
    <section aria-labelledby="deliv-h">
      <h2 id="deliv-h">Pledges at a glance</h2>
      <div class="two-col">
        <p class="card">
          <strong>The Secretariat’s own deliverables: {un.length}</strong>
          <br />
          {line(un)}. <a href={href.deliverables()}>Monthly reports, beside member states’ pledges</a>
        </p>
        <p class="card">
          <strong>Member states’ and organisations’ pledges: {others.length}</strong>
          <br />
          {line(others)}. <a href={href.rounds()}>Who has reported this round</a>
        </p>
      </div>
    </section>
  );
}

export function OverviewView({ s }: { s: State }) {
  return (
    <>
      <PageTitle>A4P overview</PageTitle>
      <DeliverablesSummary s={s} />
      <ThemeCards s={s} />
      <RoundCharts s={s} />
      <CoverageGrid s={s} />
    </>
  );
}
