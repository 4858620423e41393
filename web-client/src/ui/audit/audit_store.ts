// The audit view's data, kept for the tab: the log index (loaded once, page by page, for the
// timeline's dates and markers), the head seq, a few past points (each the light state of that
// seq and the rooms read there, so moving back and forth is instant: ADR 0512), and the time
// of the last render from a release of the scrubber.
// Single-threaded (browser event loop).
import { signal } from '@preact/signals';
import type { State } from '../../sync';
import { event_pages, event_time, server_features, state_at, timeline_index } from '../../audit/api';
import type { Result, ServerFeatures } from '../../audit/api';
import { first_page, is_light, PastRooms } from '../room_source';
import type { IndexEntry } from '../../audit/timeline';
import { index_entry, index_of_timeline, time_at } from '../../audit/timeline';
import type { At } from '../router';

export const index = signal<readonly IndexEntry[]>([]);
export const head = signal<number | null>(null);
export const index_loaded = signal(false);
export const index_error = signal<string | null>(null);

let loading: Promise<void> | null = null;

/** True when the index is the server's sampled one (times between its points are not exact). */
export const index_sampled = signal(false);

/** Loads the index of the whole log (once per tab; again after `reload_index`): the server's
 * timeline index when this reader may have it, else every event page by page. */
export function load_index(): Promise<void> {
  if (loading) return loading;
  loading = (async () => {
    const acc: IndexEntry[] = [];
    const t = await timeline_index();
    if (t.ok) {
      head.value = t.value.head;
      index.value = index_of_timeline(t.value);
      index_sampled.value = true;
      index_loaded.value = true;
      return;
    }
    try {
      for await (const page of event_pages({ limit: 10000 })) {
        head.value = page.head;
        for (const e of page.events) acc.push(index_entry(e));
        index.value = acc.slice();
      }
      if (head.value === null) head.value = 0;
      index_loaded.value = true;
    } catch (e) {
      index_error.value = e instanceof Error ? e.message : String(e);
      loading = null;
    }
  })();
  return loading;
}

// Promises, so that a fetch started at the release (before the route changes) is the one
// the page then waits for.
const cache = new Map<string, Promise<Result<PastRooms>>>();
const cache_size = 4;

/** The point after `at.seq` as `at.as_org` saw it (null: this reader): its light state and
 * the rooms read there, from the cache or the server (a failed read is not kept). */
export function past_point(at: At): Promise<Result<PastRooms>> {
  const key = `${at.seq}/${at.as_org ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const p = state_at(at.seq, at.as_org, undefined, 'light').then((r): Result<PastRooms> => {
    if (!r.ok) {
      cache.delete(key);
      return r;
    }
    return { ok: true, value: new PastRooms({ seq: at.seq, as_org: at.as_org }, r.value, is_light(r.value)) };
  });
  cache.set(key, p);
  if (cache.size > cache_size) cache.delete(cache.keys().next().value!);
  return p;
}

/** The state at `at` (the light state, with the rooms read there so far). */
export function past_state(at: At): Promise<Result<State>> {
  return past_point(at).then((r) => (r.ok ? { ok: true, value: r.value.state.peek() } : r));
}

/** Starts the reads a past page needs: the point's state and its room's first page. */
export function prefetch_past(at: At, room: string | null): void {
  void past_point(at);
  if (room) void first_page(at, room);
}

// The exact time of the event at a seq, for the "as of" banner when the index is sampled.
const exact = signal<ReadonlyMap<number, string | null>>(new Map());
const asked = new Set<number>();

/** The time of the event at `seq` for the banner: from the index when it has that seq, else
 * fetched once (until it is known, the time of the index's last point before it; null: none). */
export function time_of(seq: number): string | null {
  const e = index.value.find((x) => x.seq === seq);
  if (e?.ts) return e.ts;
  if (!index_sampled.value) return time_at(index.value, seq);
  const known = exact.value.get(seq);
  if (known !== undefined) return known;
  if (!asked.has(seq)) {
    asked.add(seq);
    void event_time(seq).then((ts) => (exact.value = new Map(exact.value).set(seq, ts)));
  }
  return time_at(index.value, seq);
}

/** Set when the scrubber is released (performance.now()); the view reports the time to render. */
export const release = { at: null as number | null, seq: null as number | null, fetched: null as number | null };
/** The last release-to-render time, and how many have been measured (two equal times are
 * still two renders: the figure line is drawn anew for each). */
export const last_render_ms = signal<{ ms: number; n: number } | null>(null);

/** What the server's reads support (probed once per tab; null until known). */
export const features = signal<ServerFeatures | null>(null);
let probing = false;
export function probe_features(): void {
  if (probing) return;
  probing = true;
  void server_features().then((f) => (features.value = f));
}
