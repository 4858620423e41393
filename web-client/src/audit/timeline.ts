// The audit timeline's index of the log: one entry per event (seq, time, name, entity), the
// markers (rounds opening and closing, moderation acts, signed checkpoints) and the mapping between a date and
// a seq. Pure functions over the index, which the view takes from the server's timeline index
// (GET /api/audit/timeline: sampled times and every marker) or, for readers who may not have
// it, loads page by page from /api/events (one entry per event).
import type { LogLine } from './chain';

export interface IndexEntry {
  seq: number;
  /** Absent for a withheld event (the reader may not see it). */
  ts?: string;
  name?: string;
  entity?: string;
}

export type MarkerKind = 'round' | 'moderation' | 'checkpoint';
export interface Marker {
  seq: number;
  ts: string;
  kind: MarkerKind;
  label: string;
}

const marker_names: Record<string, [MarkerKind, string]> = {
  'round.opened': ['round', 'round opened'],
  'round.closed': ['round', 'round closed'],
  'comment.hidden': ['moderation', 'comment hidden'],
  'comment.restored': ['moderation', 'comment restored'],
  'discussion.locked': ['moderation', 'discussion locked'],
  'discussion.closed': ['moderation', 'discussion closed'],
  'audit.checkpoint': ['checkpoint', 'signed checkpoint'],
};

export function index_entry(e: LogLine): IndexEntry {
  return e.withheld ? { seq: e.seq } : { seq: e.seq, ts: e.ts, name: e.name, entity: e.entity };
}

/** The index from the server's timeline (api.ts `TimelineIndex`): its sampled times and its
 * markers, in seq order, one entry per seq. */
export function index_of_timeline(t: {
  points: readonly { seq: number; ts: string }[];
  markers: readonly { seq: number; ts: string; name: string; entity: string }[];
}): IndexEntry[] {
  const by_seq = new Map<number, IndexEntry>();
  for (const p of t.points) by_seq.set(p.seq, { seq: p.seq, ts: p.ts });
  for (const m of t.markers) by_seq.set(m.seq, { seq: m.seq, ts: m.ts, name: m.name, entity: m.entity });
  return [...by_seq.values()].sort((a, b) => a.seq - b.seq);
}

export function markers(index: readonly IndexEntry[]): Marker[] {
  const out: Marker[] = [];
  for (const e of index) {
    const m = e.name ? marker_names[e.name] : undefined;
    if (m && e.ts) out.push({ seq: e.seq, ts: e.ts, kind: m[0], label: `${e.entity ?? ''} ${m[1]}`.trim() });
  }
  return out;
}

/** The time of the last visible event at or before `seq` (null before any). */
export function time_at(index: readonly IndexEntry[], seq: number): string | null {
  let lo = 0;
  let hi = index.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (index[mid]!.seq <= seq) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = found; i >= 0; i--) if (index[i]!.ts) return index[i]!.ts!;
  return null;
}

/** The last seq whose event happened at or before `instant` (RFC 3339, or a date meaning the
 * end of that day, UTC); 0 when the log starts after it. Times never go back in the log. */
export function seq_at_time(index: readonly IndexEntry[], instant: string): number {
  const limit = /^\d{4}-\d{2}-\d{2}$/.test(instant) ? `${instant}T23:59:59.999999Z` : instant;
  const t = Date.parse(limit);
  if (Number.isNaN(t)) return 0;
  let seq = 0;
  for (const e of index) {
    if (!e.ts) continue;
    if (Date.parse(e.ts) > t) break;
    seq = e.seq;
  }
  return seq;
}
