// SyncClient: the one a4p.v1 WebSocket of a browser tab, framework-free.
//
// It keeps the local workspace state (snapshot + events through the reducer), detects gaps
// via `prev` and resumes, reconnects with exponential backoff and jitter, queues commands
// while offline (persisted in sessionStorage, resent with the same id), resolves each
// command's promise on its ack or reject, re-joins rooms after a reconnect and publishes the
// connection status. Close code 4001 (session ended) or a failed auth probe means signed out:
// it stops reconnecting until start() is called again.
//
// Threading: single-threaded (the browser event loop); every callback runs on it. All I/O is
// injected (socket factory, storage, timers, random, auth probe) so tests drive it with fakes.

import type { CommandArgs, CommandName } from './commands';
import { apply_event, normalize_state, restore_needs_snapshot } from './reducer';
import type {
  Actor,
  CommandOutcome,
  ConnectionStatus,
  EventMsg,
  ServerMsg,
  State,
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
  | { kind: 'queue'; pending: number };

export const outbox_key = 'a4p.outbox';
export const protocol_name = 'a4p.v1';
const open_state = 1;

/** Exponential backoff with "equal jitter": half fixed, half random. */
export function backoff_delay(attempt: number, base: number, max: number, rnd: number): number {
  const cap = Math.min(max, base * 2 ** Math.min(attempt, 20));
  return Math.round(cap / 2 + (cap / 2) * rnd);
}

function default_id(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `c${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
}

export class SyncClient {
  private readonly opt_: Required<Omit<SyncOptions, 'storage' | 'auth_probe'>> & {
    storage: StorageLike | null;
    auth_probe: (() => Promise<boolean>) | null;
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

  constructor(options: SyncOptions) {
    this.opt_ = {
      storage: options.storage ?? null,
      auth_probe: options.auth_probe ?? null,
      random: Math.random,
      set_timeout: (fn, ms) => setTimeout(fn, ms),
      clear_timeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      backoff_base_ms: 250,
      backoff_max_ms: 10_000,
      ping_interval_ms: 20_000,
      welcome_timeout_ms: 15_000,
      make_id: default_id,
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
    if (this.status_ === 'live') this.send_json({ type: 'join', room });
  }

  leave(room: string): void {
    this.rooms_.delete(room);
    this.presence_.delete(room);
    if (this.status_ === 'live') this.send_json({ type: 'leave', room });
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
      if (this.state_ && this.epoch_ && !this.force_snapshot_)
        hello.resume = { epoch: this.epoch_, seq: this.state_.seq };
      this.send_json(hello);
    };
    sock.onmessage = (ev) => {
      if (this.socket_ !== sock) return;
      if (typeof ev.data !== 'string') return;
      for (const line of ev.data.split('\n')) {
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
        this.emit({ kind: 'welcome', user: msg.user });
        const resumed =
          msg.mode === 'resume' && this.state_ !== null && msg.epoch === this.epoch_ && !this.force_snapshot_;
        this.epoch_ = msg.epoch;
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
        this.awaiting_snapshot_ = false;
        this.force_snapshot_ = false;
        this.emit({ kind: 'state', state: this.state_ });
        this.go_live();
        return;
      }
      case 'event':
        this.on_event(msg);
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
    for (const room of this.rooms_) this.send_json({ type: 'join', room });
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
    const need_snapshot = restore_needs_snapshot(this.state_, ev);
    this.state_ = apply_event(this.state_, ev, { privileged: this.privileged() });
    this.emit({ kind: 'event', event: ev });
    this.emit({ kind: 'state', state: this.state_ });
    if (need_snapshot) this.resync();
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
