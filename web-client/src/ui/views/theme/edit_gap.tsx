// The Secretariat's edit form for a gap (title, description), with the conflict view.
import type { Gap } from '../../../sync';
import { TextField } from '../../components/common';
import type { EditSpec } from '../../components/versioned_edit';
import { VersionedEdit } from '../../components/versioned_edit';
import { t } from '../../../i18n';

type GapKey = 'title' | 'description';
const gap_draft = (g: Gap) => ({ title: g.title, description: g.description });

const gap_edit: EditSpec<'gap', Gap, ReturnType<typeof gap_draft>, GapKey> = {
  noun: 'gap',
  level: 4,
  labels: { title: 'field.title', description: 'field.description' },
  draft_of: gap_draft,
  values_of: (d) => ({ ...d }),
};

export function EditGap({ g, on_close }: { g: Gap; on_close: () => void }) {
  return (
    <VersionedEdit {...gap_edit} entity={g} on_close={on_close}>
      {(d, up) => (
        <>
          <TextField id="eg-title" label={t('field.title')} required value={d.title} on_input={up('title')} />
          <TextField
            id="eg-desc"
            label={t('field.description')}

            rows={3}
            required
            value={d.description ?? ''}
            on_input={up('description')}
          />
        </>
      )}
    </VersionedEdit>
  );
}
