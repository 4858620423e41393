// The gzip snapshot (ADR 0213): with an inflater a light hello asks for
// `snapshot_encoding: "gzip"`; the skeleton comes as one binary frame, and the messages after it
// wait until it is inflated, so the reducer sees them in the order the server sent them.
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ev, harness, skeleton, user } from './light_harness';

function client(inflate: ((data: unknown) => Promise<string>) | null, view: 'light' | 'full' = 'light') {
  const h = harness(view, { inflate });
  h.client.start();
  h.last().open();
  return { c: h.client, s: h.last() };
}

const gunzip = (data: unknown) => Promise.resolve(gunzipSync(new Uint8Array(data as ArrayBuffer)).toString('utf8'));
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('gzip snapshot', () => {
  it('asks for it only with an inflater and the light view', () => {
    expect(client(gunzip).s.of_type('hello')[0]).toMatchObject({ view: 'light', snapshot_encoding: 'gzip' });
    expect(client(null).s.of_type('hello')[0]!.snapshot_encoding).toBeUndefined();
    expect(client(gunzip, 'full').s.of_type('hello')[0]!.snapshot_encoding).toBeUndefined();
  });

  it('takes the binary snapshot and then, in order, what came after it', async () => {
    const { c, s } = client(gunzip);
    s.recv({ type: 'welcome', user, epoch: 'E1', head: 10, mode: 'snapshot', view: 'light' });
    const text = JSON.stringify({ type: 'snapshot', seq: 10, view: 'light', state: skeleton(10) });
    const gz = gzipSync(Buffer.from(text));
    s.onmessage?.({ data: gz.buffer.slice(gz.byteOffset, gz.byteOffset + gz.byteLength) });
    // An event right behind it, in a text frame: it must not be applied before the snapshot.
    s.recv(ev(11, 10, 'discussion.closed', { id: 'D2' }, 'discussion:D2'));
    expect(c.state).toBeNull();
    await settle();
    expect(c.state!.seq).toBe(11);
    expect(c.status).toBe('live');
  });

  it('a frame that does not inflate drops the link and tries again', async () => {
    const { c, s } = client(() => Promise.reject(new Error('bad gzip')));
    s.recv({ type: 'welcome', user, epoch: 'E1', head: 10, mode: 'snapshot', view: 'light' });
    s.onmessage?.({ data: new ArrayBuffer(4) });
    await settle();
    expect(s.closed_with).toBe(4000);
    expect(c.state).toBeNull();
  });
});
