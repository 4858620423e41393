// The public A4P dashboard (issue 15): no sign-in, real paths under /public, live from the
// public feed. Pages: overview, theme, pledge, organisation, organisations, coverage, open
// data. Every string comes from strings.ts; every chart has its table.
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { pledge_statuses } from '../sync';
import type { PledgeStatus } from '../sync/types';
import { BarChart } from '../ui/components/bar_chart';
import { group_name, region_name, safe_url, short_date, status_colors } from '../ui/model';
import { last_change, live_status, pub } from './live';
import { org_name, published_rounds, theme_name, type PubPledge, type PublicState } from './model';
import { current, public_href } from './routes';
import { t, type StringKey } from './strings';

const status_text = (s: string) => t(`status_${s}` as StringKey);
const chart_labels = () => ({
  show_table: t('chart_show_table'),
  show_chart: t('chart_show_chart'),
  no_data: t('chart_no_data'),
  category: t('chart_category'),
});

/** Sets <title>, the meta description and their link-preview twins. */
function use_meta(title: string, description: string) {
  useEffect(() => {
    document.title = `${title} | ${t('site_name')}`;
    for (const [attr, name, value] of [
      ['name', 'description', description],
      ['property', 'og:title', title],
      ['property', 'og:description', description],
    ] as const) {
      let m = document.head.querySelector<HTMLMetaElement>(`meta[${attr}="${name}"]`);
      if (!m) {
        m = document.createElement('meta');
        m.setAttribute(attr, name);
        document.head.appendChild(m);
      }
      m.content = value;
    }
  }, [title, description]);
}

function Page(p: { title: string; description: string; children: ComponentChildren }) {
  use_meta(p.title, p.description);
  return (
    <>
      <h1>{p.title}</h1>
      {p.children}
    </>
  );
}

/** A table that may scroll sideways: focusable, so the keyboard can scroll it too. */
function Scroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={t('scrollable', { what: label })}>
      {children}
    </div>
  );
}

function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{status_text(status)}</span>;
}

function PledgeList({ s, pledges, show_org = true }: { s: PublicState; pledges: PubPledge[]; show_org?: boolean }) {
  if (pledges.length === 0) return <p class="muted">{t('none_yet')}</p>;
  return (
    <ul class="plain pledge-list">
      {pledges.map((p) => (
        <li key={p.id} class="card" data-pledge={p.id}>
          <a href={public_href('pledge', p.id)}>{p.title}</a>{' '}
          <StatusBadge status={p.status} /> <span class="meta">{t('progress_value', { progress: p.progress })}</span>
          {show_org && (
            <div class="meta">
              <a href={public_href('org', p.org)}>{org_name(s, p.org)}</a> · {theme_name(s, p.theme)}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

function status_values(pledges: PubPledge[]) {
  const c: Record<string, number> = Object.fromEntries(pledge_statuses.map((k) => [k, 0]));
  for (const p of pledges) c[p.status] = (c[p.status] ?? 0) + 1;
  return c;
}

function Overview({ s }: { s: PublicState }) {
  const by_status = status_values(s.pledges);
  const rounds = s.counts?.rounds ?? published_rounds(s);
  const series = pledge_statuses.map((k) => ({ key: k, label: status_text(k), color: status_colors[k as PledgeStatus] }));
  return (
    <Page title={t('overview_title')} description={t('overview_description')}>
      <p>{t('overview_intro')}</p>
      {s.counts && (
        <section aria-labelledby="agg-h">
          <h2 id="agg-h">{t('all_pledges_counts')}</h2>
          <dl class="status-counts">
            <dt>{t('total_pledges')}</dt>
            <dd>{s.counts.pledges}</dd>
            <dt>{t('orgs_pledging')}</dt>
            <dd>{s.counts.organisations_pledging}</dd>
            <dt>{t('reports_filed')}</dt>
            <dd>{s.counts.reports}</dd>
            <dt>{t('published_pledges')}</dt>
            <dd data-testid="published-count">{s.pledges.length}</dd>
          </dl>
        </section>
      )}
      <div class="two-col">
        <BarChart
          id="pub-status"
          title={t('by_status_title')}
          description={t('by_status_desc')}
          categories={pledge_statuses.map(status_text)}
          series={[{ key: 'n', label: t('published_pledges'), color: '#1e4fa3' }]}
          values={pledge_statuses.map((k) => [by_status[k] ?? 0])}
          labels={chart_labels()}
        />
        <BarChart
          id="pub-rounds"
          title={t('rounds_title')}
          description={t('rounds_desc')}
          categories={rounds.map((r) => r.name)}
          series={series}
          values={rounds.map((r) => pledge_statuses.map((k) => r.by_status[k] ?? 0))}
          stacked
          labels={chart_labels()}
        />
      </div>
      {s.categories.themes && (
        <section aria-labelledby="themes-h">
          <h2 id="themes-h">{t('themes')}</h2>
          <ul class="cards plain">
            {s.themes.map((th) => {
              const mine = s.pledges.filter((p) => p.theme === th.id);
              const counts = status_values(mine);
              return (
                <li key={th.id} class="card">
                  <h3>
                    <a href={public_href('theme', th.id)}>{th.name}</a>
                  </h3>
                  {th.champions && (
                    <p class="meta">
                      {t('champions')}:{' '}
                      {th.champions.length ? th.champions.map((c) => org_name(s, c.org)).join(', ') : t('no_champions')}
                    </p>
                  )}
                  <p>{t('published_count', { n: mine.length })}</p>
                  <ul class="plain status-counts">
                    {pledge_statuses
                      .filter((k) => counts[k])
                      .map((k) => (
                        <li key={k}>
                          <StatusBadge status={k} /> {counts[k]}
                        </li>
                      ))}
                  </ul>
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <section aria-labelledby="pledges-h">
        <h2 id="pledges-h">{t('published_pledges')}</h2>
        <PledgeList s={s} pledges={s.pledges} />
      </section>
    </Page>
  );
}

function Section(p: { id: string; title: string; on: boolean; empty: boolean; children: ComponentChildren }) {
  return (
    <section aria-labelledby={p.id}>
      <h2 id={p.id}>{p.title}</h2>
      {!p.on ? <p class="muted">{t('category_off')}</p> : p.empty ? <p class="muted">{t('none_yet')}</p> : p.children}
    </section>
  );
}

function Theme({ s, id }: { s: PublicState; id: string }) {
  const th = s.themes.find((x) => x.id === id);
  if (!th) return <NotFound />;
  const commitments = s.commitments.filter((c) => c.theme === id).sort((a, b) => a.number - b.number);
  const gaps = s.gaps.filter((g) => g.theme === id);
  const actions = s.actions.filter((a) => a.theme === id);
  const pledges = s.pledges.filter((p) => p.theme === id);
  const resp = (r: string) => t(`resp_${r}` as StringKey);
  return (
    <Page title={t('theme_title', { name: th.name })} description={t('theme_description', { name: th.name })}>
      {th.note && <p>{th.note}</p>}
      {th.champions && (
        <p class="meta">
          {t('champions')}: {th.champions.length ? th.champions.map((c) => org_name(s, c.org)).join(', ') : t('no_champions')}
        </p>
      )}
      <Section id="cm-h" title={t('commitments')} on={!!s.categories.commitments} empty={!commitments.length}>
        <ol class="plain">
          {commitments.map((c) => (
            <li key={c.id}>
              {c.number}. {c.title} <span class="meta">({t('responsibility', { who: resp(c.responsibility) })})</span>
            </li>
          ))}
        </ol>
      </Section>
      <Section id="gap-h" title={t('gaps')} on={!!s.categories.gaps} empty={!gaps.length}>
        <ul class="plain">
          {gaps.map((g) => (
            <li key={g.id} class="gap">
              <strong>{g.title}</strong>
              <p>{g.description}</p>
            </li>
          ))}
        </ul>
      </Section>
      <Section id="act-h" title={t('actions')} on={!!s.categories.actions} empty={!actions.length}>
        <ul class="plain">
          {actions.map((a) => (
            <li key={a.id} class="action">
              <strong>{a.title}</strong> <span class="meta">({t(`action_kind_${a.kind}` as StringKey)})</span>
              {a.due && <span class="meta"> · {t('due', { date: a.due })}</span>}
              <div class="meta">
                {a.taken_up_by.length
                  ? t('taken_up_by', { orgs: a.taken_up_by.map((o) => org_name(s, o)).join(', ') })
                  : t('not_taken_up')}
              </div>
            </li>
          ))}
        </ul>
      </Section>
      <section aria-labelledby="tp-h">
        <h2 id="tp-h">{t('published_pledges')}</h2>
        <PledgeList s={s} pledges={pledges} />
      </section>
    </Page>
  );
}

function Indicator({ title, v }: { title: string; v: { indicator: string; target: string } | null }) {
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      {v ? (
        <dl>
          <dt>{t('indicator')}</dt>
          <dd>{v.indicator}</dd>
          <dt>{t('target')}</dt>
          <dd>{v.target}</dd>
        </dl>
      ) : (
        <p class="muted">{t('no_impact')}</p>
      )}
    </section>
  );
}

function Pledge({ s, id }: { s: PublicState; id: string }) {
  const p = s.pledges.find((x) => x.id === id);
  if (!p) return <NotFound />;
  const org = org_name(s, p.org);
  const theme = theme_name(s, p.theme);
  const round_name = (r: string) => s.rounds.find((x) => x.id === r)?.name ?? r;
  return (
    <Page
      title={t('pledge_title', { title: p.title, org })}
      description={t('pledge_description', { org, theme, title: p.title, status: status_text(p.status), progress: p.progress })}
    >
      <p class="meta">
        <a href={public_href('org', p.org)}>{org}</a> · <a href={public_href('theme', p.theme)}>{theme}</a>
        {p.published_ts && <> · {t('published_on', { date: short_date(p.published_ts) })}</>}
      </p>
      <p>
        <StatusBadge status={p.status} /> {t('progress_value', { progress: p.progress })}
        {p.due && <span class="meta"> · {t('due', { date: p.due })}</span>}
      </p>
      <p>{p.description}</p>
      <div class="two-col">
        <Indicator title={t('output')} v={p.output} />
        <Indicator title={t('impact')} v={p.impact} />
      </div>
      <section aria-labelledby="rep-h">
        <h2 id="rep-h">{t('reports')}</h2>
        {p.reports.length === 0 ? (
          <p class="muted">{t('no_reports')}</p>
        ) : (
          <ol class="plain">
            {[...p.reports].reverse().map((r) => (
              <li key={r.seq} class="card report">
                <h3>{t('report_heading', { date: short_date(r.ts), status: status_text(r.status), progress: r.progress })}</h3>
                {r.round && <p class="meta">{t('round', { name: round_name(r.round) })}</p>}
                {r.note && <p>{r.note}</p>}
                {r.impact_note && (
                  <p>
                    <strong>{t('impact_note')}:</strong> {r.impact_note}
                  </p>
                )}
                {r.evidence.length > 0 && (
                  <>
                    <h4>{t('evidence')}</h4>
                    <ul>
                      {r.evidence.map((u) => {
                        const href = safe_url(u);
                        return <li key={u}>{href ? <a href={href} rel="noopener noreferrer nofollow">{u}</a> : u}</li>;
                      })}
                    </ul>
                  </>
                )}
                {r.attribution && (
                  <div class="card">
                    <h4>{t('attribution')}</h4>
                    <p>{r.attribution.statement}</p>
                    <p class="meta">
                      {r.attribution.preexisting ? t('attribution_preexisting') : t('attribution_new')} ·{' '}
                      {t('attribution_confidence', { level: r.attribution.confidence })}
                    </p>
                  </div>
                )}
                <p class="meta hash">{t('check_record', { seq: r.seq, hash: r.hash.slice(0, 16) })}</p>
              </li>
            ))}
          </ol>
        )}
      </section>
      <p class="meta hash">{t('check_record', { seq: p.seq, hash: p.hash.slice(0, 16) })}</p>
    </Page>
  );
}

function Org({ s, id }: { s: PublicState; id: string }) {
  const o = s.orgs.find((x) => x.id === id);
  if (!o) return <NotFound />;
  const pledges = s.pledges.filter((p) => p.org === id);
  return (
    <Page title={t('org_title', { name: o.name })} description={t('org_description', { name: o.name })}>
      <p class="meta">
        {t(`org_kind_${o.kind}` as StringKey)}
        {o.region && <> · {t('region', { region: region_name(o.region) })}</>}
        {o.groups.length > 0 && <> · {t('groups', { groups: o.groups.map((g) => group_name(g)).join(', ') })}</>}
      </p>
      <h2>{t('published_pledges')}</h2>
      <PledgeList s={s} pledges={pledges} show_org={false} />
    </Page>
  );
}

function Orgs({ s }: { s: PublicState }) {
  const orgs = [...s.orgs].filter((o) => o.endorsed || s.pledges.some((p) => p.org === o.id)).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <Page title={t('orgs_title')} description={t('orgs_description')}>
      <Scroll label={t('orgs_title')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('org')}</th>
              <th scope="col">{t('col_region')}</th>
              <th scope="col">{t('col_published')}</th>
            </tr>
          </thead>
          <tbody>
            {orgs.map((o) => (
              <tr key={o.id}>
                <th scope="row">
                  <a href={public_href('org', o.id)}>{o.name}</a>
                </th>
                <td>{o.region ? (region_name(o.region)) : ''}</td>
                <td>{s.pledges.filter((p) => p.org === o.id).length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </Page>
  );
}

function CoverageTable({ rows, label, name }: { rows: PublicState['coverage']['regions']; label: string; name: (r: (typeof rows)[number]) => string }) {
  return (
    <Scroll label={label}>
      <table>
        <thead>
          <tr>
            <th scope="col">{label}</th>
            <th scope="col">{t('col_endorsing')}</th>
            <th scope="col">{t('col_pledging')}</th>
            <th scope="col">{t('col_published')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={name(r)}>
              <th scope="row">{name(r)}</th>
              <td>{r.endorsing}</td>
              <td>{r.pledging}</td>
              <td>{r.published_pledges}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

function Coverage({ s }: { s: PublicState }) {
  const regions = s.coverage.regions.filter((r) => r.region !== 'none');
  const region = (r: (typeof regions)[number]) => region_name(r.region ?? '');
  const group = (r: (typeof regions)[number]) => group_name(r.group ?? '');
  return (
    <Page title={t('coverage_title')} description={t('coverage_description')}>
      <BarChart
        id="cov-regions"
        title={t('by_region')}
        description={t('coverage_chart_desc')}
        categories={regions.map(region)}
        series={[
          { key: 'e', label: t('col_endorsing'), color: '#6b7280' },
          { key: 'p', label: t('col_pledging'), color: '#1e4fa3' },
        ]}
        values={regions.map((r) => [r.endorsing, r.pledging])}
        labels={{ ...chart_labels(), category: t('col_region') }}
      />
      <h2>{t('by_region')}</h2>
      <CoverageTable rows={regions} label={t('col_region')} name={region} />
      <h2>{t('by_group')}</h2>
      <CoverageTable rows={s.coverage.groups} label={t('col_group')} name={group} />
    </Page>
  );
}

const data_files = ['state.json', 'pledges.json', 'pledges.csv', 'reports.json', 'reports.csv', 'themes.json', 'themes.csv', 'orgs.json', 'orgs.csv', 'coverage.json', 'coverage.csv'];

function Data() {
  return (
    <Page title={t('data_title')} description={t('data_description')}>
      <p>{t('data_intro')}</p>
      <ul>
        {data_files.map((f) => (
          <li key={f}>
            <a href={`/public/api/${f}`}>{f}</a>
          </li>
        ))}
        <li>
          <a href="/public/api/feed">{t('data_live')}</a>
        </li>
      </ul>
    </Page>
  );
}

function NotFound() {
  return (
    <Page title={t('not_found_title')} description={t('not_found_body')}>
      <p>{t('not_found_body')}</p>
      <p>
        <a href={public_href('overview')}>{t('back_to_overview')}</a>
      </p>
    </Page>
  );
}

function Live() {
  const st = live_status.value;
  const c = last_change.value;
  return (
    <>
      <span class={`conn conn-${st}`}>
        <span class="conn-dot" aria-hidden="true" /> {t(`live_${st}` as StringKey)}
      </span>
      <span class="visually-hidden" aria-live="polite">
        {c ? t('updated_live', { what: (c.changes ?? []).map((x) => `${x.kind} ${x.id}`).join(', ') }) : ''}
      </span>
    </>
  );
}

export function PublicApp() {
  const s = pub.value;
  const r = current.value;
  const nav: [string, string, StringKey][] = [
    ['overview', public_href('overview'), 'nav_overview'],
    ['coverage', public_href('coverage'), 'nav_coverage'],
    ['orgs', public_href('orgs'), 'nav_orgs'],
    ['data', public_href('data'), 'nav_data'],
  ];
  let body: ComponentChildren;
  if (!s) body = <p>{t('loading')}</p>;
  else if (r.page === 'overview') body = <Overview s={s} />;
  else if (r.page === 'theme') body = <Theme s={s} id={r.id!} />;
  else if (r.page === 'pledge') body = <Pledge s={s} id={r.id!} />;
  else if (r.page === 'org') body = <Org s={s} id={r.id!} />;
  else if (r.page === 'orgs') body = <Orgs s={s} />;
  else if (r.page === 'coverage') body = <Coverage s={s} />;
  else if (r.page === 'data') body = <Data />;
  else body = <NotFound />;
  return (
    <>
      <a class="skip-link" href="#main">
        {t('skip_to_content')}
      </a>
      <header class="banner">
        <div class="brand">
          <a href={public_href('overview')}>{t('site_name')}</a>
        </div>
        <nav aria-label={t('nav_label')}>
          <ul>
            {nav.map(([page, href, key]) => (
              <li key={page}>
                <a href={href} aria-current={r.page === page ? 'page' : undefined}>
                  {t(key)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <Live />
      </header>
      <main id="main" tabIndex={-1}>
        {body}
      </main>
      <footer class="footer">
        <p>{t('site_tagline')}</p>
        <p>
          <a href="/">{t('sign_in_link')}</a>
        </p>
      </footer>
    </>
  );
}
