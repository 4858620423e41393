// How a view renders: live (the signed-in user's controls, links to the live routes) or
// read-only at a past point of the log (the audit timeline: no controls, links that stay at
// the same seq). Views ask `use_me()` for the user whose permissions decide which controls
// show, and `use_href()` for their links, so one set of view components serves both.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from './model';
import { href as live_href } from './router';
import type { Hrefs } from './router';
import { me } from './store';
import type { RoomSource } from './room_source';
import { live_rooms } from './room_source';

export interface ViewMode {
  read_only: boolean;
  href: Hrefs;
  /** Where the views' rooms come from: live (WebSocket) or a past point (REST), ADR 0512. */
  rooms: RoomSource;
  /** Read-only: the link to an entity's history (`pledge:P3`) at the same seq. */
  history?: (entity: string) => string;
}

export const ViewModeContext = createContext<ViewMode>({ read_only: false, href: live_href, rooms: live_rooms });

export const use_mode = () => useContext(ViewModeContext);
export const use_href = () => use_mode().href;

/** The user whose permissions pick the controls. Read-only: the viewer as an auditor (who
 * sees hidden content marked as such and may send nothing), so no control is shown. */
export function use_me(): Me {
  const mode = use_mode();
  const user = me.value;
  return mode.read_only && user ? { ...user, roles: ['auditor'] } : user;
}
