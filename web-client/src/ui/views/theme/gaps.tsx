// Gaps, then the actions that answer them, then the pledges behind those actions (a gap with
// no pledge stands out); actions tied to no gap; the theme's other pledges; the forms to
// record a gap (Secretariat) and add an action (Secretariat, the theme's champions).
import { HistoryLink } from '../../components/history_link';
import type { Action, Gap, Pledge, State } from '../../../sync';
import { can_add_action, is_secretariat } from '../../model';
import { command } from '../../store';
import { use_me } from '../../view_mode';
import { ActionItem, PledgeLinks } from './actions';
import { EditGap } from './edit_gap';
import type { Editing } from './editing';
import { EditButton } from './editing';
import { SmallForm } from './small_form';
import { t } from '../../../i18n';

function AddForms({ s, theme, gaps }: { s: State; theme: string; gaps: Gap[] }) {
  const user = use_me();
  return (
    <div class="two-col">
      {is_secretariat(user) && (
        <SmallForm
          id="add-gap"
          title={t('gaps.record')}
          submit_label={t('gaps.add')}
          fields={[
            { key: 'title', label: t('gaps.title_label'), required: true },
            { key: 'description', label: t('field.description'), type: 'textarea', required: true },
          ]}
          on_submit={(v) => command('gap.add', { theme, title: v.title, description: v.description })}
        />
      )}
      {can_add_action(user, s, theme) && (
        <SmallForm
          id="add-action"
          title={t('actions.add_h')}
          submit_label={t('actions.add')}
          fields={[
            { key: 'title', label: t('actions.title_label'), required: true },
            { key: 'kind', label: t('field.kind'), options: [['concrete', t('kind.concrete')], ['broad', t('kind.broad')]] },
            { key: 'gap', label: t('field.answers_gap'), options: [['', t('gaps.none_option')], ...gaps.map((g) => [g.id, g.title] as [string, string])] },
            { key: 'due', label: t('actions.due_optional'), type: 'date' },
          ]}
          on_submit={(v) =>
            command('action.add', {
              theme,
              title: v.title,
              kind: v.kind === 'broad' ? 'broad' : 'concrete',
              ...(v.gap ? { gap: v.gap } : {}),
              ...(v.due ? { due: v.due } : {}),
            })
          }
        />
      )}
    </div>
  );
}

function GapItem(props: { s: State; g: Gap; acts: Action[]; gaps: Gap[]; pledges_for: (a: Action) => Pledge[]; editing: Editing }) {
  const { s, g, acts, pledges_for, editing } = props;
  const n = acts.reduce((acc, a) => acc + pledges_for(a).length, 0);
  const key = `gap:${g.id}`;
  const user = use_me();
  return (
    <li class={`gap${n === 0 ? ' gap-unanswered' : ''}`} data-gap-id={g.id}>
      <h3>
        {t('gaps.gap', { title: g.title })}
        {n === 0 && <span class="badge badge-gap">{t('gaps.no_pledge')}</span>}
        <HistoryLink entity={key} noun="gap" name={g.title} />
      </h3>
      {g.description !== undefined && <p>{g.description}</p>}
      {is_secretariat(user) &&
        (editing.open === key ? (
          <EditGap key={key} g={g} on_close={() => editing.set(null)} />
        ) : (
          <p>
            <EditButton noun="gap" title={g.title} on_click={() => editing.set(key)} />
          </p>
        ))}
      {acts.length === 0 ? (
        <p class="muted">{t('gaps.no_action')}</p>
      ) : (
        <ul class="plain">
          {acts.map((a) => (
            <ActionItem key={a.id} s={s} a={a} pledges={pledges_for(a)} gaps={props.gaps} editing={editing} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function GapsActionsPledges(props: {
  s: State;
  theme: string;
  gaps: Gap[];
  actions: Action[];
  pledges: Pledge[];
  editing: Editing;
}) {
  const { s, theme, gaps, actions, pledges, editing } = props;
  const pledges_for = (a: Action) => pledges.filter((p) => p.actions.includes(a.id));
  const loose_actions = actions.filter((a) => !a.gap || !s.gaps[a.gap]);
  const linked = new Set(actions.flatMap((a) => pledges_for(a).map((p) => p.id)));
  const loose_pledges = pledges.filter((p) => !linked.has(p.id));
  return (
    <section aria-labelledby="gaps-h">
      <h2 id="gaps-h">{t('gaps.h')}</h2>
      {gaps.length === 0 && <p>{t('gaps.none')}</p>}
      <ul class="plain">
        {gaps.map((g) => (
          <GapItem
            key={g.id}
            s={s}
            g={g}
            acts={actions.filter((a) => a.gap === g.id)}
            gaps={gaps}
            pledges_for={pledges_for}
            editing={editing}
          />
        ))}
      </ul>
      {loose_actions.length > 0 && (
        <>
          <h3>{t('gaps.loose_actions')}</h3>
          <ul class="plain">
            {loose_actions.map((a) => (
              <ActionItem key={a.id} s={s} a={a} pledges={pledges_for(a)} gaps={gaps} editing={editing} />
            ))}
          </ul>
        </>
      )}
      <h3>{t('gaps.other_pledges')}</h3>
      {loose_pledges.length ? <PledgeLinks s={s} pledges={loose_pledges} /> : <p class="muted">{t('gaps.none_dot')}</p>}

      <AddForms s={s} theme={theme} gaps={gaps} />
    </section>
  );
}
