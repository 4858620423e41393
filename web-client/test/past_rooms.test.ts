// A past point's rooms (ADR 0512): the audit timeline's read-only views take a thread's
// comments, a pledge's reports and the detail text from `GET /api/thread?room=..&at=N`, folded
// into that point's light state by the same functions as live pages; "load earlier" sends the
// cursor; a room missing at that point shows nothing; a whole past state needs no room.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PastRooms, is_light } from '../src/ui/room_source';
import { normalize_state } from '../src/sync/reducer';
import type { Pledge, State } from '../src/sync/types';
import { thin_pledge } from '../src/sync/skeleton';
import { comment, report, skeleton, thread } from './light_harness';

const urls: string[] = [];
function serve(answer: (url: URL) => { status: number; body: unknown }) {
  vi.stubGlobal('fetch', async (u: string) => {
    urls.push(u);
    const r = answer(new URL(u, 'http://a4pd'));
    return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json' } });
  });
}
afterEach(() => {
  vi.unstubAllGlobals();
  urls.length = 0;
});
const settle = () => new Promise((r) => setTimeout(r, 0));
/** A thin skeleton at seq 20: its pledge without the description. */
function light_state(): State {
  const s = skeleton(20);
  return normalize_state({ ...s, pledges: { P1: thin_pledge(s.pledges.P1 as unknown as Pledge) } } as unknown as Partial<State>, 20);
}

describe('past rooms', () => {
  it('a light point folds the first page (comments, reports, entity) and pages back with the cursor', async () => {
    serve((u) => {
      const room = u.searchParams.get('room');
      if (room !== 'pledge:P1') return { status: 404, body: { error: { code: 'not_found' } } };
      if (u.searchParams.get('before') === '5')
        return { status: 200, body: { room, seq: 20, comments: [comment('C2', 'pledge:P1')], before: null, from: 5, thread: thread(3) } };
      if (u.searchParams.get('reports_before') === '8')
        return { status: 200, body: { room, seq: 20, reports: [report(3, 10)], reports_before: null, reports_from: 8, thread: thread(3) } };
      return {
        status: 200,
        body: {
          room, seq: 20, thread: thread(3), before: 5, reports_before: 8,
          comments: [comment('C5', 'pledge:P1'), comment('C9', 'pledge:P1')],
          reports: [report(8, 40)],
          entity: { ...skeleton(20).pledges.P1, description: 'Then', title: 'Old title' },
          opinions: [],
        },
      };
    });
    const src = new PastRooms({ seq: 20, as_org: 'USA' }, light_state(), true);
    expect(src.view('pledge:P1')!.loaded).toBe(false);
    src.hold('pledge:P1');
    expect(src.busy.value).toBe(true);
    await settle();
    expect(urls[0]).toBe('/api/thread?room=pledge%3AP1&at=20&limit=50&as_org=USA');
    expect(src.busy.value).toBe(false);
    expect(Object.keys(src.state.value.comments).sort()).toEqual(['C5', 'C9']);
    expect(src.state.value.pledges.P1!.description).toBe('Then');
    // The skeleton's fields are those of this point: the entity adds only what it lacks.
    expect(src.state.value.pledges.P1!.title).toBe('P');
    expect(src.view('pledge:P1')).toMatchObject({ loaded: true, before: 5, reports_before: 8 });
    src.load_earlier('pledge:P1');
    expect(src.view('pledge:P1')!.loading).toBe('comments');
    await settle();
    expect(urls[1]).toBe('/api/thread?room=pledge%3AP1&at=20&before=5&limit=50&as_org=USA');
    expect(Object.keys(src.state.value.comments).sort()).toEqual(['C2', 'C5', 'C9']);
    expect(src.view('pledge:P1')).toMatchObject({ before: null, loading: null });
    src.load_earlier('pledge:P1', 'reports');
    await settle();
    expect(urls[2]).toContain('&reports_before=8&');
    expect(src.state.value.pledges.P1!.reports.map((r) => r.seq)).toEqual([3, 8]);
    // Nothing earlier: no request.
    src.load_earlier('pledge:P1');
    expect(urls).toHaveLength(3);
    // Held again: read once.
    src.hold('pledge:P1');
    expect(urls).toHaveLength(3);
    // A room not there at that point: nothing to show, not loading forever.
    src.hold('discussion:D9');
    await settle();
    expect(src.view('discussion:D9')).toMatchObject({ loaded: true, before: null });
  });

  it('a whole past state (an a4pd without the light past view) holds every comment: no room is read', async () => {
    serve(() => ({ status: 500, body: null }));
    const whole = normalize_state({ seq: 3, comments: { C1: comment('C1') as never } }, 3);
    expect(is_light(whole)).toBe(false);
    expect(is_light(light_state())).toBe(true);
    const src = new PastRooms({ seq: 3, as_org: null }, whole, false);
    src.hold('discussion:D1');
    await settle();
    expect(urls).toEqual([]);
    expect(src.view('discussion:D1')).toBeNull();
    expect(src.busy.value).toBe(false);
  });
});
