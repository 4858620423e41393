// The public A4P dashboard (issue 15): no sign-in, real paths under /public, live from the
// public feed. Pages: overview, theme, pledge, organisation, organisations, coverage, open
// data. Every string comes from the i18n layer's catalogues (`public.*` keys, ADR 0505); the
// language is the URL's (/public/<lang>/...), else the browser's. Every chart has its table.
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { pledge_statuses } from '../sync';
import type { PledgeStatus } from '../sync/types';
import { BarChart } from '../ui/components/bar_chart';
import { group_name, region_name, safe_url, short_date, status_colors } from '../ui/model';
import { last_change, live_status, pub } from './live';
import { org_name, published_rounds, theme_name, type Change, type PubPledge, type PublicState } from './model';
import { current, navigate, public_href } from './routes';
import { content_lang, fmt_number, set_locale, t, type Locale, type MessageKey } from '../i18n';
import { LanguageMenu } from '../ui/components/language_menu';

const status_text = (s: string) => t(`status.${s}` as MessageKey);
const chart_labels = () => ({
  show_table: t('chart.as_table'),
  show_chart: t('chart.as_chart'),
  no_data: t('chart.no_data'),
  category: t('public.chart_category'),
});

/** Sets <title>, the meta description and their link-preview twins (a4pd has put them in the
 * page for link-preview bots already: these keep them right as the reader moves around). */
function use_meta(title: string, description: string) {
  useEffect(() => {
    const site = t('public.site_name');
    document.title = title === site ? title : `${title} | ${site}`; // as a4pd writes it (server/public_page.cpp)
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
    <div class="table-scroll" tabIndex={0} role="region" aria-label={t('public.scrollable', { what: label })}>
      {children}
    </div>
  );
}

function Champions({ s, champions }: { s: PublicState; champions: { org: string }[] }) {
  return (
    <p class="meta">
      {champions.length
        ? t('public.champions', { orgs: champions.map((c) => org_name(s, c.org)).join(', ') })
        : t('public.no_champions')}
    </p>
  );
}

function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{status_text(status)}</span>;
}

function PledgeList({ s, pledges, show_org = true }: { s: PublicState; pledges: PubPledge[]; show_org?: boolean }) {
  if (pledges.length === 0) return <p class="muted">{t('public.none_yet')}</p>;
  return (
    <ul class="plain pledge-list">
      {pledges.map((p) => (
        <li key={p.id} class="card" data-pledge={p.id}>
          <a href={public_href('pledge', p.id)}>{p.title}</a>{' '}
          <StatusBadge status={p.status} /> <span class="meta">{t('public.progress_value', { progress: p.progress })}</span>
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
    <Page title={t('public.site_name')} description={t('public.overview_description')}>
      <p>{t('public.overview_intro')}</p>
      {s.counts && (
        <section aria-labelledby="agg-h">
          <h2 id="agg-h">{t('public.all_pledges_counts')}</h2>
          <dl class="status-counts">
            <dt>{t('public.total_pledges')}</dt>
            <dd>{fmt_number(s.counts.pledges)}</dd>
            <dt>{t('public.orgs_pledging')}</dt>
            <dd>{fmt_number(s.counts.organisations_pledging)}</dd>
            <dt>{t('public.reports_filed')}</dt>
            <dd>{fmt_number(s.counts.reports)}</dd>
            <dt>{t('public.published_pledges')}</dt>
            <dd data-testid="published-count">{fmt_number(s.pledges.length)}</dd>
          </dl>
        </section>
      )}
      <div class="two-col">
        <BarChart
          id="pub-status"
          title={t('public.by_status_title')}
          description={t('public.by_status_desc')}
          categories={pledge_statuses.map(status_text)}
          series={[{ key: 'n', label: t('public.published_pledges'), color: '#1e4fa3' }]}
          values={pledge_statuses.map((k) => [by_status[k] ?? 0])}
          labels={chart_labels()}
        />
        <BarChart
          id="pub-rounds"
          title={t('public.rounds_title')}
          description={t('public.rounds_desc')}
          categories={rounds.map((r) => r.name)}
          series={series}
          values={rounds.map((r) => pledge_statuses.map((k) => r.by_status[k] ?? 0))}
          stacked
          labels={chart_labels()}
        />
      </div>
      {s.categories.themes && (
        <section aria-labelledby="themes-h">
          <h2 id="themes-h">{t('public.themes')}</h2>
          <ul class="cards plain">
            {s.themes.map((th) => {
              const mine = s.pledges.filter((p) => p.theme === th.id);
              const counts = status_values(mine);
              return (
                <li key={th.id} class="card">
                  <h3>
                    <a href={public_href('theme', th.id)}>{theme_name(s, th.id)}</a>
                  </h3>
                  {th.champions && <Champions s={s} champions={th.champions} />}
                  <p>{t('public.published_count', { n: mine.length })}</p>
                  <ul class="plain status-counts">
                    {pledge_statuses
                      .filter((k) => counts[k])
                      .map((k) => (
                        <li key={k}>
                          <StatusBadge status={k} /> {fmt_number(counts[k] ?? 0)}
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
        <h2 id="pledges-h">{t('public.published_pledges')}</h2>
        <PledgeList s={s} pledges={s.pledges} />
      </section>
    </Page>
  );
}

function Section(p: { id: string; title: string; on: boolean; empty: boolean; children: ComponentChildren }) {
  return (
    <section aria-labelledby={p.id}>
      <h2 id={p.id}>{p.title}</h2>
      {!p.on ? <p class="muted">{t('public.category_off')}</p> : p.empty ? <p class="muted">{t('public.none_yet')}</p> : p.children}
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
  const resp = (r: string) => t(`resp.${r}` as MessageKey);
  return (
    <Page title={t('public.theme_title', { name: theme_name(s, id) })} description={t('public.theme_description', { name: theme_name(s, id) })}>
      {th.note && <p>{th.note}</p>}
      {th.champions && <Champions s={s} champions={th.champions} />}
      <Section id="cm-h" title={t('public.commitments')} on={!!s.categories.commitments} empty={!commitments.length}>
        <ol class="plain">
          {commitments.map((c) => (
            <li key={c.id}>
              {c.number}. {c.title} <span class="meta">({t('public.responsibility', { who: resp(c.responsibility) })})</span>
            </li>
          ))}
        </ol>
      </Section>
      <Section id="gap-h" title={t('public.gaps')} on={!!s.categories.gaps} empty={!gaps.length}>
        <ul class="plain">
          {gaps.map((g) => (
            <li key={g.id} class="gap">
              <strong>{g.title}</strong>
              <p>{g.description}</p>
            </li>
          ))}
        </ul>
      </Section>
      <Section id="act-h" title={t('public.actions')} on={!!s.categories.actions} empty={!actions.length}>
        <ul class="plain">
          {actions.map((a) => (
            <li key={a.id} class="action">
              <strong>{a.title}</strong> <span class="meta">({t(`kind.badge.${a.kind}` as MessageKey)})</span>
              {a.due && <span class="meta"> · {t('public.due', { date: a.due })}</span>}
              <div class="meta">
                {a.taken_up_by.length
                  ? t('public.taken_up_by', { orgs: a.taken_up_by.map((o) => org_name(s, o)).join(', ') })
                  : t('public.not_taken_up')}
              </div>
            </li>
          ))}
        </ul>
      </Section>
      <section aria-labelledby="tp-h">
        <h2 id="tp-h">{t('public.published_pledges')}</h2>
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
          <dt>{t('common.indicator')}</dt>
          <dd>{v.indicator}</dd>
          <dt>{t('common.target')}</dt>
          <dd>{v.target}</dd>
        </dl>
      ) : (
        <p class="muted">{t('pledge.no_impact')}</p>
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
      title={t('public.pledge_title', { title: p.title, org })}
      description={t('public.pledge_description', { org, theme, title: p.title, status: status_text(p.status), progress: p.progress })}
    >
      <p class="meta">
        <a href={public_href('org', p.org)}>{org}</a> · <a href={public_href('theme', p.theme)}>{theme}</a>
        {p.published_ts && <> · {t('public.published_on', { date: short_date(p.published_ts) })}</>}
      </p>
      <p>
        <StatusBadge status={p.status} /> {t('public.progress_value', { progress: p.progress })}
        {p.due && <span class="meta"> · {t('public.due', { date: p.due })}</span>}
      </p>
      <p id="pledge-description" {...content_lang(p.lang)}>
        {p.description}
      </p>
      <div class="two-col">
        <Indicator title={t('pledge.output')} v={p.output} />
        <Indicator title={t('pledge.impact')} v={p.impact} />
      </div>
      <section aria-labelledby="rep-h">
        <h2 id="rep-h">{t('public.reports')}</h2>
        {p.reports.length === 0 ? (
          <p class="muted">{t('report.none')}</p>
        ) : (
          <ol class="plain">
            {[...p.reports].reverse().map((r) => (
              <li key={r.seq} class="card report">
                <h3>{t('public.report_heading', { date: short_date(r.ts), status: status_text(r.status), progress: r.progress })}</h3>
                {r.round && <p class="meta">{t('public.round', { name: round_name(r.round) })}</p>}
                {r.note && <p {...content_lang(r.lang)}>{r.note}</p>}
                {r.impact_note && (
                  <p>
                    <strong>{t('report.impact_label')}</strong> {r.impact_note}
                  </p>
                )}
                {r.evidence.length > 0 && (
                  <>
                    <h4>{t('public.evidence')}</h4>
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
                    <h4>{t('public.attribution')}</h4>
                    <p>{r.attribution.statement}</p>
                    <p class="meta">
                      {r.attribution.preexisting ? t('public.attribution_preexisting') : t('public.attribution_new')} ·{' '}
                      {t('public.attribution_confidence', { level: t(`confidence.${r.attribution.confidence}` as MessageKey) })}
                    </p>
                  </div>
                )}
                <p class="meta hash">{t('public.check_record', { seq: String(r.seq), hash: r.hash.slice(0, 16) })}</p>
              </li>
            ))}
          </ol>
        )}
      </section>
      <p class="meta hash">{t('public.check_record', { seq: String(p.seq), hash: p.hash.slice(0, 16) })}</p>
    </Page>
  );
}

function Org({ s, id }: { s: PublicState; id: string }) {
  const o = s.orgs.find((x) => x.id === id);
  if (!o) return <NotFound />;
  const pledges = s.pledges.filter((p) => p.org === id);
  return (
    <Page title={t('public.org_title', { name: o.name })} description={t('public.org_description', { name: o.name })}>
      <p class="meta">
        {t(`admin.kind.${o.kind}` as MessageKey)}
        {o.region && <> · {t('public.region', { region: region_name(o.region) })}</>}
        {o.groups.length > 0 && <> · {t('public.groups', { groups: o.groups.map((g) => group_name(g)).join(', ') })}</>}
      </p>
      <h2>{t('public.published_pledges')}</h2>
      <PledgeList s={s} pledges={pledges} show_org={false} />
    </Page>
  );
}

function Orgs({ s }: { s: PublicState }) {
  const orgs = [...s.orgs].filter((o) => o.endorsed || s.pledges.some((p) => p.org === o.id)).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <Page title={t('public.nav_orgs')} description={t('public.orgs_description')}>
      <Scroll label={t('public.nav_orgs')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('public.col_org')}</th>
              <th scope="col">{t('public.col_region')}</th>
              <th scope="col">{t('public.published_pledges')}</th>
            </tr>
          </thead>
          <tbody>
            {orgs.map((o) => (
              <tr key={o.id}>
                <th scope="row">
                  <a href={public_href('org', o.id)}>{o.name}</a>
                </th>
                <td>{o.region ? (region_name(o.region)) : ''}</td>
                <td>{fmt_number(s.pledges.filter((p) => p.org === o.id).length)}</td>
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
            <th scope="col">{t('public.col_endorsing')}</th>
            <th scope="col">{t('public.col_pledging')}</th>
            <th scope="col">{t('public.published_pledges')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={name(r)}>
              <th scope="row">{name(r)}</th>
              <td>{fmt_number(r.endorsing)}</td>
              <td>{fmt_number(r.pledging)}</td>
              <td>{fmt_number(r.published_pledges)}</td>
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
    <Page title={t('public.coverage_title')} description={t('public.coverage_description')}>
      <BarChart
        id="cov-regions"
        title={t('public.by_region')}
        description={t('public.coverage_chart_desc')}
        categories={regions.map(region)}
        series={[
          { key: 'e', label: t('public.col_endorsing'), color: '#6b7280' },
          { key: 'p', label: t('public.col_pledging'), color: '#1e4fa3' },
        ]}
        values={regions.map((r) => [r.endorsing, r.pledging])}
        labels={{ ...chart_labels(), category: t('public.col_region') }}
      />
      <h2>{t('public.by_region')}</h2>
      <CoverageTable rows={regions} label={t('public.col_region')} name={region} />
      <h2>{t('public.by_group')}</h2>
      <CoverageTable rows={s.coverage.groups} label={t('public.col_group')} name={group} />
    </Page>
  );
}

const data_files = ['state.json', 'pledges.json', 'pledges.csv', 'reports.json', 'reports.csv', 'themes.json', 'themes.csv', 'orgs.json', 'orgs.csv', 'coverage.json', 'coverage.csv'];

function Data() {
  return (
    <Page title={t('public.nav_data')} description={t('public.data_description')}>
      <p>{t('public.data_intro')}</p>
      <ul>
        {data_files.map((f) => (
          <li key={f}>
            <a href={`/public/api/${f}`}>{f}</a>
          </li>
        ))}
        <li>
          <a href="/public/api/feed">{t('public.data_live')}</a>
        </li>
      </ul>
    </Page>
  );
}

function NotFound() {
  return (
    <Page title={t('common.not_found')} description={t('public.not_found_body')}>
      <p>{t('public.not_found_body')}</p>
      <p>
        <a href={public_href('overview')}>{t('common.back_overview')}</a>
      </p>
    </Page>
  );
}

/** What a change is called when announced: its title or name (data, in no UI language), else its id. */
function changed_name(x: NonNullable<Change['changes']>[number]): string {
  const r = x.record as { title?: unknown; name?: unknown } | null;
  return typeof r?.title === 'string' ? r.title : typeof r?.name === 'string' ? r.name : x.id;
}

function Live() {
  const st = live_status.value;
  const c = last_change.value;
  return (
    <>
      <span class={`conn conn-${st}`}>
        <span class="conn-dot" aria-hidden="true" /> {t(st === 'offline' ? 'public.live_offline' : st === 'live' ? 'conn.live' : 'conn.connecting')}
      </span>
      <span class="visually-hidden" aria-live="polite">
        {c ? t('public.updated_live', { what: (c.changes ?? []).map(changed_name).join(', ') }) : ''}
      </span>
    </>
  );
}

/** The language menu moves to this page's address in the language picked (shareable as such),
 * and remembers the choice for /public addresses without a language. */
function pick_language(l: Locale) {
  const r = current.value;
  void set_locale(l);
  navigate(public_href(r.page, r.id, l));
}

export function PublicApp() {
  const s = pub.value;
  const r = current.value;
  const nav: [string, string, MessageKey][] = [
    ['overview', public_href('overview'), 'nav.overview'],
    ['coverage', public_href('coverage'), 'public.nav_coverage'],
    ['orgs', public_href('orgs'), 'public.nav_orgs'],
    ['data', public_href('data'), 'public.nav_data'],
  ];
  let body: ComponentChildren;
  if (!s) body = <p>{t('public.loading')}</p>;
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
        {t('app.skip')}
      </a>
      <header class="banner">
        <div class="brand">
          <a href={public_href('overview')}>{t('public.site_name')}</a>
        </div>
        <nav aria-label={t('public.nav_label')}>
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
        <LanguageMenu on_pick={pick_language} />
      </header>
      <main id="main" tabIndex={-1}>
        {body}
      </main>
      <footer class="footer">
        <p>{t('public.site_tagline')}</p>
        <p>
          <a href="/">{t('public.sign_in_link')}</a>
        </p>
      </footer>
    </>
  );
}
