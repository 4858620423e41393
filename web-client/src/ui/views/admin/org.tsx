// Administration, one organisation: edit its name, region and groups (org.update with only
// the changed fields), endorse it or withdraw the endorsement, and see its users.
import { useState } from 'preact/hooks';
import type { CommandOutcome, Org, State } from '../../../sync';
import { Notice, SaveOrCancel } from '../../components/common';
import { regions } from '../../model';
import { href } from '../../router';
import { command } from '../../store';
import { org_changes, org_draft, org_kind_names, type OrgKind } from './model';
import { AdminPage } from './page';
import { GroupsInput, RegionSelect } from './orgs';

type Outcome = CommandOutcome | null | 'sending';

function EditOrgForm({ o }: { o: Org }) {
  const [d, set_d] = useState(() => org_draft(o));
  const [outcome, set_outcome] = useState<Outcome>(null);
  const [problem, set_problem] = useState('');
  return (
    <form
      class="stack"
      id="edit-org-form"
      aria-labelledby="edit-org-h"
      onSubmit={async (e) => {
        e.preventDefault();
        const c = org_changes(o, d);
        set_problem(Object.keys(c).length ? '' : 'Nothing to save: no field was changed.');
        if (!Object.keys(c).length) return;
        set_outcome('sending');
        const { region, ...rest } = c;
        const changes = region === undefined ? rest : { ...rest, region: region as (typeof regions)[number] | null };
        set_outcome(await command('org.update', { id: o.id, changes, base_version: o.version }));
      }}
    >
      <h2 id="edit-org-h">Edit</h2>
      <label for="edit-org-name">Name</label>
      <input id="edit-org-name" required maxLength={200} value={d.name} onInput={(e) => set_d({ ...d, name: e.currentTarget.value })} />
      <RegionSelect id="edit-org-region" value={d.region} on_change={(v) => set_d({ ...d, region: v })} />
      <GroupsInput id="edit-org-groups" value={d.groups} on_input={(v) => set_d({ ...d, groups: v })} />
      <p role="alert" class="err">
        {problem}
      </p>
      <SaveOrCancel label="Save changes" on_cancel={() => set_d(org_draft(o))} outcome={outcome} />
    </form>
  );
}

function Endorsement({ o }: { o: Org }) {
  const [outcome, set_outcome] = useState<Outcome>(null);
  return (
    <section aria-labelledby="endorse-h">
      <h2 id="endorse-h">Endorsement</h2>
      <p id="endorse-state">
        {o.endorsed
          ? `${o.name} endorses the Declaration: its members may make pledges and take up actions.`
          : `${o.name} does not endorse the Declaration: its members cannot make pledges or take up actions.`}
      </p>
      <button
        type="button"
        onClick={async () => {
          set_outcome('sending');
          set_outcome(await command('org.update', { id: o.id, changes: { endorsed: !o.endorsed }, base_version: o.version }));
        }}
      >
        {o.endorsed ? 'Withdraw endorsement' : 'Record endorsement'}
      </button>
      <Notice outcome={outcome} />
    </section>
  );
}

export function AdminOrgView({ s, id }: { s: State; id: string }) {
  const o = s.orgs[id];
  const users = Object.values(s.users)
    .filter((u) => u.org === id)
    .sort((a, b) => a.id.localeCompare(b.id));
  return (
    <AdminPage title={o ? `Organisation: ${o.name}` : 'Organisation not found'} tab="orgs">
      {!o ? (
        <p>
          There is no organisation {id}. <a href={href.admin_orgs()}>All organisations</a>
        </p>
      ) : (
        <>
          <p class="meta">
            Code {o.id} · {org_kind_names[o.kind as OrgKind] ?? o.kind} · version {o.version} ·{' '}
            <a href={href.admin_orgs()}>All organisations</a>
          </p>
          <EditOrgForm o={o} />
          <Endorsement o={o} />
          <section aria-labelledby="org-users-h">
            <h2 id="org-users-h">Users of {o.name}</h2>
            {users.length ? (
              <ul>
                {users.map((u) => (
                  <li key={u.id}>
                    <a href={href.admin_user(u.id)}>{u.name}</a> ({u.id}, {u.role})
                  </li>
                ))}
              </ul>
            ) : (
              <p>
                None yet. <a href={href.admin_users()}>Add a user</a>
              </p>
            )}
          </section>
        </>
      )}
    </AdminPage>
  );
}
