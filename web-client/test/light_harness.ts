// A light session against a fake WebSocket and fake timers, and its fixtures (a skeleton,
// comments, reports, events), shared by rooms.test.ts and skeleton.test.ts.
import { SyncClient, type SyncOptions } from '../src/sync/sync_client';
import { FakeSocket } from './fake_socket';

export function harness(view: 'light' | 'full' = 'light', more: Partial<SyncOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  let clock = 1_000_000;
  const client = new SyncClient({
    url: 'ws://test/ws',
    view,
    socket_factory: () => {
      const s = new FakeSocket('ws://test/ws', 'a4p.v1');
      sockets.push(s);
      return s;
    },
    random: () => 0.5,
    set_timeout: (fn, ms) => timers.push({ fn, ms }),
    clear_timeout: () => {},
    now: () => clock,
    ...more,
  });
  const fire_retry = () => {
    const i = timers.findIndex((t) => t.ms <= 10_000);
    timers.splice(i, 1)[0]!.fn();
  };
  return { client, sockets, last: () => sockets[sockets.length - 1]!, fire_retry, advance: (ms: number) => (clock += ms) };
}

export const user = { id: 'gbr.delegate', name: 'GBR delegate', org: 'GBR', roles: ['member'] };
export const thread = (count: number, last_seq = 0, last_ts = '') => ({ count, last_seq, last_ts });
export const report = (seq: number, progress: number) => ({
  seq, ts: 't', by: 'x', round: null, status: 'on_track', progress, note: `r${seq}`, evidence: [], impact_note: null, attribution: null,
});
export function skeleton(seq: number) {
  return {
    seq,
    discussions: {
      D1: { id: 'D1', theme: 'politics', title: 'D', agenda: '', visibility: 'open', invitees: [], convener: 'GBR', state: 'open', outcome: null, version: 1, thread: thread(3, 9, 'x') },
      D2: { id: 'D2', theme: 'politics', title: 'E', agenda: '', visibility: 'open', invitees: [], convener: 'GBR', state: 'open', outcome: null, version: 1, thread: thread(0) },
    },
    pledges: {
      P1: { id: 'P1', org: 'GBR', theme: 'politics', title: 'P', description: '', output: { indicator: '', target: '' }, impact: null, commitment: null, actions: [], due: null, version: 1, status: 'on_track', progress: 40, reports: [report(8, 40)], report_count: 4, round_reports: {}, thread: thread(0) },
    },
    comments: {},
  };
}
export const comment = (id: string, target = 'discussion:D1', extra: object = {}) => ({
  id, target, author: 'x', org: 'GBR', body: `body ${id}`, reply_to: null, hidden: false, hidden_reason: null, edited: false, ts: 't', version: 1, ...extra,
});
export function ev(seq: number, prev: number, name: string, data: object, entity = '') {
  return { type: 'event', seq, prev, ts: `ts${seq}`, actor: { user: 'x', org: 'GBR' }, name, entity, data };
}

export function bring_live(h: ReturnType<typeof harness>, seq = 10) {
  h.client.start();
  const s = h.last();
  s.open();
  s.recv({ type: 'welcome', user, epoch: 'E1', head: seq, mode: 'snapshot', view: 'light' }, { type: 'snapshot', seq, view: 'light', state: skeleton(seq) });
  return s;
}
