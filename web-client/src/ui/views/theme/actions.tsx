// One action with who took it up and the pledges behind it; take-up for endorsing members,
// the edit form for the Secretariat and the theme's champions.
import { HistoryLink } from '../../components/history_link';
import type { Action, Gap, Pledge, State } from '../../../sync';
import { StatusBadge } from '../../components/common';
import { can_add_action, can_take_up, org_name } from '../../model';
import { command } from '../../store';
import { use_href, use_me } from '../../view_mode';
import { EditAction } from './edit_action';
import type { Editing } from './editing';
import { EditButton } from './editing';
import { fmt_date, t, t_maybe } from '../../../i18n';

export function PledgeLinks({ s, pledges }: { s: State; pledges: Pledge[] }) {
  const href = use_href();
  if (!pledges.length) return null;
  return (
    <ul class="pledge-links">
      {pledges.map((p) => (
        <li key={p.id}>
          <a href={href.pledge(p.id)}>{p.title}</a> <span class="muted">({org_name(s, p.org)})</span> <StatusBadge status={p.status} />
        </li>
      ))}
    </ul>
  );
}

export function ActionItem(props: { s: State; a: Action; pledges: Pledge[]; gaps: Gap[]; editing: Editing }) {
  const { s, a, pledges, editing } = props;
  const user = use_me();
  const taken = !!user && a.taken_up_by.includes(user.org);
  const key = `action:${a.id}`;
  return (
    <li class="action" data-action-id={a.id}>
      <p>
        <strong>{t('actions.action')}</strong> {a.title} <span class="badge">{t_maybe(`kind.badge.${a.kind}`) ?? a.kind}</span>
        {a.due && <span class="muted"> · {t('actions.due', { date: fmt_date(a.due) })}</span>}
        <HistoryLink entity={key} noun="action" name={a.title} />

      </p>
      <p class="muted">
        {t('actions.taken_up_by')}{' '}
        {a.taken_up_by.length ? a.taken_up_by.map((o) => org_name(s, o)).join(', ') : t('actions.nobody')}
      </p>
      {can_take_up(user, s) && !taken && (
        <button type="button" onClick={() => void command('action.take_up', { id: a.id })}>
          {t('actions.take_up')}

        </button>
      )}
      {can_add_action(user, s, a.theme) &&
        (editing.open === key ? (
          <EditAction key={key} s={s} a={a} gaps={props.gaps} on_close={() => editing.set(null)} />
        ) : (
          <>
            {' '}
            <EditButton noun="action" title={a.title} on_click={() => editing.set(key)} />
          </>
        ))}
      <PledgeLinks s={s} pledges={pledges} />
    </li>
  );
}
