// Comment threads of targets (discussions, pledges, actions), pure. In the light snapshot each
// such entity carries its `thread` (count of comments not hidden, latest comment.posted); in a
// whole state the thread is counted from the comments held. The reducer keeps a carried thread
// up to date with the comment events it applies; ticks replace it (rooms.ts).

import type { State, Thread } from './types';

type ThreadMap = 'discussions' | 'pledges' | 'actions';
const kinds: Record<string, ThreadMap> = { discussion: 'discussions', pledge: 'pledges', action: 'actions' };

/** The state map and id a room (`discussion:<id>`, `pledge:<id>`, `action:<id>`) is about. */
export function room_entity(room: string): { map: ThreadMap; id: string } | null {
  const i = room.indexOf(':');
  const map = i > 0 ? kinds[room.slice(0, i)] : undefined;
  return map && i + 1 < room.length ? { map, id: room.slice(i + 1) } : null;
}

/** A target's thread: the skeleton's (light) or counted from the comments held (full state). */
export function thread_of(s: State, target: string): Thread {
  const e = room_entity(target);
  const held = e ? (s[e.map][e.id] as { thread?: Thread } | undefined)?.thread : undefined;
  if (held) return held;
  let count = 0;
  let last_ts = '';
  for (const c of Object.values(s.comments)) {
    if (c.target !== target) continue;
    if (!c.hidden) count += 1;
    if (c.ts > last_ts) last_ts = c.ts;
  }
  return { count, last_seq: 0, last_ts };
}

/** The state with `target`'s thread replaced (unchanged when the target is not in the state). */
export function with_thread(s: State, target: string, thread: Thread): State {
  const e = room_entity(target);
  if (!e) return s;
  const cur = s[e.map][e.id];
  if (!cur) return s;
  return { ...s, [e.map]: { ...s[e.map], [e.id]: { ...cur, thread } } };
}

/** Changes `target`'s thread by `f` when the state carries threads (light); else as it was. */
export function bump_thread(s: State, target: string, f: (t: Thread) => Thread): State {
  const e = room_entity(target);
  const cur = e ? (s[e.map][e.id] as { thread?: Thread } | undefined) : undefined;
  return cur?.thread ? with_thread(s, target, f(cur.thread)) : s;
}

