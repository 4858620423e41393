// A view's room (ADR 0508): joined while the view is open and live, left when it closes. In a
// light session the room brings the target's comments (and a pledge's reports) page by page;
// for discussions it is also the presence room. A past, read-only view joins nothing.
import { useEffect } from 'preact/hooks';
import type { RoomView } from '../sync';
import { join, leave, rooms } from './store';
import { use_mode } from './view_mode';

/** Joins `room` while `open` (the target exists) and the view is live; returns what is held. */
export function use_room(room: string, open: boolean): RoomView | null {
  const { read_only } = use_mode();
  const live = open && !read_only;
  useEffect(() => {
    if (!live) return;
    join(room);
    return () => leave(room);
  }, [room, live]);
  return live ? rooms.value[room] ?? null : null;
}
