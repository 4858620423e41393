/// <reference types="node" />
// The command map (src/sync/commands.ts) against the protocol reference: the same names as
// protocol/README.md's command table, and call sites checked by the compiler (the
// `@ts-expect-error` lines fail `npm run typecheck` if a wrong call ever compiles).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { command_names, is_target } from '../src/sync/commands';
import type { RunCommand } from '../src/sync/commands';

function readme_command_names(): string[] {
  const text = readFileSync(new URL('../../protocol/README.md', import.meta.url), 'utf8');
  const section = text.slice(text.indexOf('## Commands'), text.indexOf('## Ids and entities'));
  return [...section.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \|/gm)].map((m) => m[1]!);
}

describe('command map', () => {
  it('names exactly the commands of protocol/README.md', () => {
    const documented = readme_command_names();
    expect(documented.length).toBeGreaterThan(20);
    expect([...command_names].sort()).toEqual([...documented].sort());
  });

  it('recognises targets', () => {
    expect(is_target('pledge:P1')).toBe(true);
    expect(is_target('discussion:D2')).toBe(true);
    expect(is_target('theme:politics')).toBe(false);
    expect(is_target('pledge:')).toBe(false);
  });

  it('checks names and args at compile time', async () => {
    const sent: string[] = [];
    const run: RunCommand = async (name) => {
      sent.push(name);
      return { ok: true, id: 'x', seq: 1, result: {} };
    };
    await run('action.take_up', { id: 'A1' });
    await run('pledge.update', { id: 'P1', base_version: 2, changes: { title: 'New', due: null } });
    // @ts-expect-error: no such command
    await run('pledge.delete', { id: 'P1' });
    // @ts-expect-error: required arg missing
    await run('comment.post', { target: 'pledge:P1' });
    // @ts-expect-error: not a target kind
    await run('comment.post', { target: 'theme:politics', body: 'x' });
    // @ts-expect-error: a field pledge.update cannot change
    await run('pledge.update', { id: 'P1', base_version: 2, changes: { org: 'GBR' } });
    // @ts-expect-error: wrong enum value
    await run('pledge.report', { id: 'P1', status: 'finished', progress: 10, note: '' });
    expect(sent).toHaveLength(7);
  });
});
