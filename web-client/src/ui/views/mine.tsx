// My organisation's pledges, and the form to make a new one (members of endorsing
// organisations for their own org; the Secretariat for the UN's own deliverables).
import { useState } from 'preact/hooks';
import type { CommandArgs, CommandOutcome, State } from '../../sync';
import { IndicatorInputs, Notice, PageTitle, TextField } from '../components/common';
import { PledgeTable } from '../components/pledge_table';
import { by_id, can_create_pledge, org_name, sorted_themes, theme_name } from '../model';

import { command, me } from '../store';
import { href } from '../router';
import { lang, t } from '../../i18n';

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
        const args: CommandArgs['pledge.create'] = {
          theme: f.theme,
          title: f.title.trim(),
          description: f.description.trim(),
          output: { indicator: f.out_i.trim(), target: f.out_t.trim() },
        };
        if (f.imp_i.trim()) args.impact = { indicator: f.imp_i.trim(), target: f.imp_t.trim() };
        if (f.commitment) args.commitment = f.commitment;
        if (f.due) args.due = f.due;
        args.lang = lang.value;
        set_outcome('sending');
        const o = await command('pledge.create', args);
        set_outcome(o);
        if (o.ok && typeof o.result.id === 'string') location.hash = href.pledge(o.result.id);
      }}
    >
      <h2>{t('mine.make')}</h2>
      <label for="np-theme">{t('disc.theme')}</label>
      <select id="np-theme" value={f.theme} onChange={up('theme')}>
        {themes.map((th) => (
          <option key={th.id} value={th.id}>
            {theme_name(s, th.id)}
          </option>
        ))}
      </select>
      <TextField id="np-title" label={t('field.title')} required value={f.title} on_input={up('title')} />
      <TextField id="np-desc" label={t('field.description')} rows={3} value={f.description} on_input={up('description')} />
      <IndicatorInputs prefix="np-" impact_legend={t('mine.impact_optional')} d={f} up={up} />
      <label for="np-cm">{t('mine.commitment_optional')}</label>
      <select id="np-cm" value={f.commitment} onChange={up('commitment')}>
        <option value="">{t('gaps.none_option')}</option>
        {commitments.map((c) => (
          <option key={c.id} value={c.id}>
            {c.number}. {c.title}
          </option>
        ))}
      </select>
      <label for="np-due">{t('actions.due_optional')}</label>
      <input id="np-due" type="date" value={f.due} onInput={up('due')} />
      <button type="submit">{t('mine.create')}</button>
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
      <PageTitle>{t('mine.title', { org: org_name(s, user.org) })}</PageTitle>
      <PledgeTable s={s} pledges={mine} caption={t('mine.caption', { n: mine.length, org: org_name(s, user.org) })} show_org={false} />
      {can_create_pledge(user, s) && <CreatePledgeForm s={s} />}
    </>
  );
}
