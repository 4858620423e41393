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
import { by_id, can_comment_on, is_privileged, is_secretariat, person } from '../model';
import { Notice, SaveOrCancel } from './common';
import { content_lang, fmt_datetime, is_other_lang, lang, language_name, t } from '../../i18n';

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
    const o = await command('comment.post', {
      target: props.target,
      body: text,
      lang: lang.value,
      ...(props.reply_to ? { reply_to: props.reply_to } : {}),
    });
    set_outcome(o.ok ? null : o);
    if (!o.ok) set_body(text);
    else props.on_done?.();
  };
  return (
    <form class="comment-form" onSubmit={submit}>
      <label for={id}>{props.label}</label>
      <textarea id={id} value={body} rows={3} maxLength={8000} onInput={(e) => set_body(e.currentTarget.value)} />
      <button type="submit">{props.reply_to ? t('comments.post_reply') : t('comments.post')}</button>
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
      <label for={id}>{t('comments.reason')}</label>
      <input id={id} value={reason} required onInput={(e) => set_reason(e.currentTarget.value)} />
      <button type="submit">{t('comments.hide_submit')}</button>
      <button type="button" onClick={on_done}>
        {t('common.cancel')}
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
        const o = await command('comment.edit', { id: c.id, body: body.trim(), lang: lang.value });
        set_outcome(o);
        if (o.ok) on_done();
      }}
    >
      <label for={id}>{t('comments.edit_label')}</label>
      <textarea id={id} rows={3} value={body} maxLength={8000} onInput={(e) => set_body(e.currentTarget.value)} />
      <SaveOrCancel label={t('comments.save')} on_cancel={on_done} outcome={outcome} />
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
      <article aria-label={t('comments.by', { person: person(s, c.author, c.org) })}>
        <header class="comment-meta">
          <strong>{s.users[c.author]?.name || c.author}</strong> <span>({person_org(s, c.org)})</span>{' '}
          <span class="login">{c.author}</span>{' '}
          <time dateTime={c.ts}>{fmt_datetime(c.ts)}</time>
          {c.edited && <span> · {t('comments.edited')}</span>}
          {is_other_lang(c.lang) && c.lang && <span class="lang-mark"> · {language_name(c.lang)}</span>}
          <HistoryLink entity={`comment:${c.id}`} noun="comment" name={c.id} />

        </header>
        {c.hidden && privileged && (
          <p class="hidden-mark">
            <strong>{t('comments.hidden_by')}</strong>
            {c.hidden_reason ? `: ${c.hidden_reason}` : ''}
          </p>
        )}
        {editing ? (
          <EditForm c={c} on_done={() => set_editing(false)} />
        ) : show_body ? (
          <p class="comment-body" {...content_lang(c.lang)}>
            {c.body}
          </p>
        ) : (
          <p class="comment-body redacted">{t('comments.redacted')}</p>
        )}
        <div class="comment-actions">
          {can_comment_on(user, s, c.target) && !c.hidden && (
            <button type="button" class="link-button" aria-expanded={replying} onClick={() => set_replying(!replying)}>
              {t('comments.reply')}
            </button>
          )}
          {mine && can_comment_on(user, s, c.target) && !editing && (
            <button type="button" class="link-button" onClick={() => set_editing(true)}>
              {t('edit.button')}
            </button>
          )}
          {is_secretariat(user) && !c.hidden && (
            <button type="button" class="link-button" aria-expanded={hiding} onClick={() => set_hiding(!hiding)}>
              {t('comments.hide')}
            </button>
          )}
          {is_secretariat(user) && c.hidden && (
            <button type="button" class="link-button" onClick={() => void command('comment.restore', { id: c.id })}>
              {t('comments.restore')}
            </button>
          )}
        </div>
        {hiding && <HideForm c={c} on_done={() => set_hiding(false)} />}
        {replying && is_target(c.target) && (
          <CommentForm target={c.target} reply_to={c.id} label={t('comments.reply_to', { login: c.author, person: person(s, c.author, c.org) })} on_done={() => set_replying(false)} />
        )}
      </article>
      {children.length > 0 && <CommentList items={children} s={s} all={all} />}
    </li>
  );
}

function person_org(s: State, org: string): string {
  return s.orgs[org]?.name ?? org;
}

function CommentList(
{ items, s, all }: { items: Comment[]; s: State; all: Comment[] }) {
  return (
    <ul class="comment-list">
      {items.map((c) => (
        <CommentItem key={c.id} c={c} s={s} all={all} />
      ))}
    </ul>
  );
}

export function Comments({ s, target, title }: { s: State; target: Target; title?: string }) {
  const items = Object.values(s.comments)
    .filter((c) => c.target === target)
    .sort(by_id);
  const ids = new Set(items.map((c) => c.id));
  const roots = items.filter((c) => !c.reply_to || !ids.has(c.reply_to));
  const user = use_me();
  // The count says how many comments one can read: hidden ones are not counted (the
  // Secretariat and auditors see how many are hidden beside it).
  const privileged = is_privileged(user);
  const hidden_n = items.filter((c) => c.hidden).length;
  const shown = items.length - hidden_n;
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
        {title ?? t('comments.title')} <span class="count">{t('comments.count', { n: shown, hidden: hidden_n, privileged: privileged ? 'yes' : 'no' })}</span>
      </h2>
      <div aria-live="polite" aria-relevant="additions text">
        {roots.length === 0 && queued.length === 0 ? <p>{t('comments.none')}</p> : <CommentList items={roots} s={s} all={items} />}
        {queued.length > 0 && (
          <ul class="comment-list">
            {queued.map((q) => (
              <li key={q.id} class="pending-comment">
                <article aria-label={t('comments.pending_label')}>
                  <header class="comment-meta">
                    <strong>{user?.name ?? user?.id}</strong> · <em>{t('comments.waiting')}</em>
                  </header>
                  <p class="comment-body">{String(q.args.body ?? '')}</p>
                </article>
              </li>
            ))}
          </ul>
        )}
      </div>
      {can_comment_on(user, s, target) ? (
        <CommentForm target={target} label={t('comments.yours')} />
      ) : user && !target.startsWith('discussion:') ? null : (
        <p class="muted">
          {read_only
            ? t('comments.read_only')
            : user && is_privileged(user) && !is_secretariat(user)
              ? t('comments.auditors')
              : t('comments.closed')}
        </p>
      )}
    </section>
  );
}
