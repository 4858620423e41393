// The shared edit logic of components/versioned_edit.tsx (pledges, gaps, actions): which
// fields are sent, how a conflict reject becomes the conflict view, and what is resubmitted
// on the new base_version after picking per field.
import { describe, expect, it } from 'vitest';
import type { CommandOutcome } from '../src/sync/types';
import {
  changed_fields,
  conflict_of,
  picked_changes,
  send_versioned,
  show_value,
} from '../src/ui/components/versioned_edit';

interface Act {
  id: string;
  version: number;
  title: string;
  kind: string;
  gap: string | null;
  due: string | null;
}
const act = (over: Partial<Act> = {}): Act => ({
  id: '7', version: 3, title: 'Old', kind: 'concrete', gap: null, due: null, ...over,
});

const ok: CommandOutcome = { ok: true, id: 'c1', seq: 10, result: {} };
const reject = (code: string, details: Record<string, unknown> = {}): CommandOutcome => ({
  ok: false, id: 'c1', code, message: code, details,
});

function fake_run(...answers: CommandOutcome[]) {
  const calls: Array<{ name: string; args: Record<string, unknown> }> = [];
  const run = async (name: string, args: Record<string, unknown>) => {
    calls.push({ name, args });
    const a = answers.shift();
    if (!a) throw new Error('unexpected command');
    return a;
  };
  return { run, calls };
}

describe('changed_fields', () => {
  it('keeps only the fields whose value changed, with the new value', () => {
    const before = { title: 'A', kind: 'concrete', gap: null, due: null };
    const now = { title: 'B', kind: 'concrete', gap: '2', due: null };
    expect(changed_fields(before, now)).toEqual({ title: 'B', gap: '2' });
  });
  it('is empty when nothing changed, and treats undefined as null', () => {
    expect(changed_fields({ a: 'x', b: null }, { a: 'x', b: undefined })).toEqual({});
  });
  it('compares objects by value (indicators)', () => {
    const before = { output: { indicator: 'i', target: 't' } };
    expect(changed_fields(before, { output: { indicator: 'i', target: 't' } })).toEqual({});
    expect(changed_fields(before, { output: { indicator: 'i', target: 'u' } })).toEqual({
      output: { indicator: 'i', target: 'u' },
    });
  });
  it('sends a cleared field as null', () => {
    expect(changed_fields({ due: '2030-01-01' }, { due: null })).toEqual({ due: null });
  });
});

describe('conflict picks', () => {
  it('starts with "yours" picked for every field the user changed', () => {
    const c = conflict_of(act({ version: 4, title: 'Theirs' }), { title: 'Mine', due: '2030-01-01' });
    expect(c.pick).toEqual({ title: 'yours', due: 'yours' });
    expect(c.current.version).toBe(4);
  });
  it('resubmits only the fields where the user picked yours', () => {
    const c = conflict_of(act({ version: 4 }), { title: 'Mine', kind: 'broad', due: null });
    c.pick.kind = 'theirs';
    expect(picked_changes(c)).toEqual({ title: 'Mine', due: null });
    c.pick.title = 'theirs';
    c.pick.due = 'theirs';
    expect(picked_changes(c)).toEqual({});
  });
});

describe('send_versioned', () => {
  it('sends nothing when nothing changed', async () => {
    const f = fake_run();
    expect(await send_versioned(f.run, 'action.update', act(), {})).toEqual({ kind: 'nothing' });
    expect(f.calls).toEqual([]);
  });

  it('sends id, base_version and only the changes', async () => {
    const f = fake_run(ok);
    const r = await send_versioned(f.run, 'gap.update', act(), { title: 'New' });
    expect(r).toEqual({ kind: 'saved', outcome: ok });
    expect(f.calls).toEqual([{ name: 'gap.update', args: { id: '7', base_version: 3, changes: { title: 'New' } } }]);
  });

  it('turns a conflict into the conflict view, then resubmits the picks on the new version', async () => {
    const current = act({ version: 5, title: 'Theirs', kind: 'broad' });
    const f = fake_run(reject('conflict', { current, fields: ['title'] }), ok);
    const r = await send_versioned(f.run, 'action.update', act(), { title: 'Mine', due: '2031-02-03' });
    if (r.kind !== 'conflict') throw new Error(`expected a conflict, got ${r.kind}`);
    expect(r.conflict.current).toEqual(current);
    expect(r.conflict.yours).toEqual({ title: 'Mine', due: '2031-02-03' });
    r.conflict.pick.title = 'theirs';
    const again = await send_versioned(f.run, 'action.update', r.conflict.current, picked_changes(r.conflict));
    expect(again.kind).toBe('saved');
    expect(f.calls[1]).toEqual({
      name: 'action.update',
      args: { id: '7', base_version: 5, changes: { due: '2031-02-03' } },
    });
  });

  it('falls back to the base when a conflict carries no current entity', async () => {
    const f = fake_run(reject('conflict'));
    const r = await send_versioned(f.run, 'action.update', act(), { title: 'Mine' });
    expect(r.kind === 'conflict' && r.conflict.current.version).toBe(3);
  });

  it('reports any other reject as a failure', async () => {
    const no = reject('forbidden');
    const f = fake_run(no);
    const r = await send_versioned(f.run, 'action.update', act(), { kind: 'broad' });
    expect(r).toEqual({ kind: 'failed', outcome: no });
  });
});

describe('show_value', () => {
  it('shows empty values as (empty) and others as text', () => {
    expect(show_value(null)).toBe('(empty)');
    expect(show_value('')).toBe('(empty)');
    expect(show_value(undefined)).toBe('(empty)');
    expect(show_value('broad')).toBe('broad');
    expect(show_value(3)).toBe('3');
  });
});
