// The audit chain of PROTOCOL.md section 6, checked in the browser, independently of the
// server's own /api/audit/verify: canonical JSON, each event's `hash` over the previous
// event's hash and {actor, data_hash, entity, name, seq, ts}, and each visible, unredacted
// event's `data_hash` over its `data`. A withheld stub ({seq, withheld, hash}) cannot be
// recomputed; its hash is taken as given and the next event's hash checks it.
// Framework-free; the SHA-256 is injected (Web Crypto in the browser and in Node).

/** One line of /api/events or of an export, as parsed. */
export interface LogLine {
  seq: number;
  hash: string;
  withheld?: boolean;
  redacted?: boolean;
  ts?: string;
  actor?: { user: string; org: string };
  name?: string;
  entity?: string;
  data?: unknown;
  data_hash?: string;
}

export type Sha256Hex = (text: string) => Promise<string>;

/** Keys sorted, no insignificant whitespace, UTF-8 as is, `/` not escaped (PROTOCOL.md 6). */
export function canonical_json(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical_json).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical_json(o[k])}`).join(',')}}`;
}

export const zero_hash = '0'.repeat(64);

export const web_sha256: Sha256Hex = async (text) => {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
};

export interface ChainStatus {
  ok: boolean;
  /** The last seq checked (the head when `ok` at the end). */
  seq: number;
  /** The hash of the last event checked. */
  hash: string;
  /** Events whose data_hash was recomputed (visible and not redacted). */
  data_checked: number;
  withheld: number;
  first_bad_seq?: number;
  problem?: string;
}

/** Feeds events in seq order from seq 1; stops at the first problem. */
export class ChainChecker {
  private status_: ChainStatus = { ok: true, seq: 0, hash: zero_hash, data_checked: 0, withheld: 0 };
  private readonly watch_: Set<number>;
  /** The hash at each watched seq that the chain has reached (checkpoints compare with it). */
  readonly hashes_at = new Map<number, string>();

  constructor(
    private readonly sha256: Sha256Hex,
    watch: Iterable<number> = [],
  ) {
    this.watch_ = new Set(watch);
  }

  get status(): ChainStatus {
    return { ...this.status_ };
  }

  /** Returns false once a problem is found (and for every later call). */
  async feed(e: LogLine): Promise<boolean> {
    const st = this.status_;
    if (!st.ok) return false;
    const fail = (problem: string) => {
      this.status_ = { ...st, ok: false, first_bad_seq: e.seq, problem };
      return false;
    };
    if (e.seq !== st.seq + 1) return fail(`expected seq ${st.seq + 1}, found ${e.seq}`);
    if (typeof e.hash !== 'string' || !/^[0-9a-f]{64}$/.test(e.hash)) return fail('missing or malformed hash');
    if (this.watch_.has(e.seq)) this.hashes_at.set(e.seq, e.hash);
    if (e.withheld) {
      this.status_ = { ...st, seq: e.seq, hash: e.hash, withheld: st.withheld + 1 };
      return true;
    }
    if (typeof e.data_hash !== 'string') return fail('missing data_hash');
    const head = { actor: e.actor, data_hash: e.data_hash, entity: e.entity, name: e.name, seq: e.seq, ts: e.ts };
    const expect = await this.sha256(st.hash + canonical_json(head));
    if (expect !== e.hash) return fail('hash does not match the previous hash and this event');
    let data_checked = st.data_checked;
    if (!e.redacted) {
      if ((await this.sha256(canonical_json(e.data))) !== e.data_hash) return fail('data_hash does not match data');
      data_checked += 1;
    }
    this.status_ = { ...st, seq: e.seq, hash: e.hash, data_checked };
    return true;
  }
}
