// Signed checkpoints checked in the browser (docs/audit.md, "Step 3"): each checkpoint's
// Ed25519 signature over the canonical JSON of {epoch, hash, seq, time}, made by the key whose
// fingerprint (SHA-256 of the 32 raw key bytes) it names, and its hash equal to the chain's
// hash at its seq. Web Crypto does the hashing and the signature check; a browser without
// Ed25519 in Web Crypto reports the signature as not checked rather than valid.
import type { Checkpoint } from './api';
import { canonical_json } from './chain';

export const from_hex = (h: string) => new Uint8Array((h.match(/../g) ?? []).map((b) => parseInt(b, 16)));
const to_hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');

/** The lowercase hex SHA-256 of the key's 32 raw bytes (not of its hex text). */
export async function fingerprint(public_key_hex: string): Promise<string> {
  return to_hex(await crypto.subtle.digest('SHA-256', from_hex(public_key_hex)));
}

export const statement_of = (c: Checkpoint) => canonical_json({ epoch: c.epoch, hash: c.hash, seq: c.seq, time: c.time });

export type Signature = 'valid' | 'invalid' | 'unknown key' | 'not checked';

export async function check_signature(c: Checkpoint, public_key_hex: string): Promise<Signature> {
  if ((await fingerprint(public_key_hex)) !== c.key) return 'unknown key';
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('raw', from_hex(public_key_hex), { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return 'not checked'; // no Ed25519 in this browser's Web Crypto
  }
  const ok = await crypto.subtle.verify('Ed25519', key, from_hex(c.signature), new TextEncoder().encode(statement_of(c)));
  return ok ? 'valid' : 'invalid';
}

export interface CheckpointResult {
  seq: number;
  time: string;
  signature: Signature;
  /** `match`: the chain's hash at seq is the signed one; `beyond`: past the point checked. */
  hash: 'match' | 'mismatch' | 'beyond';
}

/** Each checkpoint at or before `upto` against the chain's hashes (`hashes_at`). */
export async function check_checkpoints(
  list: readonly Checkpoint[],
  public_key_hex: string | null,
  hashes_at: ReadonlyMap<number, string>,
  upto: number,
): Promise<CheckpointResult[]> {
  const out: CheckpointResult[] = [];
  for (const c of list) {
    const signature = public_key_hex ? await check_signature(c, public_key_hex) : 'unknown key';
    const h = hashes_at.get(c.seq);
    const hash = c.seq > upto ? 'beyond' : h === c.hash ? 'match' : 'mismatch';
    out.push({ seq: c.seq, time: c.time, signature, hash });
  }
  return out;
}

export const checkpoint_ok = (r: CheckpointResult) => r.hash !== 'mismatch' && r.signature !== 'invalid' && r.signature !== 'unknown key';
