// A light session (ADR 0508) against a fake WebSocket: hello with view "light" and the rooms
// held, the skeleton, ticks, pages and their cursors, the join race rule, resume per room,
// report histories, and rooms left long ago dropped.
import { describe, expect, it } from 'vitest';
import { bring_live, comment, ev, harness, report, skeleton, thread, user } from './light_harness';
import { room_limits } from '../src/sync/rooms';
import { thread_of } from '../src/sync/threads';

describe('light session', () => {
  it('says hello with view light, holds the skeleton with threads and no comments', () => {
    const h = harness();
    h.client.start();
    const s = h.last();
    s.open();
    expect(s.sent).toEqual([{ type: 'hello', view: 'light' }]);
    s.recv({ type: 'welcome', user, epoch: 'E1', head: 10, mode: 'snapshot', view: 'light' }, { type: 'snapshot', seq: 10, view: 'light', state: skeleton(10) });
    expect(h.client.light).toBe(true);
    expect(h.client.state?.comments).toEqual({});
    expect(thread_of(h.client.state!, 'discussion:D1')).toEqual(thread(3, 9, 'x'));
  });

  it('a tick moves only the thread, and a gap in prev across ticks reconnects', () => {
    const h = harness();
    const s = bring_live(h);
    s.recv({ type: 'tick', prev: 10, seq: 11, room: 'discussion:D1', thread: thread(4, 11, 'ts11') });
    expect(h.client.state?.seq).toBe(11);
    expect(thread_of(h.client.state!, 'discussion:D1')).toEqual(thread(4, 11, 'ts11'));
    expect(h.client.state?.comments).toEqual({});
    s.recv({ type: 'tick', prev: 12, seq: 13, room: 'discussion:D1', thread: thread(5, 13, 'ts13') });
    expect(h.client.status).toBe('resyncing');
    expect(h.client.state?.seq).toBe(11);
  });

  it('joins with a limit; the page fills the room; load earlier sends the cursor and prepends', () => {
    const h = harness();
    const s = bring_live(h);
    h.client.join('discussion:D1');
    expect(s.of_type('join')).toEqual([{ type: 'join', room: 'discussion:D1', limit: room_limits.page }]);
    expect(h.client.room('discussion:D1')).toMatchObject({ joined: true, loaded: false });
    s.recv({ type: 'page', room: 'discussion:D1', seq: 10, comments: [comment('C8'), comment('C9')], before: 8, thread: thread(3, 9, 'x') });
    expect(Object.keys(h.client.state!.comments)).toEqual(['C8', 'C9']);
    expect(h.client.room('discussion:D1')).toMatchObject({ loaded: true, before: 8 });
    expect(h.client.load_earlier('discussion:D1')).toBe(true);
    expect(h.client.load_earlier('discussion:D1')).toBe(false); // one at a time
    expect(s.of_type('page')).toEqual([{ type: 'page', room: 'discussion:D1', before: 8, limit: room_limits.page }]);
    s.recv({ type: 'page', room: 'discussion:D1', seq: 10, from: 8, comments: [comment('C3')], before: null });
    expect(Object.keys(h.client.state!.comments).sort()).toEqual(['C3', 'C8', 'C9']);
    expect(h.client.room('discussion:D1')).toMatchObject({ before: null, loading: null });
    expect(h.client.load_earlier('discussion:D1')).toBe(false); // nothing earlier
    // A live comment on the joined room comes in full and counts.
    s.recv(ev(11, 10, 'comment.posted', { id: 'C11', target: 'discussion:D1', body: 'new', reply_to: null }, 'comment:C11'));
    expect(h.client.state!.comments.C11?.body).toBe('new');
    expect(thread_of(h.client.state!, 'discussion:D1')).toEqual(thread(4, 11, 'ts11'));
  });

  it('join race: events before the page are kept; those above page.seq are applied again', () => {
    const h = harness();
    const s = bring_live(h);
    s.recv({ type: 'page', room: 'discussion:D1', seq: 10, comments: [comment('C9')], before: null }); // not joined: ignored
    expect(h.client.state!.comments).toEqual({});
    h.client.join('discussion:D1');
    // Taken by the server at seq 11; events 11 and 12 reach the client before the page.
    s.recv(ev(11, 10, 'comment.posted', { id: 'C11', target: 'discussion:D1', body: 'a', reply_to: null }, 'comment:C11'));
    s.recv(ev(12, 11, 'comment.posted', { id: 'C12', target: 'discussion:D1', body: 'b', reply_to: null }, 'comment:C12'));
    // The page was read at seq 11: it has C11 and not C12.
    s.recv({ type: 'page', room: 'discussion:D1', seq: 11, comments: [comment('C9'), comment('C11', 'discussion:D1', { body: 'a' })], before: 9, thread: thread(4, 11, 'ts11') });
    expect(Object.keys(h.client.state!.comments).sort()).toEqual(['C11', 'C12', 'C9']);
    expect(h.client.state!.seq).toBe(12);
    expect(thread_of(h.client.state!, 'discussion:D1')).toEqual(thread(5, 12, 'ts12'));
    // An event the page was already read past (page seq ahead of the feed) is not counted twice.
    h.client.join('discussion:D2');
    s.recv({ type: 'page', room: 'discussion:D2', seq: 13, comments: [comment('C13', 'discussion:D2')], before: null, thread: thread(1, 13, 'ts13') });
    s.recv(ev(13, 12, 'comment.posted', { id: 'C13', target: 'discussion:D2', body: 'c', reply_to: null }, 'comment:C13'));
    expect(thread_of(h.client.state!, 'discussion:D2')).toEqual(thread(1, 13, 'ts13'));
    expect(h.client.state!.seq).toBe(13);
  });

  it('a pledge keeps only its latest report unless its room is joined; the room pages reports', () => {
    const h = harness();
    const s = bring_live(h);
    s.recv(ev(11, 10, 'pledge.progress_reported', { id: 'P1', status: 'on_track', progress: 50 }, 'pledge:P1'));
    let p = h.client.state!.pledges.P1!;
    expect(p.reports.map((r) => r.seq)).toEqual([11]);
    expect(p.report_count).toBe(5);
    s.recv(ev(12, 11, 'pledge.progress_reported', { id: 'P1', round: 'R1', status: 'delayed', progress: 55 }, 'pledge:P1'));
    expect(h.client.state!.pledges.P1!.round_reports).toEqual({ R1: { status: 'delayed', progress: 55, ts: 'ts12' } });
    h.client.join('pledge:P1');
    s.recv({ type: 'page', room: 'pledge:P1', seq: 12, comments: [], before: null, reports: [report(9, 45), report(11, 50), report(12, 55)], reports_before: 9, thread: thread(0) });
    expect(h.client.state!.pledges.P1!.reports.map((r) => r.seq)).toEqual([9, 11, 12]);
    s.recv(ev(13, 12, 'pledge.progress_reported', { id: 'P1', status: 'done', progress: 100 }, 'pledge:P1'));
    p = h.client.state!.pledges.P1!;
    expect(p.reports.map((r) => r.seq)).toEqual([9, 11, 12, 13]);
    expect(p.report_count).toBe(7);
    expect(h.client.load_earlier('pledge:P1', 'reports')).toBe(true);
    expect(s.of_type('page')).toEqual([{ type: 'page', room: 'pledge:P1', reports_before: 9, limit: room_limits.page }]);
    s.recv({ type: 'page', room: 'pledge:P1', seq: 13, reports_from: 9, reports: [report(3, 10), report(8, 40)], reports_before: null });
    expect(h.client.state!.pledges.P1!.reports.map((r) => r.seq)).toEqual([3, 8, 9, 11, 12, 13]);
    expect(h.client.room('pledge:P1')?.reports_before).toBeNull();
  });

  it('resumes with the rooms it holds named in hello, and joins a room still pending again', () => {
    const h = harness();
    const s = bring_live(h);
    h.client.join('discussion:D1');
    h.client.join('discussion:D2');
    s.recv({ type: 'page', room: 'discussion:D1', seq: 10, comments: [comment('C9')], before: null, thread: thread(3, 9, 'x') });
    s.drop();
    h.fire_retry();
    const s2 = h.last();
    s2.open();
    expect(s2.sent[0]).toEqual({ type: 'hello', view: 'light', resume: { epoch: 'E1', seq: 10 }, rooms: ['discussion:D1'] });
    s2.recv({ type: 'welcome', user, epoch: 'E1', head: 11, mode: 'resume', view: 'light' });
    expect(s2.of_type('join')).toEqual([{ type: 'join', room: 'discussion:D2', limit: room_limits.page }]);
    // The catch-up comes in full for the joined room.
    s2.recv(ev(11, 10, 'comment.posted', { id: 'C11', target: 'discussion:D1', body: 'x', reply_to: null }, 'comment:C11'));
    expect(Object.keys(h.client.state!.comments).sort()).toEqual(['C11', 'C9']);
  });

  it('after a new snapshot every joined room is joined again for its page', () => {
    const h = harness();
    const s = bring_live(h);
    h.client.join('discussion:D1');
    s.recv({ type: 'page', room: 'discussion:D1', seq: 10, comments: [comment('C9')], before: null });
    s.drop();
    h.fire_retry();
    const s2 = h.last();
    s2.open();
    s2.recv({ type: 'welcome', user, epoch: 'E2', head: 20, mode: 'snapshot', view: 'light' }, { type: 'snapshot', seq: 20, view: 'light', state: skeleton(20) });
    expect(h.client.state!.comments).toEqual({});
    expect(h.client.room('discussion:D1')).toMatchObject({ joined: true, loaded: false });
    expect(s2.of_type('join')).toEqual([{ type: 'join', room: 'discussion:D1', limit: room_limits.page }]);
  });

  it('drops rooms left long ago, and all but the most recently left ones', () => {
    const h = harness();
    const s = bring_live(h);
    h.client.join('discussion:D1');
    s.recv({ type: 'page', room: 'discussion:D1', seq: 10, comments: [comment('C9')], before: null });
    h.client.leave('discussion:D1');
    expect(h.client.state!.comments.C9).toBeDefined(); // kept for a quick return
    h.advance(room_limits.keep_ms + 1);
    h.client.join('pledge:P1');
    expect(h.client.state!.comments.C9).toBeUndefined();
    expect(h.client.room('discussion:D1')).toBeNull();
    // Beyond keep_rooms left rooms, the oldest go.
    for (let i = 0; i <= room_limits.keep_rooms; i++) {
      const room = `action:A${i}`;
      h.client.join(room);
      s.recv({ type: 'page', room, seq: 10, comments: [comment(`K${i}`, room)], before: null });
      h.advance(1000);
      h.client.leave(room);
    }
    expect(h.client.state!.comments.K0).toBeUndefined();
    expect(h.client.state!.comments[`K${room_limits.keep_rooms}`]).toBeDefined();
    // Leaving the pledge room trims its reports back to the latest once it is dropped.
    s.recv({ type: 'page', room: 'pledge:P1', seq: 10, comments: [], before: null, reports: [report(3, 10), report(8, 40)], reports_before: null });
    h.client.leave('pledge:P1');
    h.advance(room_limits.keep_ms + 1);
    h.client.join('discussion:D2');
    expect(h.client.state!.pledges.P1!.reports.map((r) => r.seq)).toEqual([8]);
  });

  it('a refused join stops waiting for its page', () => {
    const h = harness();
    const s = bring_live(h);
    h.client.join('discussion:D9');
    s.recv({ type: 'error', code: 'not_found', message: 'no such room: discussion:D9' });
    s.recv(ev(11, 10, 'theme.added', { id: 'x', name: 'X' }));
    expect(h.client.room('discussion:D9')).toMatchObject({ joined: true, loaded: false });
    expect(h.client.state!.seq).toBe(11);
  });

  it('a page that does not come is asked for again instead of keeping events without bound', () => {
    const h = harness();
    const s = bring_live(h);
    h.client.join('discussion:D1');
    for (let seq = 11; seq <= 5011; seq++) s.recv(ev(seq, seq - 1, 'unknown.event', {}));
    expect(s.of_type('join')).toHaveLength(2);
    s.recv({ type: 'page', room: 'discussion:D1', seq: 5011, comments: [comment('C9')], before: null });
    expect(h.client.room('discussion:D1')).toMatchObject({ loaded: true });
  });

  it('a server without the light view gives the whole state and joins stay as in a4p.v1', () => {
    const h = harness();
    h.client.start();
    const s = h.last();
    s.open();
    s.recv({ type: 'welcome', user, epoch: 'E1', head: 10, mode: 'snapshot' }, { type: 'snapshot', seq: 10, state: { seq: 10, comments: { C1: comment('C1') } } });
    expect(h.client.light).toBe(false);
    h.client.join('discussion:D1');
    expect(s.of_type('join')).toEqual([{ type: 'join', room: 'discussion:D1' }]);
    expect(h.client.room('discussion:D1')).toMatchObject({ loaded: true, before: null });
    expect(thread_of(h.client.state!, 'discussion:D1').count).toBe(1);
  });
});
