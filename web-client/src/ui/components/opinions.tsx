// G10 opinions on a target: one standing opinion per organisation (a new one replaces it).
// Only members of G10 organisations see the form.
import { useState } from 'preact/hooks';
import type { CommandArgs, CommandOutcome, State, Target } from '../../sync';
import { command } from '../store';
import { use_me } from '../view_mode';
import { is_g10, org_name } from '../model';
import { Notice } from './common';
import { content_lang, lang, t, t_maybe } from '../../i18n';

const positions = ['support', 'concerns', 'object'] as const;
type Position = CommandArgs['opinion.give']['position'];

export function Opinions({ s, target }: { s: State; target: Target }) {
  const user = use_me();
  const list = Object.values(s.opinions)
    .filter((o) => o.target === target)
    .sort((a, b) => a.org.localeCompare(b.org));
  const mine = user ? list.find((o) => o.org === user.org) : undefined;
  const [position, set_position] = useState<Position>(positions.find((v) => v === mine?.position) ?? 'support');
  const [text, set_text] = useState('');
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const fid = `op-${target}`.replace(/[^a-zA-Z0-9-]/g, '-');
  return (
    <section aria-labelledby={`${fid}-h`} class="opinions">
      <h2 id={`${fid}-h`}>{t('opinions.h')}</h2>
      {list.length === 0 ? (
        <p>{t('opinions.none')}</p>
      ) : (
        <ul>
          {list.map((o) => (
            <li key={o.id}>
              <strong>{org_name(s, o.org)}</strong>: <span class={`badge opinion-${o.position}`}>{t_maybe(`position.${o.position}`) ?? o.position}</span>{' '}
              <span class="prose" {...content_lang(o.lang)}>
                {o.text}
              </span>
            </li>
          ))}
        </ul>
      )}
      {is_g10(user, s) && (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            set_outcome('sending');
            const o = await command('opinion.give', { target, position, text: text.trim(), lang: lang.value });
            set_outcome(o);
            if (o.ok) set_text('');
          }}
        >
          <fieldset>
            <legend>{mine ? t('opinions.replace') : t('opinions.give_h')}</legend>
            {positions.map((v) => (
              <label key={v} class="radio">
                <input type="radio" name={`${fid}-pos`} value={v} checked={position === v} onChange={() => set_position(v)} />{' '}
                {t(`position.${v}`)}
              </label>
            ))}
            <label for={`${fid}-text`}>{t('opinions.opinion')}</label>
            <textarea id={`${fid}-text`} rows={2} value={text} required onInput={(e) => set_text(e.currentTarget.value)} />
            <button type="submit">{t('opinions.give')}</button>

          </fieldset>
          <Notice outcome={outcome} />
        </form>
      )}
    </section>
  );
}
