// The attribution and impact report (issue 13 item 5), pure: per pledge, the output and
// impact indicators side by side, the last reported progress, whether an impact note exists,
// and the attribution (statement, preexisting flag, confidence); totals: the share of
// progress claimed on preexisting work and the share of pledges with no impact evidence.
// Filters: theme, round, region, group. Framework-free; the views and the CSV use it.
//
// Definitions (also in web-client/README.md):
// - Reports in scope: all of a pledge's reports, or with a round filter only that round's.
//   With a round filter, only pledges that reported in that round are listed.
// - Last report: the last in-scope report in log order; its progress is "the last reported
//   progress" (a pledge with none counts as 0 progress and appears as "not reported").
// - Impact evidence: an in-scope report with a non-blank impact note.
// - Attribution: the one of the last in-scope report that carries an attribution.
// - Share of progress claimed on preexisting work: the sum of last progress over pledges
//   whose attribution says preexisting, divided by the sum of last progress over all listed
//   pledges (null when that sum is 0).
// - Share of pledges with no impact evidence: listed pledges without an impact note, divided
//   by the listed pledges (null when none is listed).
// - Members: rows are their own organisation's pledges. Totals are computed over every
//   pledge the filter selects, as for the Secretariat: pledges and their reports are visible
//   to every signed-in reader in a4p.v1 (PROTOCOL.md section 5 withholds only restricted
//   discussions and hidden comments), so the totals reveal nothing a member could not count
//   in the workspace; their own organisation's totals are given beside them.
import { csv_cell } from '../audit/export_format';
import type { Attribution, Indicator, Pledge, PledgeStatus, Report, State } from '../sync';

export interface ReportFilter {
  theme?: string | null;
  round?: string | null;
  region?: string | null;
  group?: string | null;
}

export interface ReportRow {
  pledge: string;
  title: string;
  org: string;
  theme: string;
  output: Indicator;
  impact: Indicator | null;
  last: { status: PledgeStatus; progress: number; ts: string; round: string | null } | null;
  impact_note: boolean;
  attribution: Attribution | null;
}

export interface Totals {
  pledges: number;
  reported: number;
  progress_sum: number;
  preexisting_progress_sum: number;
  share_preexisting: number | null;
  no_impact_evidence: number;
  share_no_impact: number | null;
}

export interface Viewer {
  org: string;
  /** Secretariat or auditor: sees every row. */
  privileged: boolean;
}

export interface AttributionReport {
  rows: ReportRow[];
  totals: Totals;
  /** The viewer's own organisation's totals (members only). */
  own_totals: Totals | null;
}

function in_filter(s: State, p: Pledge, f: ReportFilter): boolean {
  const org = s.orgs[p.org];
  if (f.theme && p.theme !== f.theme) return false;
  if (f.region && org?.region !== f.region) return false;
  if (f.group && !org?.groups?.includes(f.group)) return false;
  if (f.round && !p.reports.some((r) => r.round === f.round)) return false;
  return true;
}

export function row_of(p: Pledge, f: ReportFilter): ReportRow {
  const scoped: Report[] = f.round ? p.reports.filter((r) => r.round === f.round) : p.reports;
  const last = scoped[scoped.length - 1];
  const with_attribution = [...scoped].reverse().find((r) => r.attribution);
  return {
    pledge: p.id,
    title: p.title,
    org: p.org,
    theme: p.theme,
    output: p.output,
    impact: p.impact,
    last: last ? { status: last.status, progress: last.progress, ts: last.ts, round: last.round } : null,
    impact_note: scoped.some((r) => r.has_impact_note === true || (typeof r.impact_note === 'string' && r.impact_note.trim() !== '')),
    attribution: with_attribution?.attribution ?? null,
  };
}

export function totals_of(rows: readonly ReportRow[]): Totals {
  let progress_sum = 0;
  let pre = 0;
  let reported = 0;
  let no_impact = 0;
  for (const r of rows) {
    const progress = r.last?.progress ?? 0;
    if (r.last) reported += 1;
    progress_sum += progress;
    if (r.attribution?.preexisting) pre += progress;
    if (!r.impact_note) no_impact += 1;
  }
  return {
    pledges: rows.length,
    reported,
    progress_sum,
    preexisting_progress_sum: pre,
    share_preexisting: progress_sum > 0 ? pre / progress_sum : null,
    no_impact_evidence: no_impact,
    share_no_impact: rows.length > 0 ? no_impact / rows.length : null,
  };
}

const id_number = (id: string) => Number(/(\d+)$/.exec(id)?.[1] ?? 0);

export function attribution_report(s: State, f: ReportFilter, viewer: Viewer): AttributionReport {
  const all = Object.values(s.pledges)
    .filter((p) => in_filter(s, p, f))
    .sort((a, b) => id_number(a.id) - id_number(b.id))
    .map((p) => row_of(p, f));
  const own = all.filter((r) => r.org === viewer.org);
  return {
    rows: viewer.privileged ? all : own,
    totals: totals_of(all),
    own_totals: viewer.privileged ? null : totals_of(own),
  };
}

/** "42%" (or "n/a" when there is nothing to divide). */
export const percent = (share: number | null) => (share === null ? 'n/a' : `${Math.round(share * 100)}%`);

export const report_csv_columns = [
  'pledge',
  'title',
  'org',
  'theme',
  'output_indicator',
  'output_target',
  'impact_indicator',
  'impact_target',
  'last_status',
  'last_progress',
  'last_report_ts',
  'last_round',
  'impact_note',
  'attribution_statement',
  'preexisting',
  'confidence',
] as const;

/** The rows as CSV (RFC 4180, CRLF), header first. */
export function report_csv(rows: readonly ReportRow[]): string {
  const lines = [report_csv_columns.join(',')];
  for (const r of rows) {
    const cells = [
      r.pledge,
      r.title,
      r.org,
      r.theme,
      r.output.indicator,
      r.output.target,
      r.impact?.indicator ?? '',
      r.impact?.target ?? '',
      r.last?.status ?? '',
      r.last ? String(r.last.progress) : '',
      r.last?.ts ?? '',
      r.last?.round ?? '',
      r.impact_note ? 'yes' : 'no',
      r.attribution?.statement ?? '',
      r.attribution ? (r.attribution.preexisting ? 'yes' : 'no') : '',
      r.attribution?.confidence ?? '',
    ];
    lines.push(cells.map(csv_cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
