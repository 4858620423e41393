// Live comments on a target (discussion, pledge, action) with replies, and the Secretariat's
// hide/restore with a reason. Bodies are rendered as text only. Readers who may not see a
// hidden body get "[comment hidden by moderator]"; the Secretariat and auditors see the body
// marked hidden, with the reason.
import { HistoryLink } from './history_link';
import { useState } from 'preact/hooks';
import type { Comment, CommandOutcome, State, Target } from '../../sync';
import { is_target } from '../../sync';
import { command, outbox, status } from '../store';
import { use_me, use_mode } from '../view_mode';
import { by_id, can_comment_on, is_privileged, is_secretariat, org_name } from '../model';
import { Notice, SaveOrCancel } from './common';

function CommentForm(props: { target: Target; reply_to?: string; on_done?: () => void; label: string }) {
  const [body, set_body] = useState('');
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const id = `cf-${props.target}-${props.reply_to ?? 'top'}`.replace(/[^a-zA-Z0-9-]/g, '-');
  const submit = async (e: Event) => {
    e.preventDefault();
    const text = body.trim();
    if (!text) return;
    set_outcome('sending');
    set_body('');
    const o = await command('comment.post', { target: props.target, body: text, ...(props.reply_to ? { reply_to: props.reply_to } : {}) });
    set_outcome(o.ok ? null : o);
    if (!o.ok) set_body(text);
    else props.on_done?.();
  };
  return (
    <form class="comment-form" onSubmit={submit}>
      <label for={id}>{props.label}</label>
      <textarea id={id} value={body} rows={3} maxLength={8000} onInput={(e) => set_body(e.currentTarget.value)} />
      <button type="submit">{props.reply_to ? 'Post reply' : 'Post comment'}</button>
      <Notice outcome={outcome} />
    </form>
  );
}

function HideForm({ c, on_done }: { c: Comment; on_done: () => void }) {
  const [reason, set_reason] = useState('');
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const id = `hide-${c.id}`;
  return (
    <form
      class="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!reason.trim()) return;
        set_outcome('sending');
        const o = await command('comment.hide', { id: c.id, reason: reason.trim() });
        set_outcome(o);
        if (o.ok) on_done();
      }}
    >
      <label for={id}>Reason for hiding</label>
      <input id={id} value={reason} required onInput={(e) => set_reason(e.currentTarget.value)} />
      <button type="submit">Hide comment</button>
      <button type="button" onClick={on_done}>
        Cancel
      </button>
      <Notice outcome={outcome} />
    </form>
  );
}

function EditForm({ c, on_done }: { c: Comment; on_done: () => void }) {
  const [body, set_body] = useState(c.body ?? '');
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const id = `edit-${c.id}`;
  return (
    <form
      class="comment-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!body.trim()) return;
        set_outcome('sending');
        const o = await command('comment.edit', { id: c.id, body: body.trim() });
        set_outcome(o);
        if (o.ok) on_done();
      }}
    >
      <label for={id}>Edit your comment</label>
      <textarea id={id} rows={3} value={body} maxLength={8000} onInput={(e) => set_body(e.currentTarget.value)} />
      <SaveOrCancel label="Save comment" on_cancel={on_done} outcome={outcome} />
    </form>
  );
}

function CommentItem({ c, s, all }: { c: Comment; s: State; all: Comment[] }) {
  const children = all.filter((x) => x.reply_to === c.id);
  const user = use_me();
  const [replying, set_replying] = useState(false);
  const [hiding, set_hiding] = useState(false);
  const [editing, set_editing] = useState(false);
  const mine = !!user && user.id === c.author && !c.hidden && typeof c.body === 'string';
  const privileged = is_privileged(user);
  const show_body = typeof c.body === 'string' && (!c.hidden || privileged);
  return (
    <li class={`comment${c.hidden ? ' is-hidden' : ''}`} id={`comment-${c.id}`} data-comment-id={c.id}>
      <article aria-label={`Comment by ${c.author}`}>
        <header class="comment-meta">
          <strong>{c.author}</strong> <span>({org_name(s, c.org)})</span>{' '}
          <time dateTime={c.ts}>{c.ts.replace('T', ' ').slice(0, 16)}</time>
          {c.edited && <span> · edited</span>}
          <HistoryLink entity={`comment:${c.id}`} label={`comment ${c.id}`} />
        </header>
        {c.hidden && privileged && (
          <p class="hidden-mark">
            <strong>Hidden by moderator</strong>
            {c.hidden_reason ? `: ${c.hidden_reason}` : ''}
          </p>
        )}
        {editing ? (
          <EditForm c={c} on_done={() => set_editing(false)} />
        ) : show_body ? (
          <p class="comment-body">{c.body}</p>
        ) : (
          <p class="comment-body redacted">[comment hidden by moderator]</p>
        )}
        <div class="comment-actions">
          {can_comment_on(user, s, c.target) && !c.hidden && (
            <button type="button" class="link-button" aria-expanded={replying} onClick={() => set_replying(!replying)}>
              Reply
            </button>
          )}
          {mine && can_comment_on(user, s, c.target) && !editing && (
            <button type="button" class="link-button" onClick={() => set_editing(true)}>
              Edit
            </button>
          )}
          {is_secretariat(user) && !c.hidden && (
            <button type="button" class="link-button" aria-expanded={hiding} onClick={() => set_hiding(!hiding)}>
              Hide
            </button>
          )}
          {is_secretariat(user) && c.hidden && (
            <button type="button" class="link-button" onClick={() => void command('comment.restore', { id: c.id })}>
              Restore
            </button>
          )}
        </div>
        {hiding && <HideForm c={c} on_done={() => set_hiding(false)} />}
        {replying && is_target(c.target) && (
          <CommentForm target={c.target} reply_to={c.id} label={`Reply to ${c.author}`} on_done={() => set_replying(false)} />
        )}
      </article>
      {children.length > 0 && <CommentList items={children} s={s} all={all} />}
    </li>
  );
}

function CommentList({ items, s, all }: { items: Comment[]; s: State; all: Comment[] }) {
  return (
    <ul class="comment-list">
      {items.map((c) => (
        <CommentItem key={c.id} c={c} s={s} all={all} />
      ))}
    </ul>
  );
}

export function Comments({ s, target, title = 'Comments' }: { s: State; target: Target; title?: string }) {
  const items = Object.values(s.comments)
    .filter((c) => c.target === target)
    .sort(by_id);
  const ids = new Set(items.map((c) => c.id));
  const roots = items.filter((c) => !c.reply_to || !ids.has(c.reply_to));
  const user = use_me();
  // Own comments waiting in the outbox while the connection is down (when live, the
  // round trip is short and the real comment follows at once).
  const { read_only } = use_mode();
  const queued =
    status.value === 'live' || read_only
      ? []
      : outbox.value.filter((q) => q.name === 'comment.post' && q.args.target === target && !q.args.reply_to);
  return (
    <section aria-labelledby={`comments-${target}`} class="comments">
      <h2 id={`comments-${target}`}>
        {title} <span class="count">({items.length})</span>
      </h2>
      <div aria-live="polite" aria-relevant="additions text">
        {roots.length === 0 && queued.length === 0 ? <p>No comments yet.</p> : <CommentList items={roots} s={s} all={items} />}
        {queued.length > 0 && (
          <ul class="comment-list">
            {queued.map((q) => (
              <li key={q.id} class="pending-comment">
                <article aria-label="Your comment, not sent yet">
                  <header class="comment-meta">
                    <strong>{user?.id}</strong> · <em>waiting to be sent</em>
                  </header>
                  <p class="comment-body">{String(q.args.body ?? '')}</p>
                </article>
              </li>
            ))}
          </ul>
        )}
      </div>
      {can_comment_on(user, s, target) ? (
        <CommentForm target={target} label="Your comment" />
      ) : user && !target.startsWith('discussion:') ? null : (
        <p class="muted">
          {read_only
            ? 'Read-only: the comments as they were at this point.'
            : user && is_privileged(user) && !is_secretariat(user)
              ? 'Auditors read only.'
              : 'Commenting is closed here.'}
        </p>
      )}
    </section>
  );
}
