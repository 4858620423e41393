// The Secretariat's edit form for a gap (title, description), with the conflict view. A thin
// skeleton may hold the gap without its description, and gaps have no room (ADR 0512): the
// form then reads it from the gap's history first, so that an edit never starts from a
// missing value.
import { useEffect, useState } from 'preact/hooks';
import type { Gap } from '../../../sync';
import { history, type HistoryEvent } from '../../../audit/api';
import { Loading, TextField } from '../../components/common';
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

/** A gap's description after its history's events (the last one set, by `gap.added` or a change). */
export function description_of(events: readonly HistoryEvent[]): string | undefined {
  let d: string | undefined;
  for (const e of events) {
    const c = e.changes?.description;
    if (c && 'to' in c && typeof c.to === 'string') d = c.to;
    else if (e.name === 'gap.added' && typeof e.data?.description === 'string') d = e.data.description;
  }
  return d;
}

/** The gap whole: as held, or with its description read from its history. */
function use_whole_gap(g: Gap): Gap | { failed: string } | null {
  const [read, set_read] = useState<{ id: string; description: string } | { failed: string } | null>(null);
  const missing = g.description === undefined;
  useEffect(() => {
    if (!missing) return;
    let live = true;
    void history(`gap:${g.id}`, Infinity).then((r) => {
      const d = r.ok ? description_of(r.value.events) : undefined;
      if (live) set_read(d === undefined ? { failed: r.ok ? `gap:${g.id}` : r.message } : { id: g.id, description: d });
    });
    return () => {
      live = false;
    };
  }, [g.id, missing]);
  if (!missing) return g;
  if (read && 'failed' in read) return read;
  return read?.id === g.id ? { ...g, description: read.description } : null;
}

export function EditGap({ g: held, on_close }: { g: Gap; on_close: () => void }) {
  const g = use_whole_gap(held);
  if (g && 'failed' in g) return <p role="alert">{t('history.error', { reason: g.failed })}</p>;
  if (!g) return <Loading />;
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
