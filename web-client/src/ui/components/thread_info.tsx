// A target's thread in a list: how many comments one can read and when the last was posted,
// from the skeleton (light sessions: counts and last activity kept live by ticks, without the
// comments) or counted from a whole state.
import type { State } from '../../sync';
import { thread_of } from '../../sync';
import { fmt_datetime, t } from '../../i18n';

export function ThreadInfo({ s, target }: { s: State; target: string }) {
  const th = thread_of(s, target);
  return (
    <span class="thread-info muted" data-thread={target} data-count={th.count}>
      {t('thread.summary', { n: th.count })}
      {th.last_ts && (
        <>
          {' · '}
          <time dateTime={th.last_ts}>{t('thread.last', { when: fmt_datetime(th.last_ts) })}</time>
        </>
      )}
    </span>
  );
}
