// Where a view's rooms come from (ADR 0512). A thread's comments (paged, "load earlier"), a
// pledge's reports and a target's detail text (thin skeleton: `entity`, `opinions`) come from
// its room, live or past:
// - live: the WebSocket (`join`, `page`), held by the SyncClient, which folds each page into the
//   one state the views draw (store.ts);
// - past (the audit timeline, read-only): `GET /api/thread?room=..&at=N[&as_org=X]` pages, folded
//   by the same pure functions (sync/rooms.ts) into that point's light state, held here.
// Views do not know which: `use_room()` holds the room while the view is open, and the view
// draws the state it is given (the store's, or `PastRooms.state`).
import { computed, signal } from '@preact/signals';
import type { ReadonlySignal, Signal } from '@preact/signals';
import { apply_earlier_page, apply_latest_page, room_limits } from '../sync';
import type { PageMsg, RoomView, State } from '../sync';
import type { PageCursor, Result } from '../audit/api';
import { thread_page } from '../audit/api';
import { join, leave, load_earlier, rooms } from './store';

export interface RoomSource {
  /** Holds `room` while a view shows it; returns what lets it go. */
  hold(room: string): () => void;
  /** What is held of `room`; null: the state holds every comment (a whole state). */
  view(room: string): RoomView | null;
  /** Asks for the page before the earliest held (comments, or a pledge's reports). */
  load_earlier(room: string, what?: 'comments' | 'reports'): void;
}

/** The live rooms: joined and left with the views, over the WebSocket. */
export const live_rooms: RoomSource = {
  hold(room) {
    join(room);
    return () => leave(room);
  },
  view: (room) => rooms.value[room] ?? null,
  load_earlier: (room, what) => void load_earlier(room, what),
};

/** A past point: the seq and the organisation whose sight it is (null: the reader's own). */
export interface PastPoint {
  seq: number;
  as_org: string | null;
}

// First pages, as promises, so that a read started at the scrubber's release is the one the
// view then waits for; a few points' worth (a failed read is not kept).
const first_pages = new Map<string, Promise<Result<PageMsg>>>();
const first_pages_kept = 32;

/** The first page of `room` at `at` (from the cache, or asked now). */
export function first_page(at: PastPoint, room: string): Promise<Result<PageMsg>> {
  const key = `${at.seq}/${at.as_org ?? ''}/${room}`;
  const hit = first_pages.get(key);
  if (hit) return hit;
  const p = thread_page(room, at.seq, at.as_org, null, room_limits.page).then((r) => {
    if (!r.ok) first_pages.delete(key);
    return r;
  });
  first_pages.set(key, p);
  if (first_pages.size > first_pages_kept) first_pages.delete(first_pages.keys().next().value!);
  return p;
}

const loading_view: RoomView = { joined: true, loaded: false, before: null, reports_before: null, loading: null };
const empty_view: RoomView = { joined: true, loaded: true, before: null, reports_before: null, loading: null };

/** The rooms of one past point, folded into its light state. A whole past state (an a4pd
 * without the light past view) has every comment already: then this holds nothing. Past
 * contents never change, so a room once read is kept as long as this point is. */
export class PastRooms implements RoomSource {
  readonly state: ReadonlySignal<State>;
  /** Some room held has not had its first page yet. */
  readonly busy: ReadonlySignal<boolean>;
  private readonly state_: Signal<State>;
  private readonly rooms_ = signal<Record<string, RoomView>>({});

  constructor(
    readonly at: PastPoint,
    skeleton: State,
    readonly light: boolean,
  ) {
    this.state_ = signal<State>(skeleton);
    this.state = this.state_;
    this.busy = computed(() => Object.values(this.rooms_.value).some((r) => !r.loaded));
  }

  hold(room: string): () => void {
    if (this.light && !this.rooms_.peek()[room]) {
      this.set(room, loading_view);
      void first_page(this.at, room).then((r) => {
        // A room that is not there at this point (or not for this reader): nothing to show.
        if (!r.ok) return this.set(room, empty_view);
        this.state_.value = apply_latest_page(this.state_.peek(), r.value);
        this.set(room, { ...empty_view, before: r.value.before ?? null, reports_before: r.value.reports_before ?? null });
      });
    }
    return () => {};
  }

  view(room: string): RoomView | null {
    return this.light ? this.rooms_.value[room] ?? loading_view : null;
  }

  load_earlier(room: string, what: 'comments' | 'reports' = 'comments'): void {
    const held = this.rooms_.peek()[room];
    const c = what === 'comments' ? held?.before : held?.reports_before;
    if (!held?.loaded || held.loading || c === null || c === undefined) return;
    const cursor: PageCursor = what === 'comments' ? { before: c } : { reports_before: c };
    this.set(room, { ...held, loading: what });
    void thread_page(room, this.at.seq, this.at.as_org, cursor, room_limits.page).then((r) => {
      const now = this.rooms_.peek()[room]!;
      if (!r.ok) return this.set(room, { ...now, loading: null });
      this.state_.value = apply_earlier_page(this.state_.peek(), r.value);
      const next = what === 'comments' ? { before: r.value.before ?? null } : { reports_before: r.value.reports_before ?? null };
      this.set(room, { ...now, ...next, loading: null });
    });
  }

  private set(room: string, v: RoomView): void {
    this.rooms_.value = { ...this.rooms_.peek(), [room]: v };
  }
}

/** Whether a state is a light one (a skeleton: pledges carry `report_count`, targets `thread`). */
export function is_light(s: State): boolean {
  for (const m of ['pledges', 'discussions', 'actions'] as const)
    for (const e of Object.values(s[m])) return 'thread' in e || 'report_count' in e;
  return false;
}
