// Administration, organisations: the searchable list and the form that adds one (org.add).
import { useState } from 'preact/hooks';
import type { CommandOutcome, State } from '../../../sync';
import { Notice } from '../../components/common';
import { region_names, regions } from '../../model';
import { href } from '../../router';
import { command } from '../../store';
import { filter_orgs, org_add_problem, org_kind_names, org_kinds, parse_groups, type OrgKind } from './model';
import { AdminPage, SearchBox } from './page';

/** The region choice of the add and edit forms ('' = none). */
export function RegionSelect(props: { id: string; value: string; on_change: (v: string) => void }) {
  return (
    <>
      <label for={props.id}>Region</label>
      <select id={props.id} value={props.value} onChange={(e) => props.on_change(e.currentTarget.value)}>
        <option value="">None</option>
        {regions.map((r) => (
          <option key={r} value={r}>
            {region_names[r]} ({r})
          </option>
        ))}
      </select>
    </>
  );
}

export function GroupsInput(props: { id: string; value: string; on_input: (v: string) => void }) {
  return (
    <>
      <label for={props.id}>Groups</label>
      <input id={props.id} value={props.value} aria-describedby={`${props.id}-hint`} onInput={(e) => props.on_input(e.currentTarget.value)} />
      <p class="muted" id={`${props.id}-hint`}>
        Codes separated by commas, e.g. G10, TCC, PCC, host, P5.
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
      <h2 id="add-org-h">Add an organisation</h2>
      <label for="org-id">Code</label>
      <input id="org-id" required maxLength={16} value={id} aria-describedby="org-id-hint" onInput={(e) => set_id(e.currentTarget.value)} />
      <p class="muted" id="org-id-hint">
        ISO 3166-1 alpha-3 for a Member State (e.g. NOR), a short code otherwise; it cannot be changed later.
      </p>
      <label for="org-name">Name</label>
      <input id="org-name" required maxLength={200} value={name} onInput={(e) => set_name(e.currentTarget.value)} />
      <label for="org-kind">Kind</label>
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
            {org_kind_names[k]}
          </option>
        ))}
      </select>
      <RegionSelect id="org-region" value={region} on_change={set_region} />
      <GroupsInput id="org-groups" value={groups} on_input={set_groups} />
      <label class="radio">
        <input type="checkbox" checked={endorsed} onChange={(e) => set_endorsed(e.currentTarget.checked)} /> Endorses the Declaration
      </label>
      <button type="submit">Add organisation</button>
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
    <AdminPage title="Administration: organisations" tab="orgs">
      <AddOrgForm />
      <section aria-labelledby="orgs-h">
        <h2 id="orgs-h">Organisations</h2>
        <SearchBox id="org-search" label="Search organisations (code, name, region, group)" value={q} on_input={set_q} shown={shown.length} total={all.length} />
        <div class="table-scroll">
          <table id="org-table">
            <caption class="visually-hidden">Organisations</caption>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Region</th>
                <th scope="col">Groups</th>
                <th scope="col">Endorsed</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((o) => (
                <tr key={o.id} data-org={o.id}>
                  <td>{o.id}</td>
                  <th scope="row">
                    <a href={href.admin_org(o.id)}>{o.name}</a>
                  </th>
                  <td>{org_kind_names[o.kind as OrgKind] ?? o.kind}</td>
                  <td>{o.region ?? '–'}</td>
                  <td>{o.groups.join(', ') || '–'}</td>
                  <td>{o.endorsed ? 'Yes' : 'No'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </AdminPage>
  );
}
