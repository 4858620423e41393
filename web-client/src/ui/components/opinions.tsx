// G10 opinions on a target: one standing opinion per organisation (a new one replaces it).
// Only members of G10 organisations see the form.
import { useState } from 'preact/hooks';
import type { CommandArgs, CommandOutcome, State, Target } from '../../sync';
import { command } from '../store';
import { use_me } from '../view_mode';
import { is_g10, org_name } from '../model';
import { Notice } from './common';

const positions = [
  ['support', 'Support'],
  ['concerns', 'Concerns'],
  ['object', 'Object'],
] as const;
type Position = CommandArgs['opinion.give']['position'];

export function Opinions({ s, target }: { s: State; target: Target }) {
  const user = use_me();
  const list = Object.values(s.opinions)
    .filter((o) => o.target === target)
    .sort((a, b) => a.org.localeCompare(b.org));
  const mine = user ? list.find((o) => o.org === user.org) : undefined;
  const [position, set_position] = useState<Position>(positions.find(([v]) => v === mine?.position)?.[0] ?? 'support');
  const [text, set_text] = useState('');
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const fid = `op-${target}`.replace(/[^a-zA-Z0-9-]/g, '-');
  return (
    <section aria-labelledby={`${fid}-h`} class="opinions">
      <h2 id={`${fid}-h`}>G10 opinions</h2>
      {list.length === 0 ? (
        <p>No G10 opinions yet.</p>
      ) : (
        <ul>
          {list.map((o) => (
            <li key={o.id}>
              <strong>{org_name(s, o.org)}</strong>: <span class={`badge opinion-${o.position}`}>{o.position}</span>{' '}
              {o.text}
            </li>
          ))}
        </ul>
      )}
      {is_g10(user, s) && (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            set_outcome('sending');
            const o = await command('opinion.give', { target, position, text: text.trim() });
            set_outcome(o);
            if (o.ok) set_text('');
          }}
        >
          <fieldset>
            <legend>{mine ? 'Replace your organisation’s opinion' : 'Give your organisation’s opinion'}</legend>
            {positions.map(([v, l]) => (
              <label key={v} class="radio">
                <input type="radio" name={`${fid}-pos`} value={v} checked={position === v} onChange={() => set_position(v)} /> {l}
              </label>
            ))}
            <label for={`${fid}-text`}>Opinion</label>
            <textarea id={`${fid}-text`} rows={2} value={text} required onInput={(e) => set_text(e.currentTarget.value)} />
            <button type="submit">Give opinion</button>
          </fieldset>
          <Notice outcome={outcome} />
        </form>
      )}
    </section>
  );
}
