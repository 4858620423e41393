// Editing a versioned entity (pledge, commitment, gap, action) without silently overwriting anyone:
// send only the changed fields with the base_version the form started from; on a `conflict`
// reject, show their current value beside yours per field, let the user pick per field and
// resubmit the picked fields on the new base_version (ADR 0502). The pure helpers below carry
// the logic; `VersionedEdit` is the one form shell (edit form, then conflict view) every
// entity's edit form uses.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { ChangesOf, CommandOutcome, RunCommand, UpdateName } from '../../sync';
import { Notice, SaveOrCancel } from './common';
import { command } from '../store';
import { t, type MessageKey } from '../../i18n';


export interface Versioned {
  id: string;
  version: number;
}
export type Changes<K extends string> = Partial<Record<K, unknown>>;
export type Side = 'theirs' | 'yours';
export interface Conflict<E, K extends string> {
  /** The entity as it is now (`details.current`); its version is the new base_version. */
  current: E;
  /** The fields this user tried to change, with the values they wanted. */
  yours: Changes<K>;
  pick: Partial<Record<K, Side>>;
}

export const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The fields whose value differs between the form's start and now, with their new values. */
export function changed_fields<K extends string>(before: Record<K, unknown>, now: Record<K, unknown>): Changes<K> {
  const changes: Changes<K> = {};
  for (const k of Object.keys(now) as K[]) if (!same(before[k], now[k])) changes[k] = now[k];
  return changes;
}

/** A conflict view's starting point: every field the user changed, with "yours" picked. */
export function conflict_of<E, K extends string>(current: E, yours: Changes<K>): Conflict<E, K> {
  const pick: Partial<Record<K, Side>> = {};
  for (const k of Object.keys(yours) as K[]) pick[k] = 'yours';
  return { current, yours, pick };
}

/** What to resubmit after a conflict: the fields where the user kept their own value. */
export function picked_changes<E, K extends string>(c: Conflict<E, K>): Changes<K> {
  const changes: Changes<K> = {};
  for (const k of Object.keys(c.yours) as K[]) if (c.pick[k] === 'yours') changes[k] = c.yours[k];
  return changes;
}

export type SendResult<E, K extends string> =
  | { kind: 'nothing' }
  | { kind: 'saved'; outcome: CommandOutcome }
  | { kind: 'conflict'; conflict: Conflict<E, K> }
  | { kind: 'failed'; outcome: CommandOutcome };

/** Sends `name` {id, base_version, changes} (nothing when there is no change) and sorts the answer.
 * The field names are checked against the command's `changes` type; the values come from the
 * form's `values_of`, which each entity's edit form keeps in step with that type. */
export async function send_versioned<N extends UpdateName, E extends Versioned, K extends keyof ChangesOf<N> & string>(
  run: RunCommand,
  name: N,
  base: E,
  changes: Changes<K>,
): Promise<SendResult<E, K>> {
  if (Object.keys(changes).length === 0) return { kind: 'nothing' };
  const args = { id: base.id, base_version: base.version, changes: changes as ChangesOf<N> };
  const o = await run<UpdateName>(name, args);
  if (o.ok) return { kind: 'saved', outcome: o };
  if (o.code === 'conflict') {
    const current = (o.details.current as E | undefined) ?? base;
    return { kind: 'conflict', conflict: conflict_of(current, changes) };
  }
  return { kind: 'failed', outcome: o };
}

export function show_value(v: unknown): string {
  if (v === null || v === undefined || v === '') return t('edit.empty');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

type Level = 2 | 3 | 4;
/** A heading of the given level; `take_focus`: focused once when it appears (the conflict view). */
function Heading(props: { level: Level; children: ComponentChildren; id?: string; take_focus?: boolean }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (props.take_focus) ref.current?.focus();
  }, []);
  const H = `h${props.level}` as 'h2';
  return (
    <H id={props.id} ref={ref} tabIndex={props.take_focus ? -1 : undefined}>
      {props.children}
    </H>
  );
}

/** One side of a field's row in the conflict view: a radio labelled by that side's value. */
function PickCell<E, K extends string>(props: {
  k: K;
  side: Side;
  value: string;
  conflict: Conflict<E, K>;
  on_pick: (c: Conflict<E, K>) => void;
}) {
  const { k, side, conflict } = props;
  return (
    <td>
      <label class="radio">
        <input
          type="radio"
          name={`pick-${k}`}
          value={side}
          checked={conflict.pick[k] === side}
          onChange={() => props.on_pick({ ...conflict, pick: { ...conflict.pick, [k]: side } })}
        />{' '}
        <span class={`${side}-value`}>{props.value}</span>
      </label>
    </td>
  );
}

/** What an entity's edit form is, apart from the entity being edited: spread into `VersionedEdit`. */
export type Noun = 'pledge' | 'gap' | 'action' | 'commitment';
/** The fields `<noun>.update` may change (its `changes` type in sync/commands.ts). */
export type ChangeKey<N extends Noun> = keyof ChangesOf<`${N}.update`> & string;

export interface EditSpec<N extends Noun, E extends Versioned, D, K extends ChangeKey<N>> {
  /** What is edited: the command is `<noun>.update`, the form's id `edit-<noun>`, and the
   * headings say "Edit <noun>" and "Someone changed this <noun> ...". */
  noun: N;
  /** Heading level of the form's and the conflict view's heading (default 2). */
  level?: Level;
  /** Each field's label, as a message key of the i18n layer. */
  labels: Record<K, MessageKey>;
  draft_of: (e: E) => D;
  values_of: (d: D) => Record<K, unknown>;
}

export interface VersionedEditProps<N extends Noun, E extends Versioned, D, K extends ChangeKey<N>>
  extends EditSpec<N, E, D, K> {
  entity: E;
  /** A field's value as text in the conflict view (default `show_value`). */
  show?: (v: unknown, k: K) => string;
  save_label?: string;
  on_close: () => void;
  /** The form's inputs; `up(key)` is an input/change handler that sets that draft key. */
  children: (draft: D, up: (k: keyof D) => (e: Event) => void) => ComponentChildren;
}

export function VersionedEdit<N extends Noun, E extends Versioned, D, K extends ChangeKey<N>>(
  props: VersionedEditProps<N, E, D, K>,
) {
  const { on_close, labels } = props;
  const level = props.level ?? 2;
  const show = props.show ?? ((v: unknown) => show_value(v));
  const [base, set_base] = useState<E>(props.entity);
  const [draft, set_draft] = useState<D>(props.draft_of(props.entity));
  const [conflict, set_conflict] = useState<Conflict<E, K> | null>(null);
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const up = (k: keyof D) => (e: Event) => set_draft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });

  const send = async (base_e: E, changes: Changes<K>) => {
    if (Object.keys(changes).length > 0) set_outcome('sending');
    const r = await send_versioned<`${N}.update`, E, K>(command, `${props.noun}.update`, base_e, changes);
    switch (r.kind) {
      case 'nothing':
        on_close();
        return;
      case 'saved':
        set_outcome(r.outcome);
        on_close();
        return;
      case 'conflict':
        set_conflict(r.conflict);
        set_outcome(null);
        return;
      case 'failed':
        set_outcome(r.outcome);
        return;
    }
  };

  const submit = (e: Event) => {
    e.preventDefault();
    void send(base, changed_fields(props.values_of(props.draft_of(base)), props.values_of(draft)));
  };

  if (conflict) {
    const keys = Object.keys(conflict.yours) as K[];
    const resubmit = (e: Event) => {
      e.preventDefault();
      const cur = conflict.current;
      set_base(cur);
      set_conflict(null);
      void send(cur, picked_changes(conflict));
    };
    return (
      <form class="conflict" id="conflict-view" onSubmit={resubmit} aria-labelledby="conflict-h">
        <Heading level={level} id="conflict-h" take_focus>
          {t('edit.conflict_h', { noun: props.noun })}
        </Heading>
        <p>{t('edit.conflict_text', { version: conflict.current.version })}</p>
        <table>
          <caption class="visually-hidden">{t('edit.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('edit.field')}</th>
              <th scope="col">{t('edit.theirs')}</th>
              <th scope="col">{t('edit.yours')}</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => {
              const theirs = (conflict.current as unknown as Record<string, unknown>)[k];
              return (
                <tr key={k} data-field={k}>
                  <th scope="row">{t(labels[k])}</th>
                  {(['theirs', 'yours'] as const).map((side) => (
                    <PickCell
                      key={side}
                      k={k}
                      side={side}
                      value={show(side === 'theirs' ? theirs : conflict.yours[k], k)}
                      conflict={conflict}
                      on_pick={set_conflict}
                    />
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
        <button type="submit">{t('edit.save_merged')}</button>{' '}
        <button type="button" onClick={on_close}>
          {t('edit.discard')}
        </button>
        <Notice outcome={outcome} />
      </form>
    );
  }

  return (
    <form class="stack" id={`edit-${props.noun}`} onSubmit={submit}>
      <Heading level={level}>
        {t('edit.h', { noun: props.noun, version: base.version })}
      </Heading>
      {props.children(draft, up)}
      <SaveOrCancel label={props.save_label ?? t('edit.save')} on_cancel={on_close} outcome={outcome} />

    </form>
  );
}
