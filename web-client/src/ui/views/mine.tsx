// My organisation's pledges, and the form to make a new one (members of endorsing
// organisations for their own org; the Secretariat for the UN's own deliverables).
import { useState } from 'preact/hooks';
import type { CommandOutcome, State } from '../../sync';
import { Notice, PageTitle } from '../components/common';
import { PledgeTable } from '../components/pledge_table';
import { by_id, can_create_pledge, org_name, sorted_themes } from '../model';
import { command, me } from '../store';
import { href } from '../router';

function CreatePledgeForm({ s }: { s: State }) {
  const themes = sorted_themes(s);
  const [f, set_f] = useState({
    theme: themes[0]?.id ?? '',
    title: '',
    description: '',
    out_i: '',
    out_t: '',
    imp_i: '',
    imp_t: '',
    commitment: '',
    due: '',
  });
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const up = (k: keyof typeof f) => (e: Event) => set_f({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const commitments = Object.values(s.commitments)
    .filter((c) => c.theme === f.theme)
    .sort((a, b) => a.number - b.number);
  return (
    <form
      class="stack"
      id="create-pledge"
      onSubmit={async (e) => {
        e.preventDefault();
        const args: Record<string, unknown> = {
          theme: f.theme,
          title: f.title.trim(),
          description: f.description.trim(),
          output: { indicator: f.out_i.trim(), target: f.out_t.trim() },
        };
        if (f.imp_i.trim()) args.impact = { indicator: f.imp_i.trim(), target: f.imp_t.trim() };
        if (f.commitment) args.commitment = f.commitment;
        if (f.due) args.due = f.due;
        set_outcome('sending');
        const o = await command('pledge.create', args);
        set_outcome(o);
        if (o.ok && typeof o.result.id === 'string') location.hash = href.pledge(o.result.id);
      }}
    >
      <h2>Make a pledge</h2>
      <label for="np-theme">Theme</label>
      <select id="np-theme" value={f.theme} onChange={up('theme')}>
        {themes.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      <label for="np-title">Title</label>
      <input id="np-title" required value={f.title} onInput={up('title')} />
      <label for="np-desc">Description</label>
      <textarea id="np-desc" rows={3} value={f.description} onInput={up('description')} />
      <fieldset>
        <legend>Output indicator</legend>
        <label for="np-oi">Indicator</label>
        <input id="np-oi" required value={f.out_i} onInput={up('out_i')} />
        <label for="np-ot">Target</label>
        <input id="np-ot" required value={f.out_t} onInput={up('out_t')} />
      </fieldset>
      <fieldset>
        <legend>Impact indicator (optional)</legend>
        <label for="np-ii">Indicator</label>
        <input id="np-ii" value={f.imp_i} onInput={up('imp_i')} />
        <label for="np-it">Target</label>
        <input id="np-it" value={f.imp_t} onInput={up('imp_t')} />
      </fieldset>
      <label for="np-cm">Commitment (optional)</label>
      <select id="np-cm" value={f.commitment} onChange={up('commitment')}>
        <option value="">None</option>
        {commitments.map((c) => (
          <option key={c.id} value={c.id}>
            {c.number}. {c.title}
          </option>
        ))}
      </select>
      <label for="np-due">Due (optional)</label>
      <input id="np-due" type="date" value={f.due} onInput={up('due')} />
      <button type="submit">Create pledge</button>
      <Notice outcome={outcome} />
    </form>
  );
}

export function MineView({ s }: { s: State }) {
  const user = me.value;
  if (!user) return null;
  const mine = Object.values(s.pledges)
    .filter((p) => p.org === user.org)
    .sort(by_id);
  return (
    <>
      <PageTitle>Pledges of {org_name(s, user.org)}</PageTitle>
      <PledgeTable s={s} pledges={mine} caption={`${mine.length} pledge${mine.length === 1 ? '' : 's'} of ${org_name(s, user.org)}`} show_org={false} />
      {can_create_pledge(user, s) && <CreatePledgeForm s={s} />}
    </>
  );
}
