// Discussion room: agenda and state, presence (join on entry, leave on exit), live comments
// with replies, lock/close for the convening champion and the Secretariat, hide/restore for
// the Secretariat (in the comment list), and G10 opinions.
import { HistoryLink } from '../components/history_link';
import { useEffect, useState } from 'preact/hooks';
import type { CommandArgs, CommandOutcome, State, Target } from '../../sync';
import { Comments } from '../components/comments';
import { Notice, NotFound, PageTitle } from '../components/common';
import { Opinions } from '../components/opinions';
import { can_moderate_discussion, org_name } from '../model';
import { command, join, leave, presence } from '../store';
import { use_href, use_me, use_mode } from '../view_mode';

function Presence({ room }: { room: string }) {
  const members = presence.value[room] ?? [];
  return (
    <section aria-labelledby="presence-h" class="presence">
      <h2 id="presence-h">In the room now</h2>
      <p aria-live="polite" id="presence-list">
        {members.length === 0 ? 'Nobody else is here.' : members.map((m) => `${m.user} (${m.org})`).join(', ')}
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
      <h2 id="controls-h">Chair’s controls</h2>
      {d.state === 'open' && (
        <button type="button" onClick={() => void run('discussion.lock', { id })}>
          Lock discussion
        </button>
      )}{' '}
      <button type="button" aria-expanded={closing} onClick={() => set_closing(!closing)}>
        Close with outcome…
      </button>
      {closing && (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void run('discussion.close', { id, outcome: outcome.trim() });
            set_closing(false);
          }}
        >
          <label for="close-outcome">Outcome</label>
          <textarea id="close-outcome" rows={2} required value={outcome} onInput={(e) => set_text(e.currentTarget.value)} />
          <button type="submit">Close discussion</button>
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
  const live = !!s.discussions[id] && !read_only;
  useEffect(() => {
    if (!live) return;
    join(room);
    return () => leave(room);
  }, [room, live]);
  const d = s.discussions[id];
  if (!d) return <NotFound what={`Discussion ${id}`} />;
  return (
    <>
      <PageTitle>{d.title}</PageTitle>
      <p class="meta">
        Theme <a href={href.theme(d.theme)}>{s.themes[d.theme]?.name ?? d.theme}</a> · convened by{' '}
        {org_name(s, d.convener)} · {d.visibility === 'restricted' ? 'restricted to invitees' : 'open to all'}
        {d.invitees.length > 0 && <> · invited: {d.invitees.join(', ')}</>} · state:{' '}
        <strong id="discussion-state">{d.state}</strong>
        <HistoryLink entity={`discussion:${d.id}`} label={`discussion ${d.title}`} />
      </p>
      <p>
        <strong>Agenda:</strong> {d.agenda}
      </p>
      {d.state === 'closed' && d.outcome && (
        <p class="callout">
          <strong>Outcome:</strong> {d.outcome}
        </p>
      )}
      {d.state === 'locked' && <p class="callout">This discussion is locked: no new comments.</p>}
      <div class="two-col">
        {!read_only && <Presence room={room} />}
        <Controls s={s} id={id} />
      </div>
      <Comments s={s} target={room} title="Discussion" />
      <Opinions s={s} target={room} />
    </>
  );
}
