// Live comments on a target (discussion, pledge, action) with replies, and the Secretariat's
// hide/restore with a reason. Bodies are rendered as text only. Readers who may not see a
// hidden body get "[comment hidden by moderator]"; the Secretariat and auditors see the body
// marked hidden, with the reason. The thread is one virtualised list (replies indented under
// their comment, ADR 0508); in a light session it holds the pages of the target's room loaded
// so far, with "load earlier" at its top (on scrolling there, or by its button).
import { HistoryLink } from './history_link';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Comment, CommandOutcome, RoomView, State, Target } from '../../sync';
import { is_target, thread_of } from '../../sync';
import { command, outbox, status } from '../store';
import { VirtualList } from './virtual_list';
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

function CommentItem({ c, s }: { c: Comment; s: State }) {
  const user = use_me();
  const [replying, set_replying] = useState(false);
  const [hiding, set_hiding] = useState(false);
  const [editing, set_editing] = useState(false);
  const mine = !!user && user.id === c.author && !c.hidden && typeof c.body === 'string';
  const privileged = is_privileged(user);
  const show_body = typeof c.body === 'string' && (!c.hidden || privileged);
  return (
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
  );
}

function person_org(s: State, org: string): string {
  return s.orgs[org]?.name ?? org;
}

export interface ThreadRow {
  c: Comment;
  depth: number;
}

/** The thread in reading order: each comment followed by its replies (depth-first, oldest
 * first); a reply whose comment is not held (an earlier page) stands at the top level. */
export function thread_rows(items: readonly Comment[]): ThreadRow[] {
  const ids = new Set(items.map((c) => c.id));
  const children = new Map<string, Comment[]>();
  const roots: Comment[] = [];
  for (const c of items) {
    if (c.reply_to && ids.has(c.reply_to) && c.reply_to !== c.id) {
      const list = children.get(c.reply_to) ?? [];
      list.push(c);
      children.set(c.reply_to, list);
    } else roots.push(c);
  }
  const out: ThreadRow[] = [];
  const stack: ThreadRow[] = roots.map((c) => ({ c, depth: 0 })).reverse();
  while (stack.length) {
    const row = stack.pop()!;
    out.push(row);
    const kids = children.get(row.c.id) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ c: kids[i]!, depth: row.depth + 1 });
  }
  return out;
}

const max_indent = 6;

function LoadEarlier({ room, target }: { room: RoomView; target: string }) {
  const { rooms } = use_mode();
  if (room.before === null) return null;
  const loading = room.loading === 'comments';
  return (
    <p class="load-earlier">
      <button type="button" class="link-button" disabled={loading} aria-busy={loading} onClick={() => rooms.load_earlier(target)}>
        {loading ? t('comments.loading_earlier') : t('comments.load_earlier')}
      </button>
    </p>
  );
}

/** Says a comment that arrived live, in a polite live region (the list itself is not one:
 * rows entering it as the reader scrolls are not news). */
function use_arrivals(rows: readonly ThreadRow[], s: State, ready: boolean): string {
  const seen = useRef<Set<string> | null>(null);
  const [said, set_said] = useState('');
  useEffect(() => {
    if (!ready) return;
    const ids = new Set(rows.map((r) => r.c.id));
    if (seen.current) {
      const fresh = rows.filter((r) => !seen.current!.has(r.c.id));
      // A page of earlier comments is not news: only a few new ones at a time are said.
      if (fresh.length > 0 && fresh.length <= 3) {
        const c = fresh[fresh.length - 1]!.c;
        set_said(t('comments.arrived', { person: person(s, c.author, c.org) }));
      }
    }
    seen.current = ids;
  }, [rows, ready]);
  return said;
}

const row_key = (r: ThreadRow) => r.c.id;

export function Comments({ s, target, title }: { s: State; target: Target; title?: string }) {
  const { read_only, rooms } = use_mode();
  // A light session (or a light past point) holds the pages of this target's room loaded so
  // far; a whole state holds every comment.
  const room: RoomView | null = rooms.view(target);
  const loaded = !room || room.loaded;
  const all = useMemo(() => Object.values(s.comments).filter((c) => c.target === target).sort(by_id), [s.comments, target]);
  const rows = useMemo(() => thread_rows(all), [all]);
  const user = use_me();
  // The count says how many comments one can read: hidden ones are not counted (the
  // Secretariat and auditors see how many are hidden beside it, once all are loaded).
  const privileged = is_privileged(user);
  const complete = !room || room.before === null;
  const hidden_n = complete ? all.filter((c) => c.hidden).length : 0;
  const shown = room ? thread_of(s, target).count : all.length - hidden_n;
  const said = use_arrivals(rows, s, loaded);
  const on_top = useCallback(() => {
    if (room?.loaded && room.before !== null && !room.loading) rooms.load_earlier(target);
  }, [room, target, rooms]);
  // Own comments waiting in the outbox while the connection is down (when live, the
  // round trip is short and the real comment follows at once).
  const queued =
    status.value === 'live' || read_only
      ? []
      : outbox.value.filter((q) => q.name === 'comment.post' && q.args.target === target && !q.args.reply_to);
  return (
    <section aria-labelledby={`comments-${target}`} class="comments">
      <h2 id={`comments-${target}`}>
        {title ?? t('comments.title')} <span class="count">{t('comments.count', { n: shown, hidden: hidden_n, privileged: privileged ? 'yes' : 'no' })}</span>
      </h2>
      <p class="visually-hidden" aria-live="polite">
        {said}
      </p>
      <div>
        {!loaded && rows.length === 0 ? (
          <p aria-busy="true">{t('comments.loading')}</p>
        ) : rows.length === 0 && queued.length === 0 && (!room || room.before === null) ? (
          <p>{t('comments.none')}</p>
        ) : (
          <VirtualList
            items={rows}
            key_of={row_key}
            label={t('comments.thread_label', { title: title ?? t('comments.title') })}
            class="comment-thread"
            list_class="comment-list"
            estimate={110}
            on_top={on_top}
            head={room && <LoadEarlier room={room} target={target} />}
            row_props={(r) => ({
              class: `comment${r.c.hidden ? ' is-hidden' : ''}${r.depth ? ` is-reply depth-${Math.min(r.depth, max_indent)}` : ''}`,
              id: `comment-${r.c.id}`,
              'data-comment-id': r.c.id,
            })}
            render={(r) => <CommentItem c={r.c} s={s} />}
          />
        )}
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
