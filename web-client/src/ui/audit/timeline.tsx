// The timeline: a scrubber over seq (its date shown as it moves), a date to jump to, the
// markers (rounds opening and closing, moderation acts), and below them the workspace as it
// was at that seq, drawn by the live views in read-only mode. Releasing the scrubber
// navigates to the seq's URL; the page then reads that point's light state and the room of
// the page shown (a pledge's or discussion's first page, ADR 0512), or takes them from the
// cache, and reports the time from the release to the render of both.
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import type { State } from '../../sync';
import type { Marker } from '../../audit/timeline';
import { markers, time_at } from '../../audit/timeline';
import { Loading } from '../components/common';
import type { At, PastPage } from '../router';
import { audit_href, audit_tail, navigate_quietly, past_hrefs } from '../router';
import { ViewModeContext } from '../view_mode';
import type { ViewMode } from '../view_mode';
import { DeliverablesView } from '../views/deliverables';
import { DiscussionView } from '../views/discussion';
import { OverviewView } from '../views/overview';
import { PledgeView } from '../views/pledge';
import { RoundsView } from '../views/rounds';
import { ThemeView } from '../views/theme';
import { head, index, index_loaded, last_render_ms, past_point, prefetch_past, release } from './audit_store';
import type { PastRooms } from '../room_source';
import { readable_time } from './audit_view';
import { t } from '../../i18n';

/** Ticks on the track drawn at most, per kind: a log of 1,000,000 events has about 20,000
 * markers, more than the track has pixels; the first of each stretch stands for it. */
const max_ticks = 400;

/** The markers drawn on the track: the first of each kind in each 1/max_ticks of it. */
export function ticks_of(list: readonly Marker[], max: number): Marker[] {
  const seen = new Set<string>();
  return list.filter((m) => {
    const key = `${m.kind} ${Math.floor((m.seq / max) * max_ticks)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function MarkerTicks({ list, max }: { list: readonly Marker[]; max: number }) {
  const ticks = useMemo(() => (max > 0 ? ticks_of(list, max) : []), [list, max]);
  if (max <= 0) return null;
  return (
    <div class="marker-track" aria-hidden="true">
      {ticks.map((m) => (
        <span
          key={m.seq}
          class={`marker marker-${m.kind}`}
          style={{ insetInlineStart: `${(m.seq / max) * 100}%` }}
          title={t('timeline.marker', { seq: m.seq, label: m.label })}
        />
      ))}
    </div>
  );
}

/** Every marker as a link, drawn only while the list is open (20,000 at 1,000,000 events). */
function MarkerList({ list, at, page, id }: { list: readonly Marker[]; at: At; page: PastPage; id: string | null }) {
  const [open, set_open] = useState(false);
  return (
    <details class="markers" onToggle={(e) => set_open((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t('timeline.markers', { n: list.length })}</summary>
      {open && (
        <ul id="marker-list">
          {list.map((m) => (
            <li key={m.seq} class={`marker-item marker-${m.kind}`}>
              <a href={audit_href({ seq: m.seq, as_org: at.as_org }, page, id)}>
                {t('timeline.marker_item', { seq: m.seq, time: readable_time(m.ts), label: m.label })}
              </a>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

function Scrubber({ at, page, id }: { at: At; page: PastPage; id: string | null }) {
  const { seq } = at;
  const max = head.value ?? seq;
  const [pos, set_pos] = useState(seq);
  useEffect(() => set_pos(seq), [seq]);
  const [date, set_date] = useState('');
  const list = useMemo(() => markers(index.value), [index.value]);
  const go = (to: number) => {
    if (to === seq) return;
    release.at = performance.now();
    release.seq = to;
    const next = { seq: to, as_org: at.as_org };
    prefetch_past(next, room_of(page, id)); // starts the reads now, not after the route's first paint
    navigate_quietly(audit_href(next, page, id));
  };
  return (
    <section aria-labelledby="timeline-h" class="timeline">
      <h2 id="timeline-h" class="visually-hidden">
        {t('audit.tab.timeline')}
      </h2>
      <label for="scrubber">
        {t('timeline.point')} <output for="scrubber" id="scrubber-seq">{pos}</output>,{' '}
        <span id="scrubber-time">{readable_time(time_at(index.value, pos))}</span>
      </label>
      <div class="scrubber-wrap">
        <MarkerTicks list={list} max={max} />
        <input
          id="scrubber"
          type="range"
          min={0}
          max={max}
          step={1}
          value={pos}
          aria-valuetext={t('timeline.valuetext', { seq: pos, time: readable_time(time_at(index.value, pos)) })}
          onInput={(e) => set_pos(Number(e.currentTarget.value))}
          onChange={(e) => go(Number(e.currentTarget.value))}
        />
      </div>
      {!index_loaded.value && (
        <p class="muted" role="status">
          {t('timeline.reading', { n: index.value.length, max })}
        </p>
      )}
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!date) return;
          release.at = performance.now();
          release.seq = null;
          navigate_quietly(`#/audit/on/${date}${audit_tail(at.as_org, page, id)}`);
        }}
      >
        <label for="timeline-date">{t('timeline.date')}</label>{' '}
        <input id="timeline-date" type="date" value={date} onInput={(e) => set_date(e.currentTarget.value)} />{' '}
        <button type="submit">{t('timeline.go')}</button>
      </form>
      <MarkerList list={list} at={at} page={page} id={id} />
    </section>
  );
}

function PastView({ s, page, id }: { s: State; page: PastPage; id: string | null }) {
  switch (page) {
    case 'deliverables':
      return <DeliverablesView s={s} />;
    case 'rounds':
      return <RoundsView s={s} id={id} />;
    case 'theme':
      return <ThemeView key={id} s={s} id={id!} />;
    case 'pledge':
      return <PledgeView key={id} s={s} id={id!} />;
    case 'discussion':
      return <DiscussionView key={id} s={s} id={id!} />;
    default:
      return <OverviewView s={s} />;
  }
}

/** The room a past page draws from (its comments, a pledge's reports, the detail text). */
export function room_of(page: PastPage, id: string | null): string | null {
  return id && (page === 'pledge' || page === 'discussion') ? `${page}:${id}` : null;
}

/** The workspace at `seq`, read-only; reports the release-to-render time once drawn (with
 * `room`'s first page, when the page shows one). */
export function PastWorkspace({ at, room, children }: { at: At; room?: string | null; children: (s: State) => ComponentChildren }) {
  const { seq, as_org } = at;
  const [shown, set_shown] = useState<{ seq: number; as_org: string | null; src: PastRooms } | null>(null);
  const [error, set_error] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Measured from the release of the scrubber or the date form, else from the navigation.
    if (release.at === null) release.at = performance.now();
    release.fetched = null;
    void past_point({ seq, as_org }).then((r) => {
      if (!live) return;
      release.fetched = performance.now();
      if (r.ok) {
        // Held before the first render, so that the page counts as drawn only with it.
        if (room) r.value.hold(room);
        set_error(null);
        set_shown({ seq, as_org, src: r.value });
      } else set_error(r.message);
    });
    return () => {
      live = false;
    };
  }, [seq, as_org, room]);
  const busy = shown?.src.busy.value ?? true;
  // Committed to the DOM here; measured once the next frame has been painted.
  useLayoutEffect(() => {
    if (!shown || busy || release.at === null) return;
    const { at, fetched } = release;
    const committed = performance.now();
    release.at = null;
    release.seq = null;
    requestAnimationFrame(() =>
      setTimeout(() => {
        const ms = performance.now() - at;
        last_render_ms.value = { ms, n: (last_render_ms.peek()?.n ?? 0) + 1 };
        console.info(
          `a4p-audit: seq ${shown.seq} drawn ${ms.toFixed(1)} ms after release ` +
            `(state ${((fetched ?? at) - at).toFixed(1)} ms, render ${(committed - (fetched ?? at)).toFixed(1)} ms, ` +
            `paint ${(performance.now() - committed).toFixed(1)} ms)`,
        );
      }, 0),
    );
  }, [shown, busy]);
  const src = shown?.src;
  const mode: ViewMode | null = useMemo(
    () => (src ? { read_only: true, href: past_hrefs(at), history: (e: string) => audit_href(at, 'history', e), rooms: src } : null),
    [src],
  );
  if (error) return <p role="alert">{t('timeline.read_error', { seq, reason: error })}</p>;
  if (!shown || !mode) return <Loading />;
  return (
    <ViewModeContext.Provider value={mode}>
      <div
        class="past"
        data-seq={shown.seq}
        data-as-org={shown.as_org ?? ''}
        aria-busy={shown.seq !== seq || shown.as_org !== as_org || busy}
      >
        {children(shown.src.state.value)}
      </div>
    </ViewModeContext.Provider>
  );
}

/** Its own component, so that a new figure re-renders only this line; drawn anew for each
 * figure (keyed by its number), so its attribute is written even when two times are equal. */
function RenderTime() {
  const last = last_render_ms.value;
  return (
    <p key={last?.n ?? 0} class="muted render-time" id="render-time" data-ms={last === null ? '' : last.ms.toFixed(1)}>
      {last === null ? '' : t('timeline.drawn', { ms: Math.round(last.ms) })}
    </p>
  );
}

export function Timeline({ at, page, id }: { at: At; page: PastPage; id: string | null }) {
  return (
    <>
      <Scrubber at={at} page={page} id={id} />
      <RenderTime />
      <nav aria-label={t('timeline.nav')}>
        <ul class="tabs">
          <li>
            <a href={audit_href(at)}>{t('nav.overview')}</a>
          </li>
          <li>
            <a href={audit_href(at, 'deliverables')}>{t('nav.deliverables')}</a>
          </li>
          <li>
            <a href={audit_href(at, 'rounds')}>{t('nav.rounds')}</a>

          </li>
        </ul>
      </nav>
      <PastWorkspace at={at} room={room_of(page, id)}>
        {(s) => <PastView s={s} page={page} id={id} />}
      </PastWorkspace>
    </>
  );
}
