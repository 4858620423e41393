// Administration, one organisation: edit its name, region and groups (org.update with only
// the changed fields), endorse it or withdraw the endorsement, and see its users.
import { useState } from 'preact/hooks';
import type { CommandOutcome, Org, State } from '../../../sync';
import { Notice, SaveOrCancel } from '../../components/common';
import { regions } from '../../model';
import { href } from '../../router';
import { command } from '../../store';
import { org_changes, org_draft, org_kind_name, role_name } from './model';
import { t } from '../../../i18n';
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
        set_problem(Object.keys(c).length ? '' : t('admin.nothing'));
        if (!Object.keys(c).length) return;
        set_outcome('sending');
        const { region, ...rest } = c;
        const changes = region === undefined ? rest : { ...rest, region: region as (typeof regions)[number] | null };
        set_outcome(await command('org.update', { id: o.id, changes, base_version: o.version }));
      }}
    >
      <h2 id="edit-org-h">{t('edit.button')}</h2>
      <label for="edit-org-name">{t('rounds.name')}</label>
      <input id="edit-org-name" required maxLength={200} value={d.name} onInput={(e) => set_d({ ...d, name: e.currentTarget.value })} />
      <RegionSelect id="edit-org-region" value={d.region} on_change={(v) => set_d({ ...d, region: v })} />
      <GroupsInput id="edit-org-groups" value={d.groups} on_input={(v) => set_d({ ...d, groups: v })} />
      <p role="alert" class="err">
        {problem}
      </p>
      <SaveOrCancel label={t('edit.save')} on_cancel={() => set_d(org_draft(o))} outcome={outcome} />
    </form>
  );
}

function Endorsement({ o }: { o: Org }) {
  const [outcome, set_outcome] = useState<Outcome>(null);
  return (
    <section aria-labelledby="endorse-h">
      <h2 id="endorse-h">{t('admin.endorsement')}</h2>
      <p id="endorse-state">{o.endorsed ? t('admin.endorses', { org: o.name }) : t('admin.not_endorses', { org: o.name })}
      </p>
      <button
        type="button"
        onClick={async () => {
          set_outcome('sending');
          set_outcome(await command('org.update', { id: o.id, changes: { endorsed: !o.endorsed }, base_version: o.version }));
        }}
      >
        {o.endorsed ? t('admin.withdraw_endorsement') : t('admin.record_endorsement')}
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
    <AdminPage title={o ? t('admin.org_title', { name: o.name }) : t('admin.org_not_found')} tab="orgs">
      {!o ? (
        <p>
          {t('admin.no_org', { id })} <a href={href.admin_orgs()}>{t('overview.all_orgs')}</a>
        </p>
      ) : (
        <>
          <p class="meta">
            {t('admin.org_meta', { code: o.id, kind: org_kind_name(o.kind), version: o.version })} ·{' '}
            <a href={href.admin_orgs()}>{t('overview.all_orgs')}</a>
          </p>
          <EditOrgForm o={o} />
          <Endorsement o={o} />
          <section aria-labelledby="org-users-h">
            <h2 id="org-users-h">{t('admin.users_of', { org: o.name })}</h2>
            {users.length ? (
              <ul>
                {users.map((u) => (
                  <li key={u.id}>
                    <a href={href.admin_user(u.id)}>{u.name}</a> ({u.id}, {role_name(u.role)})
                  </li>
                ))}
              </ul>
            ) : (
              <p>
                {t('deliv.none')} <a href={href.admin_users()}>{t('admin.add_user_link')}</a>

              </p>
            )}
          </section>
        </>
      )}
    </AdminPage>
  );
}
