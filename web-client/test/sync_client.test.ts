// SyncClient against a fake WebSocket and fake timers: hello/resume, gap -> reconnect and
// resume, offline queue resent with the same id (and persisted), idempotent acks, conflicts
// surfaced as values, 4001 -> signed out, backoff growth.
import { describe, expect, it } from 'vitest';
import { SyncClient, backoff_delay, outbox_key } from '../src/sync/sync_client';
import type { StorageLike } from '../src/sync/sync_client';
import { FakeSocket } from './fake_socket';
import type { CommandOutcome, ConnectionStatus } from '../src/sync/types';

class MemStorage implements StorageLike {
  m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

function harness(opts: { storage?: MemStorage; auth_ok?: boolean } = {}) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number; id: number }[] = [];
  let next = 1;
  const statuses: ConnectionStatus[] = [];
  let n = 0;
  const client = new SyncClient({
    url: 'ws://test/ws',
    socket_factory: (url, protocol) => {
      const s = new FakeSocket(url, protocol);
      sockets.push(s);
      return s;
    },
    storage: opts.storage ?? new MemStorage(),
    auth_probe: async () => opts.auth_ok ?? true,
    random: () => 0.5,
    set_timeout: (fn, ms) => {
      const id = next++;
      timers.push({ fn, ms, id });
      return id;
    },
    clear_timeout: (h) => {
      const i = timers.findIndex((t) => t.id === h);
      if (i >= 0) timers.splice(i, 1);
    },
    make_id: () => `cmd-${++n}`,
  });
  client.subscribe((e) => {
    if (e.kind === 'status') statuses.push(e.status);
  });
  const fire_retry = () => {
    // Fire the earliest pending reconnect timer (ping timers are 20 s; retries are shorter).
    const i = timers.findIndex((t) => t.ms <= 10_000);
    if (i < 0) throw new Error('no retry scheduled');
    const [t] = timers.splice(i, 1);
    t!.fn();
  };
  const last = () => sockets[sockets.length - 1]!;
  return { client, sockets, timers, statuses, fire_retry, last };
}

const user = { id: 'gbr.delegate', name: 'GBR delegate', org: 'GBR', roles: ['member', 'champion'] };
const base_state = {
  seq: 10,
  themes: { politics: { id: 'politics', name: 'Political solutions' } },
  pledges: {},
  comments: {},
};
function ev(seq: number, prev: number, name: string, data: object, actor = { user: 'x', org: 'GBR' }) {
  return { type: 'event', seq, prev, ts: '2026-01-01T00:00:00Z', actor, name, entity: '', data };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

function bring_live(h: ReturnType<typeof harness>, seq = 10) {
  h.client.start();
  const s = h.last();
  s.open();
  s.recv(
    { type: 'welcome', user, epoch: 'E1', head: seq, mode: 'snapshot' },
    { type: 'snapshot', seq, state: { ...base_state, seq } },
  );
  return s;
}

describe('SyncClient', () => {
  it('says hello without resume first, builds state from snapshot, goes live', () => {
    const h = harness();
    h.client.start();
    expect(h.statuses).toEqual(['connecting']);
    const s = h.last();
    expect(s.protocol).toBe('a4p.v1');
    s.open();
    expect(s.sent).toEqual([{ type: 'hello' }]);
    s.recv({ type: 'welcome', user, epoch: 'E1', head: 10, mode: 'snapshot' });
    expect(h.client.status).toBe('resyncing');
    s.recv({ type: 'snapshot', seq: 10, state: base_state });
    expect(h.client.status).toBe('live');
    expect(h.client.state?.seq).toBe(10);
    expect(h.client.state?.themes.politics?.name).toBe('Political solutions');
    expect(h.client.state?.rounds).toEqual({}); // maps the snapshot left out are filled in
    expect(h.client.user?.org).toBe('GBR');
  });

  it('splits multi-message frames on newlines and applies events in order', () => {
    const h = harness();
    const s = bring_live(h);
    s.recv(
      ev(11, 10, 'theme.added', { id: 'wps', name: 'WPS' }),
      ev(12, 11, 'theme.added', { id: 'conduct', name: 'Conduct' }),
    );
    expect(h.client.state?.seq).toBe(12);
    expect(Object.keys(h.client.state!.themes).sort()).toEqual(['conduct', 'politics', 'wps']);
  });

  it('resumes with {epoch, seq} after a drop and keeps its state', () => {
    const h = harness();
    const s = bring_live(h);
    s.recv(ev(11, 10, 'theme.added', { id: 'wps', name: 'WPS' }));
    s.drop(1006);
    expect(h.client.status).toBe('offline');
    h.fire_retry();
    expect(h.client.status).toBe('resyncing');
    const s2 = h.last();
    expect(s2).not.toBe(s);
    s2.open();
    expect(s2.sent[0]).toEqual({ type: 'hello', resume: { epoch: 'E1', seq: 11 } });
    s2.recv(
      { type: 'welcome', user, epoch: 'E1', head: 12, mode: 'resume' },
      ev(12, 11, 'theme.added', { id: 'conduct', name: 'Conduct' }),
    );
    expect(h.client.status).toBe('live');
    expect(h.client.state?.seq).toBe(12);
    expect(h.client.state?.themes.wps).toBeDefined();
  });

  it('takes a new snapshot when the epoch changed (restored or new log)', () => {
    const h = harness();
    const s = bring_live(h);
    s.drop();
    h.fire_retry();
    const s2 = h.last();
    s2.open();
    s2.recv({ type: 'welcome', user, epoch: 'E2', head: 3, mode: 'snapshot' });
    expect(h.client.status).toBe('resyncing');
    s2.recv({ type: 'snapshot', seq: 3, state: { seq: 3, themes: {} } });
    expect(h.client.state?.seq).toBe(3);
    expect(h.client.epoch).toBe('E2');
    expect(h.client.status).toBe('live');
  });

  it('detects a gap via prev, drops the socket and resumes from the last seq it holds', () => {
    const h = harness();
    const s = bring_live(h);
    s.recv(ev(11, 10, 'theme.added', { id: 'wps', name: 'WPS' }));
    s.recv(ev(14, 13, 'theme.added', { id: 'conduct', name: 'Conduct' })); // 12, 13 lost
    expect(h.client.state?.seq).toBe(11);
    expect(h.client.state?.themes.conduct).toBeUndefined();
    expect(s.closed_with).not.toBeNull();
    expect(h.client.status).toBe('resyncing');
    h.fire_retry();
    const s2 = h.last();
    s2.open();
    expect(s2.sent[0]).toEqual({ type: 'hello', resume: { epoch: 'E1', seq: 11 } });
  });

  it('ignores events it already holds (no double apply)', () => {
    const h = harness();
    const s = bring_live(h);
    s.recv(ev(11, 10, 'org.added', { id: 'GBR', name: 'UK', kind: 'member_state', groups: [] }));
    const before = h.client.state;
    s.recv(ev(11, 10, 'org.added', { id: 'GBR', name: 'changed', kind: 'member_state', groups: [] }));
    expect(h.client.state).toBe(before);
    expect(h.client.state?.orgs.GBR?.name).toBe('UK');
  });

  it('queues commands while offline and resends them with the same id once live', async () => {
    const storage = new MemStorage();
    const h = harness({ storage });
    const s = bring_live(h);
    s.drop();
    const p = h.client.command('comment.post', { target: 'discussion:D1', body: 'hi' });
    expect(h.client.pending.map((c) => c.id)).toEqual(['cmd-1']);
    expect(JSON.parse(storage.getItem(outbox_key)!)[0].id).toBe('cmd-1');
    h.fire_retry();
    const s2 = h.last();
    s2.open();
    expect(s2.of_type('command')).toEqual([]); // nothing before welcome
    s2.recv({ type: 'welcome', user, epoch: 'E1', head: 10, mode: 'resume' });
    const cmds = s2.of_type('command');
    expect(cmds).toEqual([
      { type: 'command', id: 'cmd-1', name: 'comment.post', args: { target: 'discussion:D1', body: 'hi' } },
    ]);
    // The ack is lost with the connection: the command goes again with the same id.
    s2.drop();
    h.fire_retry();
    const s3 = h.last();
    s3.open();
    s3.recv({ type: 'welcome', user, epoch: 'E1', head: 11, mode: 'resume' });
    expect(s3.of_type('command').map((c) => c.id)).toEqual(['cmd-1']);
    s3.recv({ type: 'ack', id: 'cmd-1', seq: 11, result: { id: 'C1' } });
    const out = await p;
    expect(out).toEqual({ ok: true, id: 'cmd-1', seq: 11, result: { id: 'C1' } });
    expect(h.client.pending).toEqual([]);
    expect(storage.getItem(outbox_key)).toBeNull();
  });

  it('keeps the outbox across a reload (sessionStorage) and sends it first', () => {
    const storage = new MemStorage();
    storage.setItem(
      outbox_key,
      JSON.stringify([{ id: 'keep-me', name: 'pledge.report', args: { id: 'P1', status: 'done' } }]),
    );
    const h = harness({ storage });
    const s = bring_live(h);
    expect(s.of_type('command')).toEqual([
      { type: 'command', id: 'keep-me', name: 'pledge.report', args: { id: 'P1', status: 'done' } },
    ]);
  });

  it('treats a repeated ack for the same id as harmless and resolves once', async () => {
    const h = harness();
    const s = bring_live(h);
    const outcomes: CommandOutcome[] = [];
    h.client.subscribe((e) => {
      if (e.kind === 'outcome') outcomes.push(e.outcome);
    });
    const p = h.client.command('comment.post', { target: 'pledge:P1', body: 'x' });
    expect(s.of_type('command').length).toBe(1);
    s.recv({ type: 'ack', id: 'cmd-1', seq: 11, result: { id: 'C2' } });
    s.recv({ type: 'ack', id: 'cmd-1', seq: 11, result: { id: 'C2' } });
    expect((await p).ok).toBe(true);
    expect(outcomes.length).toBe(1);
  });

  it('a command re-issued with the same id is sent once and resolves every caller', async () => {
    const h = harness();
    const s = bring_live(h);
    const a = h.client.command('action.take_up', { id: 'A1' }, 'same');
    const b = h.client.command('action.take_up', { id: 'A1' }, 'same');
    expect(s.of_type('command').length).toBe(1);
    s.recv({ type: 'ack', id: 'same', seq: 11, result: {} });
    expect((await a).ok).toBe(true);
    expect((await b).ok).toBe(true);
  });

  it('surfaces a conflict reject with details.current as a value', async () => {
    const h = harness();
    const s = bring_live(h);
    const p = h.client.command('pledge.update', { id: 'P1', base_version: 1, changes: { title: 'Mine' } });
    const current = { id: 'P1', title: 'Theirs', version: 2 };
    s.recv({ type: 'reject', id: 'cmd-1', code: 'conflict', message: 'changed', details: { current } });
    const out = await p;
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.code).toBe('conflict');
      expect(out.details.current).toEqual(current);
    }
    expect(h.client.pending).toEqual([]);
  });

  it('re-joins rooms after a reconnect and tracks presence', () => {
    const h = harness();
    const s = bring_live(h);
    h.client.join('discussion:D1');
    expect(s.of_type('join')).toEqual([{ type: 'join', room: 'discussion:D1' }]);
    s.recv({ type: 'presence', room: 'discussion:D1', members: [{ user: 'a', org: 'GBR' }] });
    expect(h.client.presence('discussion:D1')).toEqual([{ user: 'a', org: 'GBR' }]);
    s.drop();
    expect(h.client.presence('discussion:D1')).toEqual([]);
    h.fire_retry();
    const s2 = h.last();
    s2.open();
    s2.recv({ type: 'welcome', user, epoch: 'E1', head: 10, mode: 'resume' });
    expect(s2.of_type('join')).toEqual([{ type: 'join', room: 'discussion:D1' }]);
    h.client.leave('discussion:D1');
    expect(s2.of_type('leave')).toEqual([{ type: 'leave', room: 'discussion:D1' }]);
  });

  it('signs out on close 4001 and stops reconnecting', () => {
    const h = harness();
    const s = bring_live(h);
    s.drop(4001);
    expect(h.client.status).toBe('signed_out');
    expect(h.timers).toEqual([]);
  });

  it('probes auth when the upgrade fails before welcome; 401 means signed out', async () => {
    const h = harness({ auth_ok: false });
    h.client.start();
    h.last().drop(1006);
    await flush();
    expect(h.client.status).toBe('signed_out');
  });

  it('retries with growing, jittered, capped backoff', async () => {
    const h = harness({ auth_ok: true });
    h.client.start();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      h.last().drop(1006);
      await flush();
      const t = h.timers.find((x) => x.ms <= 10_000)!;
      delays.push(t.ms);
      h.fire_retry();
    }
    for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays[0]).toBeLessThan(delays[4]!);
    expect(Math.max(...delays)).toBeLessThanOrEqual(10_000);
    expect(backoff_delay(3, 100, 10_000, 0)).toBe(400);
    expect(backoff_delay(3, 100, 10_000, 1)).toBe(800);
    expect(backoff_delay(30, 100, 10_000, 1)).toBe(10_000);
  });

  it('reconnects when a ping goes unanswered', () => {
    const h = harness();
    const s = bring_live(h);
    const ping = () => {
      const i = h.timers.findIndex((t) => t.ms === 20_000);
      const [t] = h.timers.splice(i, 1);
      t!.fn();
    };
    ping();
    expect(s.of_type('ping').length).toBe(1);
    ping(); // no pong came back
    expect(s.closed_with).not.toBeNull();
    expect(h.client.status).toBe('resyncing');
  });

  it('reconnects when no welcome arrives in time', () => {
    const h = harness();
    h.client.start();
    const s = h.last();
    s.open();
    const t = h.timers.find((x) => x.ms === 15_000)!;
    expect(t).toBeDefined();
    h.timers.splice(h.timers.indexOf(t), 1);
    t.fn();
    expect(s.closed_with).not.toBeNull();
    h.fire_retry();
    expect(h.last()).not.toBe(s);
  });

  it('re-snapshots when a redacted comment is restored without its body', () => {
    const h = harness();
    const s = bring_live(h);
    s.recv(ev(11, 10, 'comment.posted', { id: 'C1', target: 'discussion:D1', body: 'b', reply_to: null }));
    s.recv(ev(12, 11, 'comment.hidden', { id: 'C1', reason: 'off topic' }));
    expect(h.client.state?.comments.C1?.body).toBeUndefined();
    s.recv(ev(13, 12, 'comment.restored', { id: 'C1' }));
    expect(h.client.state?.comments.C1?.hidden).toBe(false); // state stays on screen meanwhile
    expect(h.client.status).toBe('resyncing');
    h.fire_retry();
    const s2 = h.last();
    s2.open();
    expect(s2.sent[0]).toEqual({ type: 'hello' }); // no resume: a full snapshot
    s2.recv({ type: 'welcome', user, epoch: 'E1', head: 13, mode: 'snapshot' });
    s2.recv({
      type: 'snapshot',
      seq: 13,
      state: { ...base_state, seq: 13, comments: { C1: { id: 'C1', target: 'discussion:D1', body: 'b', hidden: false } } },
    });
    expect(h.client.state?.comments.C1?.body).toBe('b');
    expect(h.client.status).toBe('live');
    // The next reconnect resumes again.
    s2.drop();
    h.fire_retry();
    h.last().open();
    expect(h.last().sent[0]).toEqual({ type: 'hello', resume: { epoch: 'E1', seq: 13 } });
  });
});
