// Every pledge's whole report history, for the views that aggregate over all of them
// (reporting rounds, deliverables, the attribution report; not the overview, whose charts use
// the skeleton's `round_reports`). A light session's skeleton holds each pledge's latest report
// only (ADR 0508): such a view, when it opens (never at sign-in), loads the reports from
// `GET /api/events?name=pledge.progress_reported` (paged by `X-A4P-Next`) and follows the live
// events; when the last such view closes they are let go (bounded memory), and loaded again
// by the next. Until they have arrived the view draws from the skeleton. A whole state (a
// server without the light view) has them already. A past point of the audit timeline is a
// light state too (ADR 0512): it takes the reports up to its seq (reports are only ever
// appended, and every reader may see them).
import { signal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import { report_of } from '../sync';
import type { EventMsg, Report, State } from '../sync';
import { light, me, on_event } from './store';
import { use_mode } from './view_mode';
import { is_light } from './room_source';

type Histories = Record<string, Report[]>;

/** null: not loaded (or not needed). */
export const histories = signal<Histories | null>(null);
let loading_for: string | null = null;
let follow: (() => void) | null = null;
/** Views mounted that use the histories; a load is kept only while there are any. */
let users = 0;
let generation = 0;

function release(): void {
  generation += 1;
  loading_for = null;
  follow?.();
  follow = null;
  histories.value = null;
}

const reported = 'pledge.progress_reported';
const pledge_of = (ev: { entity: string }) => ev.entity.slice(ev.entity.indexOf(':') + 1);

/** Loads every report; events arriving meanwhile are applied after it, once (by seq). */
async function load(user: string): Promise<void> {
  const gen = generation;
  const live: EventMsg[] = [];
  const stop = on_event((ev) => {
    if (ev.name === reported) live.push(ev);
  });
  try {
    const out: Histories = {};
    let after = 0;
    let last = 0;
    for (;;) {
      const r = await fetch(`/api/events?after=${after}&limit=10000&name=${reported}`, { credentials: 'same-origin' });
      if (!r.ok) return;
      for (const line of (await r.text()).split('\n')) {
        if (!line) continue;
        const ev = JSON.parse(line) as EventMsg;
        if (ev.name !== reported) continue;
        (out[pledge_of(ev)] ??= []).push(report_of(ev));
        last = Math.max(last, ev.seq);
      }
      const next = r.headers.get('X-A4P-Next');
      if (next === null || Number(next) <= after) break;
      after = Number(next);
    }
    if (loading_for !== user || gen !== generation) return;
    for (const ev of live) if (ev.seq > last) (out[pledge_of(ev)] ??= []).push(report_of(ev));
    histories.value = out;
    follow?.();
    follow = on_event((ev) => {
      const h = histories.value;
      if (ev.name !== reported || !h || loading_for !== user) return;
      histories.value = { ...h, [pledge_of(ev)]: [...(h[pledge_of(ev)] ?? []), report_of(ev)] };
    });
  } catch {
    /* drawn from the skeleton; tried again when a view next asks */
    if (gen === generation) loading_for = null;
  } finally {
    stop();
  }
}

/** `s` with each pledge's reports taken from the histories `h` (those up to `s.seq` when
 * `past`: a point of the audit timeline; the histories run to the head); a pledge without a
 * history keeps the skeleton's. */
export function with_whole_reports(s: State, h: Histories, past: boolean): State {
  const pledges: State['pledges'] = {};
  const upto = (r: Report[]) => (past ? r.filter((x) => x.seq <= s.seq) : r);
  for (const [id, p] of Object.entries(s.pledges)) pledges[id] = { ...p, reports: h[id] ? upto(h[id]) : p.reports };
  return { ...s, pledges };
}

/** The state with every pledge's whole report history where the session holds the skeleton;
 * `ready` is false while it is being loaded (the state is then the skeleton's). */
export function use_whole_reports(s: State): { s: State; ready: boolean } {
  const { read_only } = use_mode();
  const needed = read_only ? is_light(s) : light.value;
  const user = me.value?.id ?? null;
  useEffect(() => {
    if (!needed || !user) return;
    users += 1;
    if (loading_for !== user) {
      release();
      loading_for = user;
      void load(user);
    }
    return () => {
      users -= 1;
      if (users === 0) release();
    };
  }, [needed, user]);
  const h = histories.value;
  return useMemo(() => {
    if (!needed) return { s, ready: true };
    if (!h) return { s, ready: false };
    return { s: with_whole_reports(s, h, read_only), ready: true };
  }, [s, h, needed, read_only]);
}
