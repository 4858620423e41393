// The theme's commitments, numbered; the Secretariat edits one at a time (title, number
// 1..1000, responsibility) with the conflict view.
import { HistoryLink } from '../../components/history_link';
import type { Commitment } from '../../../sync';
import { TextField } from '../../components/common';
import type { EditSpec } from '../../components/versioned_edit';
import { show_value, VersionedEdit } from '../../components/versioned_edit';
import { is_secretariat } from '../../model';
import { use_me } from '../../view_mode';
import type { Editing } from './editing';
import { EditButton } from './editing';
import { t, t_maybe } from '../../../i18n';

/** The `responsibility` values (protocol/README.md, `commitment.add`), named in words. */
const responsibilities = ['member_states', 'secretary_general', 'shared'];
const responsibility_name = (r: string) => t_maybe(`resp.${r}`) ?? r;

type CommitmentKey = 'title' | 'number' | 'responsibility';
const commitment_draft = (c: Commitment) => ({ title: c.title, number: String(c.number), responsibility: c.responsibility });
const commitment_edit: EditSpec<'commitment', Commitment, ReturnType<typeof commitment_draft>, CommitmentKey> = {
  noun: 'commitment',
  level: 3,
  labels: { title: 'field.title', number: 'field.number', responsibility: 'field.responsibility' },
  draft_of: commitment_draft,
  values_of: (d) => ({ title: d.title, number: Number(d.number), responsibility: d.responsibility }),
};

function EditCommitment({ c, on_close }: { c: Commitment; on_close: () => void }) {
  // The responsibility is shown by its readable name in the conflict view.
  const show = (v: unknown, k: CommitmentKey) =>
    k === 'responsibility' && typeof v === 'string' ? responsibility_name(v) : show_value(v);
  return (
    <VersionedEdit {...commitment_edit} entity={c} show={show} on_close={on_close}>
      {(d, up) => (
        <>
          <TextField id="ec-title" label={t('field.title')} required value={d.title} on_input={up('title')} />
          <label for="ec-number">{t('commit.number_range')}</label>
          <input id="ec-number" type="number" min={1} max={1000} step={1} required value={d.number} onInput={up('number')} />
          <label for="ec-resp">{t('field.responsibility')}</label>
          <select id="ec-resp" value={d.responsibility} onChange={up('responsibility')}>
            {responsibilities.map((value) => (
              <option key={value} value={value}>
                {responsibility_name(value)}
              </option>
            ))}
          </select>
        </>
      )}
    </VersionedEdit>
  );
}

function CommitmentItem({ c, editing }: { c: Commitment; editing: Editing }) {
  const key = `commitment:${c.id}`;
  const user = use_me();
  return (
    <li class="commitment" data-commitment-id={c.id}>
      <strong>{c.number}.</strong> {c.title} <span class="muted">({responsibility_name(c.responsibility)})</span>
      <HistoryLink entity={key} noun="commitment" name={c.number} />
      {is_secretariat(user) &&
        (editing.open === key ? (
          <EditCommitment key={key} c={c} on_close={() => editing.set(null)} />
        ) : (
          <>
            {' '}
            <EditButton noun="commitment" title={c.title} on_click={() => editing.set(key)} />
          </>
        ))}
    </li>
  );
}

export function Commitments({ commitments, editing }: { commitments: Commitment[]; editing: Editing }) {
  return (
    <section aria-labelledby="cm-h">
      <h2 id="cm-h">{t('commit.h')}</h2>
      {commitments.length === 0 ? (
        <p>{t('commit.none')}</p>

      ) : (
        <ol class="plain">
          {commitments.map((c) => (
            <CommitmentItem key={c.id} c={c} editing={editing} />
          ))}
        </ol>
      )}
    </section>
  );
}
