// The public feed (docs/public-api.md): an EventSource on /public/api/feed, the state fetched
// after its hello (so no change is missed), then each change folded in as it comes.
// The fetch and EventSource are injected, so the fold-and-buffer logic is testable.
import { signal } from '@preact/signals';
import { apply_change, type Change, type PublicState } from './model';

export type LiveStatus = 'connecting' | 'live' | 'offline';
export const pub = signal<PublicState | null>(null);
export const live_status = signal<LiveStatus>('connecting');
/** The last change that arrived live, for the polite announcement. */
export const last_change = signal<Change | null>(null);

export interface FeedDeps {
  fetch_state: (min_seq: number) => Promise<PublicState>;
  open: (on: { hello: (seq: number) => void; change: (c: Change) => void; error: () => void }) => void;
  retry_ms?: number;
}

export function start_feed(deps: FeedDeps) {
  let loading = false;
  let buffered: Change[] = [];
  const fold = (c: Change) => {
    if (!pub.value) return;
    const next = apply_change(pub.value, c);
    if (next === null) return void load(c.seq);
    if (next !== pub.value) last_change.value = c;
    pub.value = next;
  };
  const load = async (min_seq: number) => {
    if (loading) return;
    loading = true;
    try {
      let s = await deps.fetch_state(min_seq);
      // A cache in front may hand out an older copy for a moment: ask again.
      for (let k = 0; s.seq < min_seq && k < 10; k++) {
        await new Promise((r) => setTimeout(r, deps.retry_ms ?? 300));
        s = await deps.fetch_state(min_seq);
      }
      pub.value = s;
    } catch {
      live_status.value = 'offline';
      setTimeout(() => void load(min_seq), (deps.retry_ms ?? 300) * 10);
    } finally {
      loading = false;
      const pending = buffered;
      buffered = [];
      for (const c of pending) fold(c);
    }
  };
  deps.open({
    hello: (seq) => {
      live_status.value = 'live';
      if (!pub.value || pub.value.seq < seq) void load(seq);
    },
    change: (c) => {
      if (loading || !pub.value) buffered.push(c);
      else fold(c);
    },
    error: () => {
      live_status.value = 'offline';
    },
  });
}

/** The browser's wiring: fetch and EventSource. */
export function start_browser_feed() {
  start_feed({
    fetch_state: async (min_seq) => {
      const r = await fetch(`/public/api/state.json?seq=${min_seq}`);
      if (!r.ok) throw new Error(`state.json: ${r.status}`);
      return (await r.json()) as PublicState;
    },
    open: (on) => {
      const es = new EventSource('/public/api/feed');
      es.addEventListener('hello', (ev) => on.hello(JSON.parse((ev as MessageEvent<string>).data).seq));
      es.addEventListener('change', (ev) => on.change(JSON.parse((ev as MessageEvent<string>).data) as Change));
      es.onerror = () => on.error();
    },
  });
}
