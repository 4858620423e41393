// Discussion room: agenda and state, presence (join on entry, leave on exit), live comments
// with replies, lock/close for the convening champion and the Secretariat, hide/restore for
// the Secretariat (in the comment list), and G10 opinions.
import { HistoryLink } from '../components/history_link';
import { useState } from 'preact/hooks';
import type { CommandArgs, CommandOutcome, State, Target } from '../../sync';
import { Comments } from '../components/comments';
import { Notice, NotFound, PageTitle, TaggedText } from '../components/common';
import { Opinions } from '../components/opinions';
import { can_moderate_discussion, org_name, person, theme_name } from '../model';
import { lang, t, t_maybe } from '../../i18n';

import { command, presence } from '../store';
import { use_room } from '../use_room';
import { use_href, use_me, use_mode } from '../view_mode';

/** Who is in the room: members by name and organisation (with the sign-in name, which is how
 * colleagues address each other in the log); auditors apart, named as such (ADR 0506). */
function Presence({ s, room }: { s: State; room: string }) {
  const members = presence.value[room] ?? [];
  const is_aud = (u: string) => s.users[u]?.role === 'auditor';
  const people = members.filter((m) => !is_aud(m.user));
  const auditors = members.filter((m) => is_aud(m.user));
  const who = (m: { user: string; org: string }) => t('presence.person', { person: person(s, m.user, m.org), login: m.user });
  return (
    <section aria-labelledby="presence-h" class="presence">
      <h2 id="presence-h">{t('presence.h')}</h2>
      <p aria-live="polite" id="presence-list">
        {people.length === 0 ? t('presence.nobody') : people.map(who).join(', ')}
        {auditors.length > 0 && (
          <span class="presence-auditors">
            {' '}
            {t('presence.auditors', { n: auditors.length, names: auditors.map((m) => person(s, m.user, m.org)).join(', ') })}
          </span>
        )}
      </p>
    </section>
  );
}

function Controls({ s, id }: { s: State; id: string }) {
  const d = s.discussions[id]!;
  const user = use_me();
  const [outcome_text, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const [closing, set_closing] = useState(false);
  const [outcome, set_text] = useState('');
  if (!can_moderate_discussion(user, d) || d.state === 'closed') return null;
  const run = async <N extends 'discussion.lock' | 'discussion.close'>(name: N, args: CommandArgs[N]) => {
    set_outcome('sending');
    set_outcome(await command(name, args));
  };
  return (
    <section aria-labelledby="controls-h" class="controls">
      <h2 id="controls-h">{t('disc.controls')}</h2>
      {d.state === 'open' && (
        <button type="button" onClick={() => void run('discussion.lock', { id })}>
          {t('disc.lock')}
        </button>
      )}{' '}
      <button type="button" aria-expanded={closing} onClick={() => set_closing(!closing)}>
        {t('disc.close_with')}
      </button>
      {closing && (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void run('discussion.close', { id, outcome: outcome.trim(), lang: lang.value });
            set_closing(false);
          }}
        >
          <label for="close-outcome">{t('disc.outcome')}</label>
          <textarea id="close-outcome" rows={2} required value={outcome} onInput={(e) => set_text(e.currentTarget.value)} />
          <button type="submit">{t('disc.close')}</button>
        </form>
      )}
      <Notice outcome={outcome_text} />
    </section>
  );
}

export function DiscussionView({ s, id }: { s: State; id: string }) {
  const href = use_href();
  const { read_only } = use_mode();
  const room: Target = `discussion:${id}`;
  // Presence is of the room now: a past view (read-only) neither joins nor shows it.
  use_room(room, !!s.discussions[id]);
  const d = s.discussions[id];
  if (!d) return <NotFound what={t('disc.not_found', { id })} />;
  return (
    <>
      <PageTitle>{d.title}</PageTitle>
      <p class="meta">
        {t('disc.theme')} <a href={href.theme(d.theme)}>{theme_name(s, d.theme)}</a> · {t('disc.convened_by')}{' '}
        {org_name(s, d.convener)} · {d.visibility === 'restricted' ? t('disc.restricted') : t('disc.open_all')}
        {d.invitees.length > 0 && <> · {t('disc.invited', { orgs: d.invitees.map((o) => org_name(s, o)).join(', ') })}</>} ·{' '}
        {t('disc.state')}{' '}
        <strong id="discussion-state" data-state={d.state}>
          {t_maybe(`disc.state.${d.state}`) ?? d.state}
        </strong>
        <HistoryLink entity={`discussion:${d.id}`} noun="discussion" name={d.title} />
      </p>
      {d.agenda !== undefined && (
        <div class="agenda">
          <strong>{t('disc.agenda_label')}</strong>
          <TaggedText text={d.agenda} tag={d.lang} />
        </div>
      )}
      {d.state === 'closed' && d.outcome && (
        <div class="callout">
          <strong>{t('disc.outcome_label')}</strong>
          <TaggedText text={d.outcome} tag={d.outcome_lang} />
        </div>
      )}
      {d.state === 'locked' && <p class="callout">{t('disc.locked')}</p>}
      <div class="two-col">
        {!read_only && <Presence s={s} room={room} />}
        <Controls s={s} id={id} />
      </div>
      <Comments s={s} target={room} title={t('disc.comments_title')} />

      <Opinions s={s} target={room} />
    </>
  );
}
