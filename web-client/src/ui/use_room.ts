// A view's room (ADR 0508, 0512): held while the view is open, from the view's room source:
// live, joined over the WebSocket and left when the view closes (for discussions also the
// presence room); at a past point of the audit timeline, read from `/api/thread`. In a light
// session the room brings the target's comments (and a pledge's reports) page by page, and
// the detail text the thin skeleton leaves out.
import { useEffect } from 'preact/hooks';
import type { RoomView } from '../sync';
import { use_mode } from './view_mode';

/** Holds `room` while `open` (the target exists); returns what is held. */
export function use_room(room: string, open: boolean): RoomView | null {
  const { rooms } = use_mode();
  useEffect(() => (open ? rooms.hold(room) : undefined), [room, open, rooms]);
  return open ? rooms.view(room) : null;
}
