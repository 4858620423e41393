// The public projection as the server sends it (docs/public-api.md), and the pure fold of one
// feed change into it. No I/O here: live.ts does the fetching and the EventSource.
import type { PledgeStatus } from '../sync/types';
import { pledge_statuses } from '../sync';
import { id_num } from '../ui/model';
import { t_maybe } from '../i18n';

export interface Stamp {
  seq: number;
  hash: string;
}
export interface PubChampion extends Stamp {
  org: string;
  offer: string | null;
}
export interface PubTheme extends Stamp {
  id: string;
  name: string;
  note: string;
  champions?: PubChampion[];
}
export interface PubCommitment extends Stamp {
  id: string;
  theme: string;
  number: number;
  title: string;
  responsibility: string;
}
export interface PubGap extends Stamp {
  id: string;
  theme: string;
  title: string;
  description: string;
}
export interface PubAction extends Stamp {
  id: string;
  theme: string;
  title: string;
  kind: string;
  gap: string | null;
  due: string | null;
  taken_up_by: string[];
}
export interface PubRound extends Stamp {
  id: string;
  name: string;
  closes: string;
  state: string;
}
export interface PubOrg extends Stamp {
  id: string;
  name: string;
  kind: string;
  region: string | null;
  groups: string[];
  endorsed: boolean;
}
export interface PubAttribution {
  statement: string;
  preexisting: boolean;
  confidence: string;
}
export interface PubReport extends Stamp {
  ts: string;
  round: string | null;
  status: string;
  progress: number;
  note: string;
  evidence: string[];
  impact_note: string | null;
  attribution: PubAttribution | null;
  /** The language the note was written in (BCP 47), when known. */
  lang?: string;
}
export interface PubPledge extends Stamp {
  id: string;
  org: string;
  theme: string;
  title: string;
  description: string;
  output: { indicator: string; target: string };
  impact: { indicator: string; target: string } | null;
  commitment: string | null;
  actions: string[];
  due: string | null;
  status: PledgeStatus;
  progress: number;
  published_ts: string | null;
  reports: PubReport[];
  /** The language the title and description were written in (BCP 47), when known. */
  lang?: string;
}
export interface CoverageRow {
  region?: string;
  group?: string;
  endorsing: number;
  pledging: number;
  published_pledges: number;
}
export interface Coverage {
  regions: CoverageRow[];
  groups: CoverageRow[];
}
export interface RoundCount {
  round: string;
  name: string;
  reports: number;
  by_status: Record<string, number>;
}
export interface Counts {
  pledges: number;
  by_status: Record<string, number>;
  organisations_pledging: number;
  reports: number;
  rounds: RoundCount[];
}
export interface PublicState {
  seq: number;
  hash: string;
  categories: Record<string, boolean>;
  themes: PubTheme[];
  commitments: PubCommitment[];
  gaps: PubGap[];
  actions: PubAction[];
  rounds: PubRound[];
  orgs: PubOrg[];
  pledges: PubPledge[];
  coverage: Coverage;
  counts: Counts | null;
}
export interface Change {
  seq: number;
  hash: string;
  ts: string;
  reload?: boolean;
  /** A published pledge's record may come without `reports` (keep those held); a progress
   * report comes as `fields` (the members it moved) and the new `report`, without a record. */
  changes?: { kind: string; id: string; record?: Stamp | null; fields?: Record<string, unknown>; report?: PubReport }[];
  coverage?: Coverage;
  counts?: Counts | null;
}


const lists: Record<string, keyof PublicState> = {
  theme: 'themes',
  commitment: 'commitments',
  gap: 'gaps',
  action: 'actions',
  round: 'rounds',
  org: 'orgs',
  pledge: 'pledges',
};


/** `s` with `c` folded in; `s` itself when `c` is not newer; null when a reload is needed. */
export function apply_change(s: PublicState, c: Change): PublicState | null {
  if (c.seq <= s.seq) return s;
  if (c.reload) return null;
  const next: PublicState = { ...s, seq: c.seq, hash: c.hash };
  for (const ch of c.changes ?? []) {
    const key = lists[ch.kind];
    if (!key) continue;
    const old = (next[key] as unknown as { id: string; reports?: PubReport[] }[]).find((x) => x.id === ch.id);
    const list = (next[key] as unknown as { id: string }[]).filter((x) => x.id !== ch.id);
    // A progress report: the fields it moved, on the pledge held (none held: fetch again).
    if (ch.fields && !old) return null;
    const base = ch.fields ? { ...old, ...ch.fields } : ch.record;
    if (base) {
      let rec = base as unknown as { id: string; reports?: PubReport[] };
      if (key === 'pledges' && (ch.fields || !('reports' in rec))) {
        const kept = old?.reports ?? [];
        rec = { ...rec, reports: ch.report && !kept.some((r) => r.seq === ch.report!.seq) ? [...kept, ch.report] : kept };
      }
      list.push(rec);
      if (key === 'pledges') list.sort((a, b) => id_num(a.id) - id_num(b.id));
    }
    (next as unknown as Record<string, unknown>)[key] = list;
  }
  if (c.coverage) next.coverage = c.coverage;
  if (c.counts !== undefined) next.counts = c.counts;
  return next;
}

/** Per round (in the state's order): reports of published pledges by status. */
export function published_rounds(s: PublicState): RoundCount[] {
  return s.rounds.map((r) => {
    const by_status: Record<string, number> = Object.fromEntries(pledge_statuses.map((k) => [k, 0]));
    let reports = 0;
    for (const p of s.pledges)
      for (const rep of p.reports)
        if (rep.round === r.id) {
          reports += 1;
          by_status[rep.status] = (by_status[rep.status] ?? 0) + 1;
        }
    return { round: r.id, name: r.name, reports, by_status };
  });
}

export const org_name = (s: PublicState, id: string) => s.orgs.find((o) => o.id === id)?.name ?? id;
/** A theme's name in the UI language when the catalogues have it (the A4P themes), else the server's. */
export const theme_name = (s: PublicState, id: string) => t_maybe(`theme.${id}`) ?? s.themes.find((x) => x.id === id)?.name ?? id;
