/// <reference types="node" />
// The audit view's pure parts: canonical JSON and the chain check (against hashes made here
// with Node's own SHA-256 over hand-written canonical strings), the CSV export, the timeline
// index (markers, date <-> seq).
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../src/audit/api';
import { history, server_features } from '../src/audit/api';
import type { LogLine } from '../src/audit/chain';
import { check_checkpoints, check_signature, checkpoint_ok, fingerprint, statement_of } from '../src/audit/checkpoints';
import { ChainChecker, canonical_json, web_sha256, zero_hash } from '../src/audit/chain';
import { csv_cell, csv_header, csv_row } from '../src/audit/export_format';
import type { IndexEntry } from '../src/audit/timeline';
import { index_of_timeline, markers, seq_at_time, time_at } from '../src/audit/timeline';
import { audit_href, parse_route, past_hrefs } from '../src/ui/router';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

// Two events; the canonical strings are written out by hand (keys sorted, no spaces).
const data1 = '{"id":"P1","title":"Café / ünïcode"}';
const data2 = '{"id":"C1","reason":"off topic"}';
const e1: LogLine = {
  seq: 1,
  ts: '2026-03-01T10:00:00Z',
  actor: { user: 'gbr.delegate', org: 'GBR' },
  name: 'pledge.created',
  entity: 'pledge:P1',
  data: { title: 'Café / ünïcode', id: 'P1' },
  data_hash: sha(data1),
  hash: '',
};
e1.hash = sha(
  zero_hash +
    `{"actor":{"org":"GBR","user":"gbr.delegate"},"data_hash":"${e1.data_hash}","entity":"pledge:P1","name":"pledge.created","seq":1,"ts":"2026-03-01T10:00:00Z"}`,
);
const e2: LogLine = {
  seq: 2,
  ts: '2026-03-02T09:30:00Z',
  actor: { user: 'un.sec', org: 'UN' },
  name: 'comment.hidden',
  entity: 'comment:C1',
  data: { reason: 'off topic', id: 'C1' },
  data_hash: sha(data2),
  hash: '',
};
e2.hash = sha(
  e1.hash +
    `{"actor":{"org":"UN","user":"un.sec"},"data_hash":"${e2.data_hash}","entity":"comment:C1","name":"comment.hidden","seq":2,"ts":"2026-03-02T09:30:00Z"}`,
);

async function check(lines: LogLine[]) {
  const c = new ChainChecker(web_sha256);
  for (const l of lines) if (!(await c.feed(l))) break;
  return c.status;
}

describe('canonical_json', () => {
  it('sorts keys at every level and leaves UTF-8 and / as they are', () => {
    expect(canonical_json({ b: [{ z: 1, a: null }], a: 'x/ü' })).toBe('{"a":"x/ü","b":[{"a":null,"z":1}]}');
    expect(canonical_json(e1.data)).toBe(data1);
  });
});

describe('ChainChecker', () => {
  it('accepts a valid chain and reports the head', async () => {
    const st = await check([e1, e2]);
    expect(st).toMatchObject({ ok: true, seq: 2, hash: e2.hash, data_checked: 2 });
  });
  it('goes on across a withheld stub and a redacted event', async () => {
    const st = await check([{ seq: 1, withheld: true, hash: e1.hash }, { ...e2, data: { id: 'C1' }, redacted: true }]);
    expect(st).toMatchObject({ ok: true, seq: 2, withheld: 1, data_checked: 0 });
  });
  it('finds a changed byte of data at its seq', async () => {
    const st = await check([e1, { ...e2, data: { id: 'C1', reason: 'off topiC' } }]);
    expect(st).toMatchObject({ ok: false, first_bad_seq: 2, seq: 1 });
    expect(st.problem).toMatch(/data_hash/);
  });
  it('finds a changed hash link and a gap in seq', async () => {
    expect(await check([{ ...e1, ts: '2026-03-01T10:00:01Z' }, e2])).toMatchObject({ ok: false, first_bad_seq: 1 });
    expect(await check([e2])).toMatchObject({ ok: false, first_bad_seq: 2 });
  });
});

describe('CSV export', () => {
  it('has one column per field and quotes what needs quoting', () => {
    expect(csv_header().split(',')).toHaveLength(11);
    const row = csv_row(e1);
    expect(row.startsWith(`1,2026-03-01T10:00:00Z,gbr.delegate,GBR,pledge.created,pledge:P1,false,false,${e1.data_hash},${e1.hash},`)).toBe(true);
    expect(row.endsWith('"{""id"":""P1"",""title"":""Café / ünïcode""}"')).toBe(true);
    expect(csv_row({ seq: 3, withheld: true, hash: e2.hash })).toBe(`3,,,,,,true,false,,${e2.hash},`);
  });
  it('defuses spreadsheet formulas', () => {
    expect(csv_cell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csv_cell('a,b')).toBe('"a,b"');
  });
});

describe('timeline index', () => {
  const index: IndexEntry[] = [
    { seq: 1, ts: '2026-02-27T08:00:00Z', name: 'theme.added', entity: 'theme:politics' },
    { seq: 2, ts: '2026-03-01T10:00:00Z', name: 'round.opened', entity: 'round:R1' },
    { seq: 3 },
    { seq: 4, ts: '2026-03-02T09:30:00Z', name: 'comment.hidden', entity: 'comment:C1' },
    { seq: 5, ts: '2026-03-05T12:00:00Z', name: 'round.closed', entity: 'round:R1' },
  ];
  it('marks rounds and moderation acts', () => {
    expect(markers(index).map((m) => [m.seq, m.kind])).toEqual([
      [2, 'round'],
      [4, 'moderation'],
      [5, 'round'],
    ]);
  });
  it('maps a date (end of day, UTC) or an instant to the last seq at or before it', () => {
    expect(seq_at_time(index, '2026-02-01')).toBe(0);
    expect(seq_at_time(index, '2026-03-01')).toBe(2);
    expect(seq_at_time(index, '2026-03-02T09:30:00Z')).toBe(4);
    expect(seq_at_time(index, '2026-03-02T09:29:59Z')).toBe(2);
    expect(seq_at_time(index, '2030-01-01')).toBe(5);
  });
  it('gives the time of a seq from the last visible event at or before it', () => {
    expect(time_at(index, 3)).toBe('2026-03-01T10:00:00Z');
    expect(time_at(index, 0)).toBeNull();
  });
  it("is built from the server's sampled timeline: points and markers merged in seq order", () => {
    const merged = index_of_timeline({
      points: [
        { seq: 1, ts: '2026-02-27T08:00:00Z' },
        { seq: 1000, ts: '2026-03-04T00:00:00Z' },
        { seq: 1500, ts: '2026-03-09T00:00:00Z' },
      ],
      markers: [
        { seq: 1500, ts: '2026-03-09T00:00:00Z', name: 'round.closed', entity: 'round:R1' },
        { seq: 2, ts: '2026-03-01T10:00:00Z', name: 'round.opened', entity: 'round:R1' },
      ],
    });
    expect(merged.map((e) => e.seq)).toEqual([1, 2, 1000, 1500]);
    expect(markers(merged).map((m) => [m.seq, m.label])).toEqual([
      [2, 'round:R1 round opened'],
      [1500, 'round:R1 round closed'],
    ]);
    expect(time_at(merged, 999)).toBe('2026-03-01T10:00:00Z');
    expect(time_at(merged, 1200)).toBe('2026-03-04T00:00:00Z');
  });
});

describe('audit routes', () => {
  it('parse a seq or a date, a page and an id', () => {
    expect(parse_route('#/audit')).toEqual({
      name: 'audit',
      id: null,
      audit: { at: null, on: null, as_org: null, page: 'overview', id: null },
    });
    expect(parse_route('#/audit/at/42/pledge/P3').audit).toEqual({ at: 42, on: null, as_org: null, page: 'pledge', id: 'P3' });
    expect(parse_route('#/audit/on/2026-03-01/history/pledge%3AP3').audit).toEqual({
      at: null,
      on: '2026-03-01',
      as_org: null,
      page: 'history',
      id: 'pledge:P3',
    });
    expect(parse_route('#/audit/at/42/as/BGD/discussion/D1').audit).toEqual({
      at: 42,
      on: null,
      as_org: 'BGD',
      page: 'discussion',
      id: 'D1',
    });
    expect(parse_route('#/audit/at/7').audit?.page).toBe('overview');
  });
  it('refuse malformed ones', () => {
    for (const h of ['#/audit/at/x', '#/audit/at/5/pledge', '#/audit/at/5/bogus', '#/audit/on/not-a-date', '#/audit/since/5', '#/audit/at/5/as', '#/audit/at/5/as/%3Cb%3E'])
      expect(parse_route(h).name, h).toBe('not_found');
  });
  it('build links that parse back and stay at the seq', () => {
    expect(parse_route(audit_href(7, 'history', 'pledge:P1')).audit).toEqual({ at: 7, on: null, as_org: null, page: 'history', id: 'pledge:P1' });
    expect(audit_href({ seq: 7, as_org: 'GBR' }, 'chain')).toBe('#/audit/at/7/as/GBR/chain');
    expect(past_hrefs({ seq: 3, as_org: 'GBR' }).pledge('P2')).toBe('#/audit/at/3/as/GBR/pledge/P2');
    expect(audit_href(9)).toBe('#/audit/at/9');
    const h = past_hrefs(9);
    expect([h.theme('wps'), h.rounds(), h.rounds('R2'), h.overview()]).toEqual([
      '#/audit/at/9/theme/wps',
      '#/audit/at/9/rounds',
      '#/audit/at/9/rounds/R2',
      '#/audit/at/9',
    ]);
  });
});

describe('signed checkpoints', () => {
  // A key made here with Node's own Ed25519; the statement's canonical JSON written by hand.
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub_hex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  const statement = `{"epoch":"E1","hash":"${e2.hash}","seq":2,"time":"2026-03-02T10:00:00Z"}`;
  const cp: Checkpoint = {
    epoch: 'E1',
    hash: e2.hash,
    seq: 2,
    time: '2026-03-02T10:00:00Z',
    key: createHash('sha256').update(Buffer.from(pub_hex, 'hex')).digest('hex'),
    signature: sign(null, Buffer.from(statement), privateKey).toString('hex'),
  };

  it('names the key by the SHA-256 of its raw bytes and signs the canonical statement', async () => {
    expect(await fingerprint(pub_hex)).toBe(cp.key);
    expect(statement_of(cp)).toBe(statement);
    expect(await check_signature(cp, pub_hex)).toBe('valid');
    expect(await check_signature({ ...cp, time: '2026-03-02T10:00:01Z' }, pub_hex)).toBe('invalid');
    const other = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
    expect(await check_signature(cp, other)).toBe('unknown key');
  });

  it('matches the chain hash at the checkpoint seq, and catches a rewritten history', async () => {
    const c = new ChainChecker(web_sha256, [cp.seq]);
    for (const l of [e1, e2]) await c.feed(l);
    const [r] = await check_checkpoints([cp], pub_hex, c.hashes_at, 2);
    expect(r).toMatchObject({ seq: 2, signature: 'valid', hash: 'match' });
    expect(checkpoint_ok(r!)).toBe(true);
    // The same seq with another hash (a log rewritten and its chain recomputed).
    const rewritten = new Map([[2, 'f'.repeat(64)]]);
    const [bad] = await check_checkpoints([cp], pub_hex, rewritten, 2);
    expect(bad!.hash).toBe('mismatch');
    expect(checkpoint_ok(bad!)).toBe(false);
    expect((await check_checkpoints([cp], pub_hex, new Map(), 1))[0]!.hash).toBe('beyond');
  });
});

describe('history pages', () => {
  it('follows next until the point asked for', async () => {
    const urls: string[] = [];
    const ev = (seq: number) => ({ seq, ts: '', actor: { user: 'u', org: 'O' }, name: 'pledge.updated', entity: 'pledge:P1', data: {}, changes: {} });
    const pages: Record<string, unknown> = {
      '': { entity: 'pledge:P1', head: 50, events: [ev(3), ev(9)], next: 9 },
      '&after=9': { entity: 'pledge:P1', head: 50, events: [ev(20), ev(40)], next: 40 },
    };
    const f = async (url: string) => {
      urls.push(url);
      const after = /&after=\d+/.exec(url)?.[0] ?? '';
      return new Response(JSON.stringify(pages[after]), { status: 200 });
    };
    const r = await history('pledge:P1', 30, 'GBR', f);
    expect(r.ok && r.value.events.map((e) => e.seq)).toEqual([3, 9, 20, 40]);
    expect(urls).toEqual(['/api/history?entity=pledge%3AP1&as_org=GBR', '/api/history?entity=pledge%3AP1&after=9&as_org=GBR']);
  });
});

describe('server features', () => {
  it('takes a refusal of a parameter as support and a 200 (ignored) as none', async () => {
    const newer = async (url: string) => new Response('{}', { status: /at_time/.test(url) ? 400 : 404 });
    const older = async () => new Response('{}', { status: 200 });
    expect(await server_features(newer)).toEqual({ at_time: true, as_org: true });
    expect(await server_features(older)).toEqual({ at_time: false, as_org: false });
  });
});
