// Administration, organisations: the searchable list and the form that adds one (org.add).
import { useState } from 'preact/hooks';
import type { CommandOutcome, State } from '../../../sync';
import { Notice } from '../../components/common';
import { region_name, regions } from '../../model';
import { t } from '../../../i18n';
import { href } from '../../router';
import { command } from '../../store';
import { filter_orgs, org_add_problem, org_kind_name, org_kinds, parse_groups, type OrgKind } from './model';
import { AdminPage, SearchBox } from './page';

/** The region choice of the add and edit forms ('' = none). */
export function RegionSelect(props: { id: string; value: string; on_change: (v: string) => void }) {
  return (
    <>
      <label for={props.id}>{t('overview.region')}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.on_change(e.currentTarget.value)}>
        <option value="">{t('gaps.none_option')}</option>
        {regions.map((r) => (
          <option key={r} value={r}>
            {region_name(r)} ({r})
          </option>
        ))}
      </select>
    </>
  );
}

export function GroupsInput(props: { id: string; value: string; on_input: (v: string) => void }) {
  return (
    <>
      <label for={props.id}>{t('admin.groups')}</label>
      <input id={props.id} value={props.value} aria-describedby={`${props.id}-hint`} onInput={(e) => props.on_input(e.currentTarget.value)} />
      <p class="muted" id={`${props.id}-hint`}>
        {t('admin.groups_hint')}
      </p>
    </>
  );
}

function AddOrgForm() {
  const [id, set_id] = useState('');
  const [name, set_name] = useState('');
  const [kind, set_kind] = useState<OrgKind>('member_state');
  const [region, set_region] = useState('');
  const [groups, set_groups] = useState('');
  const [endorsed, set_endorsed] = useState(true);
  const [problem, set_problem] = useState<string | null>(null);
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  return (
    <form
      class="stack"
      id="add-org-form"
      aria-labelledby="add-org-h"
      onSubmit={async (e) => {
        e.preventDefault();
        const gs = parse_groups(groups);
        const p = org_add_problem(id.trim(), name, gs);
        set_problem(p);
        if (p) return;
        set_outcome('sending');
        const o = await command('org.add', {
          id: id.trim(),
          name: name.trim(),
          kind,
          region: region ? (region as (typeof regions)[number]) : null,
          groups: gs,
          endorsed,
        });
        set_outcome(o);
        if (o.ok) {
          set_id('');
          set_name('');
          set_groups('');
          set_region('');
        }
      }}
    >
      <h2 id="add-org-h">{t('admin.add_org_h')}</h2>
      <label for="org-id">{t('admin.code')}</label>
      <input id="org-id" required maxLength={16} value={id} aria-describedby="org-id-hint" onInput={(e) => set_id(e.currentTarget.value)} />
      <p class="muted" id="org-id-hint">
        {t('admin.code_hint')}
      </p>
      <label for="org-name">{t('rounds.name')}</label>
      <input id="org-name" required maxLength={200} value={name} onInput={(e) => set_name(e.currentTarget.value)} />
      <label for="org-kind">{t('field.kind')}</label>
      <select
        id="org-kind"
        value={kind}
        onChange={(e) => {
          const k = e.currentTarget.value as OrgKind;
          set_kind(k);
          set_endorsed(k !== 'secretariat');
        }}
      >
        {org_kinds.map((k) => (
          <option key={k} value={k}>
            {org_kind_name(k)}
          </option>
        ))}
      </select>
      <RegionSelect id="org-region" value={region} on_change={set_region} />
      <GroupsInput id="org-groups" value={groups} on_input={set_groups} />
      <label class="radio">
        <input type="checkbox" checked={endorsed} onChange={(e) => set_endorsed(e.currentTarget.checked)} /> {t('admin.endorses_box')}
      </label>
      <button type="submit">{t('admin.add_org')}</button>
      <p role="alert" class="err">
        {problem ?? ''}
      </p>
      <Notice outcome={outcome} />
    </form>
  );
}

export function AdminOrgsView({ s }: { s: State }) {
  const [q, set_q] = useState('');
  const all = Object.values(s.orgs);
  const shown = filter_orgs(all, q);
  return (
    <AdminPage title={t('admin.orgs_title')} tab="orgs">
      <AddOrgForm />
      <section aria-labelledby="orgs-h">
        <h2 id="orgs-h">{t('admin.orgs')}</h2>
        <SearchBox id="org-search" label={t('admin.org_search')} value={q} on_input={set_q} shown={shown.length} total={all.length} />
        <div class="table-scroll">
          <table id="org-table">
            <caption class="visually-hidden">{t('admin.orgs')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.code')}</th>
                <th scope="col">{t('rounds.name')}</th>
                <th scope="col">{t('field.kind')}</th>
                <th scope="col">{t('overview.region')}</th>
                <th scope="col">{t('admin.groups')}</th>
                <th scope="col">{t('admin.endorsed')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((o) => (
                <tr key={o.id} data-org={o.id}>
                  <td>{o.id}</td>
                  <th scope="row">
                    <a href={href.admin_org(o.id)}>{o.name}</a>
                  </th>
                  <td>{org_kind_name(o.kind)}</td>
                  <td>{o.region ?? '–'}</td>
                  <td>{o.groups.join(', ') || '–'}</td>
                  <td>{o.endorsed ? t('rounds.yes') : t('admin.no')}</td>

                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </AdminPage>
  );
}
