// The edit form for an action (title, kind, the gap it answers, due date), for the
// Secretariat and the theme's champions, with the conflict view.
import type { Action, Gap, State } from '../../../sync';
import { TextField } from '../../components/common';
import type { EditSpec } from '../../components/versioned_edit';
import { show_value, VersionedEdit } from '../../components/versioned_edit';
import { t } from '../../../i18n';

type ActionKey = 'title' | 'kind' | 'gap' | 'due';
const action_draft = (a: Action) => ({ title: a.title, kind: a.kind, gap: a.gap ?? '', due: a.due ?? '' });

const action_edit: EditSpec<'action', Action, ReturnType<typeof action_draft>, ActionKey> = {
  noun: 'action',
  level: 4,
  labels: { title: 'field.title', kind: 'field.kind', gap: 'field.answers_gap', due: 'field.due' },
  draft_of: action_draft,
  values_of: (d) => ({ title: d.title, kind: d.kind, gap: d.gap || null, due: d.due || null }),
};

export function EditAction({ s, a, gaps, on_close }: { s: State; a: Action; gaps: Gap[]; on_close: () => void }) {
  // A gap is shown by its title in the conflict view.
  const show = (v: unknown, k: ActionKey) =>
    k === 'gap' && typeof v === 'string' ? s.gaps[v]?.title ?? v : show_value(v);
  return (
    <VersionedEdit {...action_edit} entity={a} show={show} on_close={on_close}>
      {(d, up) => (
        <>
          <TextField id="ea-title" label={t('field.title')} required value={d.title} on_input={up('title')} />
          <label for="ea-kind">{t('field.kind')}</label>
          <select id="ea-kind" value={d.kind} onChange={up('kind')}>
            <option value="concrete">{t('kind.concrete')}</option>
            <option value="broad">{t('kind.broad')}</option>
          </select>
          <label for="ea-gap">{t('field.answers_gap')}</label>
          <select id="ea-gap" value={d.gap} onChange={up('gap')}>
            <option value="">{t('gaps.none_option')}</option>
            {gaps.map((g) => (
              <option key={g.id} value={g.id}>
                {g.title}
              </option>
            ))}
          </select>
          <label for="ea-due">{t('actions.due_optional')}</label>

          <input id="ea-due" type="date" value={d.due} onInput={up('due')} />
        </>
      )}
    </VersionedEdit>
  );
}
