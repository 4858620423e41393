// SyncClient: the one a4p.v1 WebSocket of a browser tab, framework-free.
//
// It keeps the local workspace state (snapshot + events through the reducer), detects gaps
// via `prev` and resumes, reconnects with exponential backoff and jitter, queues commands
// while offline (persisted in sessionStorage, resent with the same id), resolves each
// command's promise on its ack or reject, re-joins rooms after a reconnect and publishes the
// connection status. With `view: "light"` it asks for the workspace's skeleton and holds the
// comments (and a pledge's reports) only of the rooms joined, page by page (rooms.ts, ADR 0508);
// a server that does not know the light view answers with the whole state, and then it works
// as before. Close code 4001 (session ended) or a failed auth probe means signed out:
// it stops reconnecting until start() is called again.
//
// Threading: single-threaded (the browser event loop); every callback runs on it. All I/O is
// injected (socket factory, storage, timers, random, auth probe) so tests drive it with fakes.

import type { CommandArgs, CommandName } from './commands';
import { apply_event, normalize_state, restore_needs_snapshot } from './reducer';
import type { ReduceContext } from './reducer';
import { not_thin, thin_kinds_of, type ThinKinds } from './skeleton';
import { apply_earlier_page, apply_latest_page, apply_tick, drop_room, event_room, replay_kept, room_limits } from './rooms';
import type {
  Actor,
  CommandOutcome,
  ConnectionStatus,
  EventMsg,
  PageMsg,
  ServerMsg,
  State,
  TickMsg,
  WelcomeUser,
} from './types';

/** The part of the browser WebSocket the client uses. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface SyncOptions {
  url: string;
  socket_factory: (url: string, protocol: string) => SocketLike;
  storage?: StorageLike | null;
  /** Resolves false when the session is no longer valid (HTTP 401). */
  auth_probe?: () => Promise<boolean>;
  random?: () => number;
  set_timeout?: (fn: () => void, ms: number) => unknown;
  clear_timeout?: (handle: unknown) => void;
  backoff_base_ms?: number;
  backoff_max_ms?: number;
  ping_interval_ms?: number;
  /** How long to wait for `welcome` (and the snapshot) after the socket opens. */
  welcome_timeout_ms?: number;
  make_id?: () => string;
  /** `light`: ask for the skeleton and rooms (ADR 0508); default `full`, a4p.v1 as in PROTOCOL.md. */
  view?: 'light' | 'full';
  /** Clock for dropping rooms left long ago (ms). */
  now?: () => number;
  /**
   * Inflates a binary frame (a gzip snapshot) to its text. Given, a light hello asks for
   * `snapshot_encoding: "gzip"` (ADR 0213): the skeleton then comes compressed, about 8 times
   * smaller. Messages after it wait until it is inflated, so their order holds.
   */
  inflate?: ((data: unknown) => Promise<string>) | null;
}

/** What a view needs to know of a room. */
export interface RoomView {
  joined: boolean;
  /** The latest page has arrived (since the last join or snapshot). */
  loaded: boolean;
  /** Cursors for "load earlier": null when there is nothing earlier (or not known yet). */
  before: number | null;
  reports_before: number | null;
  /** A "load earlier" request is on its way. */
  loading: 'comments' | 'reports' | null;
}

interface RoomInfo extends RoomView {
  /** The latest page was asked for and has not arrived: the join race rule applies. */
  pending: boolean;
  /** The seq the latest page was read from. */
  page_seq: number;
  left_at: number | null;
}

export interface QueuedCommand {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export type SyncEvent =
  | { kind: 'status'; status: ConnectionStatus }
  | { kind: 'state'; state: State }
  | { kind: 'event'; event: EventMsg }
  | { kind: 'welcome'; user: WelcomeUser }
  | { kind: 'presence'; room: string; members: Actor[] }
  | { kind: 'outcome'; outcome: CommandOutcome }
  | { kind: 'queue'; pending: number }
  | { kind: 'rooms'; rooms: Record<string, RoomView> };

export const outbox_key = 'a4p.outbox';
/** Events kept for the join race while a room's page is pending, at most (then it joins again). */
const max_kept = 5000;
export const protocol_name = 'a4p.v1';
const open_state = 1;

/** Exponential backoff with "equal jitter": half fixed, half random. */
export function backoff_delay(attempt: number, base: number, max: number, rnd: number): number {
  const cap = Math.min(max, base * 2 ** Math.min(attempt, 20));
  return Math.round(cap / 2 + (cap / 2) * rnd);
}

function view_of(r: RoomInfo): RoomView {
  return { joined: r.joined, loaded: r.loaded, before: r.before, reports_before: r.reports_before, loading: r.loading };
}

function default_id(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `c${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
}

export class SyncClient {
  private readonly opt_: Required<Omit<SyncOptions, 'storage' | 'auth_probe' | 'inflate'>> & {
    storage: StorageLike | null;
    auth_probe: (() => Promise<boolean>) | null;
    inflate: ((data: unknown) => Promise<string>) | null;
  };
  private socket_: SocketLike | null = null;
  private status_: ConnectionStatus = 'offline';
  private state_: State | null = null;
  private epoch_: string | null = null;
  private user_: WelcomeUser | null = null;
  private welcomed_ = false;
  private awaiting_snapshot_ = false;
  private force_snapshot_ = false;
  private attempt_ = 0;
  private running_ = false;
  private retry_timer_: unknown = null;
  private ping_timer_: unknown = null;
  private pong_due_ = false;
  private readonly queue_: QueuedCommand[] = [];
  private readonly waiters_ = new Map<string, Array<(o: CommandOutcome) => void>>();
  private readonly rooms_ = new Set<string>();
  private readonly presence_ = new Map<string, Actor[]>();
  private readonly listeners_ = new Set<(e: SyncEvent) => void>();
  /** The server gave this session the light view (welcome.view). */
  private light_ = false;
  /** What this session's skeleton leaves out (learned from its snapshot, ADR 0512). */
  private thin_: ThinKinds = not_thin;
  private readonly room_info_ = new Map<string, RoomInfo>();
  /** Rooms named in the last hello (joined by the server before its catch-up). */
  private hello_rooms_ = new Set<string>();
  /** Events received while a room's latest page is pending (the join race rule). */
  private kept_: EventMsg[] = [];

  constructor(options: SyncOptions) {
    this.opt_ = {
      storage: options.storage ?? null,
      auth_probe: options.auth_probe ?? null,
      inflate: options.inflate ?? null,
      random: Math.random,
      set_timeout: (fn, ms) => setTimeout(fn, ms),
      clear_timeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      backoff_base_ms: 250,
      backoff_max_ms: 10_000,
      ping_interval_ms: 20_000,
      welcome_timeout_ms: 15_000,
      make_id: default_id,
      view: 'full',
      now: () => Date.now(),
      ...(options as Partial<SyncOptions>),
    } as SyncClient['opt_'];
    this.load_outbox();
  }

  // ---- observation -------------------------------------------------------------------

  get status(): ConnectionStatus {
    return this.status_;
  }
  get state(): State | null {
    return this.state_;
  }
  get user(): WelcomeUser | null {
    return this.user_;
  }
  get epoch(): string | null {
    return this.epoch_;
  }
  get pending(): readonly QueuedCommand[] {
    return this.queue_;
  }
  presence(room: string): Actor[] {
    return this.presence_.get(room) ?? [];
  }
  /** Whether this session holds the skeleton and rooms (else the whole state). */
  get light(): boolean {
    return this.light_;
  }
  room(room: string): RoomView | null {
    const r = this.room_info_.get(room);
    return r ? view_of(r) : null;
  }

  subscribe(fn: (e: SyncEvent) => void): () => void {
    this.listeners_.add(fn);
    return () => this.listeners_.delete(fn);
  }

  // ---- lifecycle ---------------------------------------------------------------------

  start(): void {
    if (this.running_) return;
    this.running_ = true;
    this.attempt_ = 0;
    this.connect();
  }

  /** Closes the socket and stops reconnecting; state and the outbox are kept. */
  stop(): void {
    this.running_ = false;
    this.clear_timers();
    const s = this.socket_;
    this.socket_ = null;
    if (s) {
      s.onclose = null;
      s.close(1000, 'stop');
    }
    this.set_status('offline');
  }

  /** Forgets everything (sign-out): state, outbox, rooms. */
  reset(): void {
    this.stop();
    this.state_ = null;
    this.epoch_ = null;
    this.user_ = null;
    this.queue_.length = 0;
    this.rooms_.clear();
    this.room_info_.clear();
    this.kept_ = [];
    this.light_ = false;
    this.presence_.clear();
    this.save_outbox();
    for (const [id, ws] of this.waiters_)
      for (const w of ws) w({ ok: false, id, code: 'signed_out', message: 'signed out', details: {} });
    this.waiters_.clear();
  }

  // ---- commands and rooms ------------------------------------------------------------

  /** Queues a command and sends it when live. The promise resolves on ack or reject. */
  command<N extends CommandName>(name: N, args: CommandArgs[N], id?: string): Promise<CommandOutcome> {
    const cmd: QueuedCommand = { id: id ?? this.opt_.make_id(), name, args };
    const p = new Promise<CommandOutcome>((resolve) =>
      this.waiters_.set(cmd.id, [...(this.waiters_.get(cmd.id) ?? []), resolve]),
    );
    if (!this.queue_.some((q) => q.id === cmd.id)) {
      this.queue_.push(cmd);
      this.save_outbox();
      this.emit({ kind: 'queue', pending: this.queue_.length });
      if (this.status_ === 'live') this.send_json({ type: 'command', ...cmd });
    }
    return p;
  }

  join(room: string): void {
    this.rooms_.add(room);
    const info = this.info(room);
    info.joined = true;
    info.left_at = null;
    if (this.status_ === 'live') this.send_join(room);
    this.evict();
    this.emit_rooms();
  }

  leave(room: string): void {
    this.rooms_.delete(room);
    this.presence_.delete(room);
    if (this.status_ === 'live') this.send_json({ type: 'leave', room });
    const info = this.room_info_.get(room);
    if (info) {
      info.joined = false;
      info.left_at = this.opt_.now();
      info.loading = null;
      // A page still on its way will be ignored: what is held may miss events, so drop it.
      if (info.pending) this.drop(room);
    }
    this.evict();
    this.emit_rooms();
  }

  /** Asks for the page before the earliest held (comments, or a pledge's reports). Returns
   * false when there is nothing earlier, a request is on its way, or the link is down. */
  load_earlier(room: string, what: 'comments' | 'reports' = 'comments'): boolean {
    const info = this.room_info_.get(room);
    if (!info || !info.joined || !info.loaded || info.loading || this.status_ !== 'live') return false;
    const cursor = what === 'comments' ? info.before : info.reports_before;
    if (cursor === null) return false;
    const key = what === 'comments' ? 'before' : 'reports_before';
    this.send_json({ type: 'page', room, [key]: cursor, limit: room_limits.page });
    info.loading = what;
    this.emit_rooms();
    return true;
  }

  /** Reconnects for a fresh snapshot. The current state stays visible until it arrives,
   * so open views (and their unsaved forms) are not torn down. */
  resync(): void {
    this.force_snapshot_ = true;
    this.reconnect_now();
  }

  // ---- internals ---------------------------------------------------------------------

  private emit(e: SyncEvent): void {
    for (const fn of [...this.listeners_]) fn(e);
  }

  private set_status(s: ConnectionStatus): void {
    if (s === this.status_) return;
    this.status_ = s;
    this.emit({ kind: 'status', status: s });
  }

  private connect(): void {
    if (!this.running_) return;
    this.welcomed_ = false;
    this.awaiting_snapshot_ = false;
    this.set_status(this.state_ ? 'resyncing' : 'connecting');
    let sock: SocketLike;
    try {
      sock = this.opt_.socket_factory(this.opt_.url, protocol_name);
    } catch {
      this.schedule_retry();
      return;
    }
    this.socket_ = sock;
    sock.onopen = () => {
      if (this.socket_ !== sock) return;
      // No welcome (or snapshot) in time: treat the link as dead and try again.
      this.ping_timer_ = this.opt_.set_timeout(() => {
        this.ping_timer_ = null;
        if (this.socket_ === sock && this.status_ !== 'live') this.reconnect_now();
      }, this.opt_.welcome_timeout_ms);
      const hello: Record<string, unknown> = { type: 'hello' };
      const resume = !!(this.state_ && this.epoch_ && !this.force_snapshot_);
      if (resume) hello.resume = { epoch: this.epoch_, seq: this.state_!.seq };
      this.hello_rooms_ = new Set();
      if (this.opt_.view === 'light') {
        hello.view = 'light';
        if (this.opt_.inflate) hello.snapshot_encoding = 'gzip';
        // Rooms whose contents are held are joined before the catch-up, so it is exact per
        // room; a room still waiting for its first page is joined again after the welcome.
        if (resume && this.light_)
          for (const [room, info] of this.room_info_)
            if (info.joined && info.loaded && !info.pending && this.hello_rooms_.size < 64) this.hello_rooms_.add(room);
        if (this.hello_rooms_.size) hello.rooms = [...this.hello_rooms_];
      }
      this.send_json(hello);
    };
    const take = (text: string): void => {
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        let msg: ServerMsg;
        try {
          msg = JSON.parse(line) as ServerMsg;
        } catch {
          continue;
        }
        this.on_message(msg);
        if (this.socket_ !== sock) return; // a gap closed this socket; drop the rest
      }
    };
    // While a binary frame is inflated, what follows it waits in this chain (order holds).
    let inflating: Promise<void> | null = null;
    const after_inflating = (step: () => Promise<void> | void): void => {
      const p: Promise<void> = (inflating ?? Promise.resolve()).then(step);
      inflating = p;
      void p.finally(() => {
        if (inflating === p) inflating = null;
      });
    };
    sock.onmessage = (ev) => {
      if (this.socket_ !== sock) return;
      const data = ev.data;
      if (typeof data === 'string') {
        if (inflating) after_inflating(() => (this.socket_ === sock ? take(data) : undefined));
        else take(data);
        return;
      }
      const inflate = this.opt_.inflate;
      if (!inflate) return;
      after_inflating(() =>
        inflate(data).then(
          (text) => (this.socket_ === sock ? take(text) : undefined),
          () => (this.socket_ === sock ? this.reconnect_now() : undefined),
        ),
      );
    };
    sock.onerror = () => {};
    sock.onclose = (ev) => {
      if (this.socket_ !== sock) return;
      this.on_close(ev.code);
    };
  }

  private on_close(code: number): void {
    const was_welcomed = this.welcomed_;
    this.socket_ = null;
    this.welcomed_ = false;
    this.clear_ping();
    this.presence_.clear();
    for (const info of this.room_info_.values()) info.loading = null;
    if (!this.running_) return;
    if (code === 4001) {
      this.sign_out();
      return;
    }
    this.set_status('offline');
    if (!was_welcomed && code !== 1001 && this.opt_.auth_probe) {
      const probe = this.opt_.auth_probe;
      probe().then(
        (ok) => (ok ? this.schedule_retry() : this.sign_out()),
        () => this.schedule_retry(),
      );
      return;
    }
    this.schedule_retry();
  }

  private sign_out(): void {
    this.running_ = false;
    this.clear_timers();
    this.set_status('signed_out');
  }

  private schedule_retry(): void {
    if (!this.running_ || this.retry_timer_ !== null) return;
    const delay = backoff_delay(
      this.attempt_++,
      this.opt_.backoff_base_ms,
      this.opt_.backoff_max_ms,
      this.opt_.random(),
    );
    this.retry_timer_ = this.opt_.set_timeout(() => {
      this.retry_timer_ = null;
      this.connect();
    }, delay);
  }

  private reconnect_now(): void {
    const s = this.socket_;
    this.socket_ = null;
    this.clear_ping();
    if (s) {
      s.onclose = null;
      s.onmessage = null;
      try {
        s.close(4000, 'resync');
      } catch {
        /* already closed */
      }
    }
    if (!this.running_) return;
    this.set_status('resyncing');
    this.schedule_retry(); // backoff keeps a misbehaving feed from spinning
  }

  private on_message(msg: ServerMsg): void {
    switch (msg.type) {
      case 'welcome': {
        this.welcomed_ = true;
        this.attempt_ = 0;
        this.user_ = msg.user;
        this.light_ = msg.view === 'light';
        this.emit({ kind: 'welcome', user: msg.user });
        const resumed =
          msg.mode === 'resume' && this.state_ !== null && msg.epoch === this.epoch_ && !this.force_snapshot_;
        this.epoch_ = msg.epoch;
        if (!resumed || !this.light_) this.hello_rooms_ = new Set();
        if (resumed) {
          this.go_live();
        } else {
          this.awaiting_snapshot_ = true;
          this.set_status('resyncing');
        }
        return;
      }
      case 'snapshot': {
        this.state_ = normalize_state(msg.state ?? {}, msg.seq);
        this.state_.seq = msg.seq;
        this.thin_ = thin_kinds_of(this.state_, this.light_);
        this.awaiting_snapshot_ = false;
        this.force_snapshot_ = false;
        // A new snapshot holds no room's contents (light) or all of them (whole state).
        this.kept_ = [];
        for (const [room, info] of this.room_info_)
          if (!info.joined) this.room_info_.delete(room);
          else Object.assign(info, { loaded: !this.light_, pending: false, before: null, reports_before: null, page_seq: 0 });
        this.emit({ kind: 'state', state: this.state_ });
        this.go_live();
        return;
      }
      case 'event':
        this.on_event(msg);
        return;
      case 'tick':
        this.on_tick(msg);
        return;
      case 'page':
        this.on_page(msg);
        return;
      case 'error':
        this.on_error(msg);
        return;
      case 'ack':
      case 'reject':
        this.on_outcome(msg);
        return;
      case 'presence':
        this.presence_.set(msg.room, msg.members ?? []);
        this.emit({ kind: 'presence', room: msg.room, members: msg.members ?? [] });
        return;
      case 'pong':
        this.pong_due_ = false;
        return;
      default:
        return;
    }
  }

  private go_live(): void {
    this.set_status('live');
    for (const room of this.rooms_) if (!this.hello_rooms_.has(room)) this.send_join(room);
    this.hello_rooms_ = new Set();
    this.emit_rooms();
    for (const cmd of this.queue_) this.send_json({ type: 'command', ...cmd });
    this.start_ping();
  }

  private on_event(ev: EventMsg): void {
    if (!this.state_ || this.awaiting_snapshot_) return;
    if (ev.seq <= this.state_.seq) return; // already folded in
    if (typeof ev.prev === 'number' && ev.prev !== this.state_.seq) {
      // Lost something: reconnect and resume from what we hold.
      this.reconnect_now();
      return;
    }
    const room = this.light_ ? event_room(this.state_, ev) : null;
    const info = room ? this.room_info_.get(room) : undefined;
    const need_snapshot = restore_needs_snapshot(this.state_, ev);
    if (info && !info.pending && info.loaded && ev.seq <= info.page_seq && ev.name.startsWith('comment.')) {
      // Read into the page already (the page came from a state ahead of this event).
      this.state_ = { ...this.state_, seq: ev.seq };
    } else {
      this.state_ = apply_event(this.state_, ev, this.context());
    }
    if (this.any_pending()) this.kept_.push(ev);
    if (this.kept_.length > max_kept) {
      // A page that does not come: ask again rather than keep events without bound.
      this.kept_ = [];
      for (const [r, i] of this.room_info_) if (i.pending) this.send_join(r);
    }
    this.emit({ kind: 'event', event: ev });
    this.emit({ kind: 'state', state: this.state_ });
    if (need_snapshot && room && this.rooms_.has(room)) {
      // Light: only this room's page can show the body again.
      this.send_json({ type: 'leave', room });
      this.send_join(room);
    } else if (need_snapshot) this.resync();
  }

  private on_tick(tick: TickMsg): void {
    if (!this.state_ || this.awaiting_snapshot_) return;
    if (tick.seq <= this.state_.seq) return;
    if (typeof tick.prev === 'number' && tick.prev !== this.state_.seq) {
      this.reconnect_now();
      return;
    }
    this.state_ = apply_tick(this.state_, tick);
    this.emit({ kind: 'state', state: this.state_ });
  }

  private on_page(page: PageMsg): void {
    const info = this.room_info_.get(page.room);
    if (!this.state_ || !info || !info.joined) return;
    const earlier = page.from !== undefined || page.reports_from !== undefined;
    if (!earlier) {
      if (!info.pending) return; // a stale answer to an earlier join
      this.state_ = replay_kept(apply_latest_page(this.state_, page), page, this.kept_, this.context());
      Object.assign(info, {
        pending: false,
        loaded: true,
        loading: null,
        page_seq: page.seq,
        before: page.before ?? null,
        reports_before: page.reports_before ?? null,
      });
      if (!this.any_pending()) this.kept_ = [];
    } else {
      if (!info.loaded) return;
      this.state_ = apply_earlier_page(this.state_, page);
      if (page.from !== undefined) info.before = page.before ?? null;
      if (page.reports_from !== undefined) info.reports_before = page.reports_before ?? null;
      info.loading = null;
    }
    this.emit({ kind: 'state', state: this.state_ });
    this.emit_rooms();
  }

  /** A join refused (`not_found`, or over the room limit): that room gets no page. */
  private on_error(msg: { code: string; message?: string }): void {
    const m = /room:? (\S+)$/.exec(msg.message ?? '');
    const info = m ? this.room_info_.get(m[1]!) : undefined;
    if (!info || !info.pending) return;
    info.pending = false;
    if (!this.any_pending()) this.kept_ = [];
    this.emit_rooms();
  }

  private send_join(room: string): void {
    const info = this.info(room);
    if (this.light_) {
      info.pending = true;
      this.send_json({ type: 'join', room, limit: room_limits.page });
    } else {
      this.send_json({ type: 'join', room });
    }
  }

  private info(room: string): RoomInfo {
    let info = this.room_info_.get(room);
    if (!info) {
      info = { joined: false, loaded: !this.light_, pending: false, before: null, reports_before: null, loading: null, page_seq: 0, left_at: null };
      this.room_info_.set(room, info);
    }
    return info;
  }

  private any_pending(): boolean {
    for (const info of this.room_info_.values()) if (info.pending) return true;
    return false;
  }

  /** Drops rooms left more than room_limits.keep_ms ago, and all but the room_limits.keep_rooms
   * most recently left (light sessions only: a whole state keeps everything). */
  private evict(): void {
    if (!this.light_) return;
    const now = this.opt_.now();
    const left = [...this.room_info_.entries()]
      .filter(([, i]) => !i.joined && i.left_at !== null)
      .sort((a, b) => b[1].left_at! - a[1].left_at!);
    left.forEach(([room, i], n) => {
      if (n >= room_limits.keep_rooms || now - i.left_at! > room_limits.keep_ms) this.drop(room);
    });
  }

  private drop(room: string): void {
    this.room_info_.delete(room);
    if (!this.state_ || !this.light_) return;
    this.state_ = drop_room(this.state_, room, this.thin_);
    this.emit({ kind: 'state', state: this.state_ });
  }

  private emit_rooms(): void {
    const rooms: Record<string, RoomView> = {};
    for (const [room, info] of this.room_info_) rooms[room] = view_of(info);
    this.emit({ kind: 'rooms', rooms });
  }

  private context(): ReduceContext {
    return { privileged: this.privileged(), room_joined: (room) => this.rooms_.has(room), thin: this.thin_ };
  }

  private on_outcome(msg: Extract<ServerMsg, { type: 'ack' | 'reject' }>): void {
    const i = this.queue_.findIndex((q) => q.id === msg.id);
    if (i >= 0) {
      this.queue_.splice(i, 1);
      this.save_outbox();
      this.emit({ kind: 'queue', pending: this.queue_.length });
    }
    const outcome: CommandOutcome =
      msg.type === 'ack'
        ? { ok: true, id: msg.id, seq: msg.seq, result: msg.result ?? {} }
        : {
            ok: false,
            id: msg.id,
            code: msg.code,
            message: msg.message ?? msg.code,
            details: msg.details ?? {},
          };
    const w = this.waiters_.get(msg.id);
    // A repeated ack for a command already resolved (resent after a reconnect) is harmless.
    if (!w && i < 0) return;
    this.waiters_.delete(msg.id);
    for (const fn of w ?? []) fn(outcome);
    this.emit({ kind: 'outcome', outcome });
  }

  private privileged(): boolean {
    const roles = this.user_?.roles ?? [];
    return roles.includes('secretariat') || roles.includes('auditor');
  }

  private send_json(msg: Record<string, unknown>): void {
    const s = this.socket_;
    if (!s || s.readyState !== open_state) return;
    try {
      s.send(JSON.stringify(msg));
    } catch {
      /* the close handler reconnects */
    }
  }

  private start_ping(): void {
    this.clear_ping();
    const tick = () => {
      if (this.pong_due_) {
        // No answer to the last ping: the link is dead even if the socket has not noticed.
        this.pong_due_ = false;
        this.reconnect_now();
        return;
      }
      this.pong_due_ = true;
      this.send_json({ type: 'ping', nonce: String(Date.now()) });
      this.ping_timer_ = this.opt_.set_timeout(tick, this.opt_.ping_interval_ms);
    };
    this.ping_timer_ = this.opt_.set_timeout(tick, this.opt_.ping_interval_ms);
  }

  private clear_ping(): void {
    if (this.ping_timer_ !== null) this.opt_.clear_timeout(this.ping_timer_);
    this.ping_timer_ = null;
    this.pong_due_ = false;
  }

  private clear_timers(): void {
    this.clear_ping();
    if (this.retry_timer_ !== null) this.opt_.clear_timeout(this.retry_timer_);
    this.retry_timer_ = null;
  }

  private load_outbox(): void {
    const raw = this.opt_.storage?.getItem(outbox_key);
    if (!raw) return;
    try {
      const items = JSON.parse(raw) as QueuedCommand[];
      if (Array.isArray(items))
        for (const c of items)
          if (c && typeof c.id === 'string' && typeof c.name === 'string')
            this.queue_.push({ id: c.id, name: c.name, args: c.args ?? {} });
    } catch {
      this.opt_.storage?.removeItem(outbox_key);
    }
  }

  private save_outbox(): void {
    const st = this.opt_.storage;
    if (!st) return;
    if (this.queue_.length === 0) st.removeItem(outbox_key);
    else st.setItem(outbox_key, JSON.stringify(this.queue_));
  }
}
