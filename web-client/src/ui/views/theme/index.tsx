// Theme page: champions and commitments; gaps, the actions that answer them and the pledges
// behind those actions; discussions. Each part is a small component of this folder; the
// page holds which edit form is open (one at a time). Controls follow `use_me()`, so the
// same page renders read-only at a past seq in the audit timeline.
import { useState } from 'preact/hooks';
import type { State } from '../../../sync';
import { NotFound, PageTitle } from '../../components/common';
import { by_id, theme_name } from '../../model';
import { t } from '../../../i18n';
import { Champions } from './champions';
import { Commitments } from './commitments';
import { Discussions } from './discussions';
import type { Editing } from './editing';
import { GapsActionsPledges } from './gaps';

export function ThemeView({ s, id }: { s: State; id: string }) {
  const [open_edit, set_open_edit] = useState<string | null>(null);
  const editing: Editing = { open: open_edit, set: set_open_edit };
  const th = s.themes[id];
  if (!th) return <NotFound what={t('theme.not_found', { id })} />;
  const of_theme = <T extends { theme: string }>(m: Record<string, T>) => Object.values(m).filter((x) => x.theme === id);
  const commitments = of_theme(s.commitments).sort((a, b) => a.number - b.number);
  const orgs = Object.values(s.orgs)
    .filter((o) => o.kind !== 'secretariat')
    .sort((a, b) => a.id.localeCompare(b.id));
  return (
    <>
      <PageTitle>{theme_name(s, id)}</PageTitle>
      {th.note && <p class="muted">{th.note}</p>}

      <div class="two-col">
        <Champions s={s} theme={id} champs={of_theme(s.champions)} orgs={orgs} />
        <Commitments commitments={commitments} editing={editing} />
      </div>
      <GapsActionsPledges
        s={s}
        theme={id}
        gaps={of_theme(s.gaps).sort(by_id)}
        actions={of_theme(s.actions).sort(by_id)}
        pledges={of_theme(s.pledges).sort(by_id)}
        editing={editing}
      />
      <Discussions s={s} theme={id} discussions={of_theme(s.discussions).sort(by_id)} orgs={orgs} />
    </>
  );
}
