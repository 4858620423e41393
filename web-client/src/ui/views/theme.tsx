// Theme page: commitments; gaps, then the actions that answer them, then the pledges behind
// those actions (a gap with no pledge stands out); champions; discussions, with the convene
// form for champions of the theme and the Secretariat. The Secretariat edits commitments and
// gaps; the Secretariat and the theme's champions edit actions (all with the conflict view of
// components/versioned_edit.tsx). One edit form is open at a time.
import { useState } from 'preact/hooks';
import type { Action, CommandOutcome, Commitment, Gap, Pledge, State } from '../../sync';
import { Notice, NotFound, PageTitle, StatusBadge, TextField } from '../components/common';
import type { EditSpec } from '../components/versioned_edit';
import { show_value, VersionedEdit } from '../components/versioned_edit';
import {
  by_id,
  can_add_action,
  can_convene,
  can_take_up,
  champions_of,
  is_secretariat,
  org_name,
} from '../model';
import { command, me } from '../store';
import { href } from '../router';

function PledgeLinks({ s, pledges }: { s: State; pledges: Pledge[] }) {
  if (!pledges.length) return null;
  return (
    <ul class="pledge-links">
      {pledges.map((p) => (
        <li key={p.id}>
          <a href={href.pledge(p.id)}>{p.title}</a> <span class="muted">({org_name(s, p.org)})</span> <StatusBadge status={p.status} />
        </li>
      ))}
    </ul>
  );
}

// ---- editing commitments, gaps and actions -----------------------------------------

/** Which edit form is open: `commitment:<id>`, `gap:<id>` or `action:<id>`, or null. */
interface Editing {
  open: string | null;
  set: (key: string | null) => void;
}

type GapKey = 'title' | 'description';
const gap_labels: Record<GapKey, string> = { title: 'Title', description: 'Description' };
const gap_draft = (g: Gap) => ({ title: g.title, description: g.description });
const gap_values = (d: ReturnType<typeof gap_draft>): Record<GapKey, unknown> => ({ ...d });

const gap_edit: EditSpec<Gap, ReturnType<typeof gap_draft>, GapKey> = {
  noun: 'gap',
  level: 4,
  labels: gap_labels,
  draft_of: gap_draft,
  values_of: gap_values,
};

function EditGap({ g, on_close }: { g: Gap; on_close: () => void }) {
  return (
    <VersionedEdit {...gap_edit} entity={g} on_close={on_close}>
      {(d, up) => (
        <>
          <TextField id="eg-title" label="Title" required value={d.title} on_input={up('title')} />
          <TextField
            id="eg-desc"
            label="Description"
            rows={3}
            required
            value={d.description}
            on_input={up('description')}
          />
        </>
      )}
    </VersionedEdit>
  );
}

type ActionKey = 'title' | 'kind' | 'gap' | 'due';
const action_labels: Record<ActionKey, string> = { title: 'Title', kind: 'Kind', gap: 'Answers gap', due: 'Due' };
const action_draft = (a: Action) => ({ title: a.title, kind: a.kind, gap: a.gap ?? '', due: a.due ?? '' });
const action_values = (d: ReturnType<typeof action_draft>): Record<ActionKey, unknown> => ({
  title: d.title,
  kind: d.kind,
  gap: d.gap || null,
  due: d.due || null,
});

const action_edit: EditSpec<Action, ReturnType<typeof action_draft>, ActionKey> = {
  noun: 'action',
  level: 4,
  labels: action_labels,
  draft_of: action_draft,
  values_of: action_values,
};

function EditAction({ s, a, gaps, on_close }: { s: State; a: Action; gaps: Gap[]; on_close: () => void }) {
  // A gap is shown by its title in the conflict view.
  const show = (v: unknown, k: ActionKey) =>
    k === 'gap' && typeof v === 'string' ? s.gaps[v]?.title ?? v : show_value(v);
  return (
    <VersionedEdit {...action_edit} entity={a} show={show} on_close={on_close}>
      {(d, up) => (
        <>
          <TextField id="ea-title" label="Title" required value={d.title} on_input={up('title')} />
          <label for="ea-kind">Kind</label>
          <select id="ea-kind" value={d.kind} onChange={up('kind')}>
            <option value="concrete">Concrete</option>
            <option value="broad">Broad</option>
          </select>
          <label for="ea-gap">Answers gap</label>
          <select id="ea-gap" value={d.gap} onChange={up('gap')}>
            <option value="">None</option>
            {gaps.map((g) => (
              <option key={g.id} value={g.id}>
                {g.title}
              </option>
            ))}
          </select>
          <label for="ea-due">Due (optional)</label>
          <input id="ea-due" type="date" value={d.due} onInput={up('due')} />
        </>
      )}
    </VersionedEdit>
  );
}

type CommitmentKey = 'title' | 'number' | 'responsibility';
const commitment_labels: Record<CommitmentKey, string> = {
  title: 'Title',
  number: 'Number',
  responsibility: 'Responsibility',
};
/** The readable name of each `responsibility` value (protocol/README.md, `commitment.add`). */
const responsibilities: Record<string, string> = {
  member_states: 'Member States',
  secretary_general: 'Secretary-General',
  shared: 'Shared',
};
const responsibility_name = (r: string) => responsibilities[r] ?? r;
const commitment_draft = (c: Commitment) => ({ title: c.title, number: String(c.number), responsibility: c.responsibility });
const commitment_values = (d: ReturnType<typeof commitment_draft>): Record<CommitmentKey, unknown> => ({
  title: d.title,
  number: Number(d.number),
  responsibility: d.responsibility,
});
const commitment_edit: EditSpec<Commitment, ReturnType<typeof commitment_draft>, CommitmentKey> = {
  noun: 'commitment',
  level: 3,
  labels: commitment_labels,
  draft_of: commitment_draft,
  values_of: commitment_values,
};

function EditCommitment({ c, on_close }: { c: Commitment; on_close: () => void }) {
  // The responsibility is shown by its readable name in the conflict view.
  const show = (v: unknown, k: CommitmentKey) =>
    k === 'responsibility' && typeof v === 'string' ? responsibility_name(v) : show_value(v);
  return (
    <VersionedEdit {...commitment_edit} entity={c} show={show} on_close={on_close}>
      {(d, up) => (
        <>
          <TextField id="ec-title" label="Title" required value={d.title} on_input={up('title')} />
          <label for="ec-number">Number (1 to 1000)</label>
          <input id="ec-number" type="number" min={1} max={1000} step={1} required value={d.number} onInput={up('number')} />
          <label for="ec-resp">Responsibility</label>
          <select id="ec-resp" value={d.responsibility} onChange={up('responsibility')}>
            {Object.entries(responsibilities).map(([value, name]) => (
              <option key={value} value={value}>
                {name}
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
  return (
    <li class="commitment" data-commitment-id={c.id}>
      <strong>{c.number}.</strong> {c.title} <span class="muted">({responsibility_name(c.responsibility)})</span>
      {is_secretariat(me.value) &&
        (editing.open === key ? (
          <EditCommitment key={key} c={c} on_close={() => editing.set(null)} />
        ) : (
          <>
            {' '}
            <EditButton what="commitment" title={c.title} on_click={() => editing.set(key)} />
          </>
        ))}
    </li>
  );
}

function EditButton(props: { what: 'commitment' | 'gap' | 'action'; title: string; on_click: () => void }) {
  const { what, title, on_click } = props;
  return (
    <button type="button" class={`edit-${what}-button`} aria-label={`Edit ${what}: ${title}`} onClick={on_click}>
      Edit
    </button>
  );
}

function ActionItem(props: { s: State; a: Action; pledges: Pledge[]; gaps: Gap[]; editing: Editing }) {
  const { s, a, pledges, editing } = props;
  const user = me.value;
  const taken = !!user && a.taken_up_by.includes(user.org);
  const key = `action:${a.id}`;
  return (
    <li class="action" data-action-id={a.id}>
      <p>
        <strong>Action:</strong> {a.title} <span class="badge">{a.kind}</span>
        {a.due && <span class="muted"> · due {a.due}</span>}
      </p>
      <p class="muted">
        Taken up by: {a.taken_up_by.length ? a.taken_up_by.map((o) => org_name(s, o)).join(', ') : 'nobody yet'}
      </p>
      {can_take_up(user, s) && !taken && (
        <button type="button" onClick={() => void command('action.take_up', { id: a.id })}>
          Take up this action
        </button>
      )}
      {can_add_action(user, s, a.theme) &&
        (editing.open === key ? (
          <EditAction key={key} s={s} a={a} gaps={props.gaps} on_close={() => editing.set(null)} />
        ) : (
          <>
            {' '}
            <EditButton what="action" title={a.title} on_click={() => editing.set(key)} />
          </>
        ))}
      <PledgeLinks s={s} pledges={pledges} />
    </li>
  );
}

function SmallForm(props: {
  title: string;
  fields: { key: string; label: string; type?: string; options?: [string, string][]; required?: boolean }[];
  submit_label: string;
  on_submit: (v: Record<string, string>) => Promise<CommandOutcome>;
  id: string;
}) {
  const [v, set_v] = useState<Record<string, string>>(
    Object.fromEntries(props.fields.map((f) => [f.key, f.options?.[0]?.[0] ?? ''])),
  );
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  return (
    <form
      class="stack"
      id={props.id}
      onSubmit={async (e) => {
        e.preventDefault();
        set_outcome('sending');
        const o = await props.on_submit(v);
        set_outcome(o);
        if (o.ok) set_v(Object.fromEntries(props.fields.map((f) => [f.key, f.options?.[0]?.[0] ?? ''])));
      }}
    >
      <h3>{props.title}</h3>
      {props.fields.map((f) => {
        const fid = `${props.id}-${f.key}`;
        const on = (e: Event) => set_v({ ...v, [f.key]: (e.currentTarget as HTMLInputElement).value });
        return (
          <div key={f.key} class="field">
            <label for={fid}>{f.label}</label>
            {f.options ? (
              <select id={fid} value={v[f.key]} onChange={on}>
                {f.options.map(([val, label]) => (
                  <option key={val} value={val}>
                    {label}
                  </option>
                ))}
              </select>
            ) : f.type === 'textarea' ? (
              <textarea id={fid} rows={2} value={v[f.key]} required={f.required} onInput={on} />
            ) : (
              <input id={fid} type={f.type ?? 'text'} value={v[f.key]} required={f.required} onInput={on} />
            )}
          </div>
        );
      })}
      <button type="submit">{props.submit_label}</button>
      <Notice outcome={outcome} />
    </form>
  );
}

export function ThemeView({ s, id }: { s: State; id: string }) {
  const [open_edit, set_open_edit] = useState<string | null>(null);
  const editing: Editing = { open: open_edit, set: set_open_edit };
  const t = s.themes[id];
  if (!t) return <NotFound what={`Theme ${id}`} />;
  const user = me.value;
  const commitments = Object.values(s.commitments)
    .filter((c) => c.theme === id)
    .sort((a, b) => a.number - b.number);
  const gaps = Object.values(s.gaps).filter((g) => g.theme === id).sort(by_id);
  const actions = Object.values(s.actions).filter((a) => a.theme === id).sort(by_id);
  const pledges = Object.values(s.pledges).filter((p) => p.theme === id).sort(by_id);
  const pledges_for = (a: Action) => pledges.filter((p) => p.actions.includes(a.id));
  const loose_actions = actions.filter((a) => !a.gap || !s.gaps[a.gap]);
  const linked = new Set(actions.flatMap((a) => pledges_for(a).map((p) => p.id)));
  const loose_pledges = pledges.filter((p) => !linked.has(p.id));
  const champs = Object.values(s.champions).filter((c) => c.theme === id);
  const discussions = Object.values(s.discussions).filter((d) => d.theme === id).sort(by_id);
  const orgs = Object.values(s.orgs).filter((o) => o.kind !== 'secretariat').sort((a, b) => a.id.localeCompare(b.id));
  return (
    <>
      <PageTitle>{t.name}</PageTitle>
      {t.note && <p class="muted">{t.note}</p>}
      <div class="two-col">
        <section aria-labelledby="champ-h">
          <h2 id="champ-h">Champions</h2>
          {champs.length === 0 ? (
            <p class="gap-text">No champion yet.</p>
          ) : (
            <ul>
              {champs.map((c) => (
                <li key={c.id}>
                  <strong>{org_name(s, c.org)}</strong>
                  {c.offer ? `: ${c.offer}` : ''}
                  {is_secretariat(user) && (
                    <>
                      {' '}
                      <button
                        type="button"
                        class="link-button"
                        aria-label={`Withdraw ${org_name(s, c.org)} as champion`}
                        onClick={() => void command('champion.withdraw', { org: c.org, theme: id })}
                      >
                        Withdraw
                      </button>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          {is_secretariat(user) && (
            <SmallForm
              id="assign-champion"
              title="Assign a champion"
              submit_label="Assign"
              fields={[
                {
                  key: 'org',
                  label: 'Organisation',
                  options: orgs
                    .filter((o) => !champs.some((c) => c.org === o.id))
                    .map((o) => [o.id, `${o.name} (${o.id})`] as [string, string]),
                },
              ]}
              on_submit={(v) => command('champion.assign', { org: v.org, theme: id })}
            />
          )}
        </section>
        <section aria-labelledby="cm-h">
          <h2 id="cm-h">Commitments</h2>
          {commitments.length === 0 ? (
            <p>No commitments recorded for this theme.</p>
          ) : (
            <ol class="plain">
              {commitments.map((c) => (
                <CommitmentItem key={c.id} c={c} editing={editing} />
              ))}
            </ol>
          )}
        </section>
      </div>

      <section aria-labelledby="gaps-h">
        <h2 id="gaps-h">Gaps, actions and pledges</h2>
        {gaps.length === 0 && <p>No gaps recorded.</p>}
        <ul class="plain">
          {gaps.map((g) => {
            const acts = actions.filter((a) => a.gap === g.id);
            const n = acts.reduce((acc, a) => acc + pledges_for(a).length, 0);
            return (
              <li key={g.id} class={`gap${n === 0 ? ' gap-unanswered' : ''}`} data-gap-id={g.id}>
                <h3>
                  Gap: {g.title}
                  {n === 0 && <span class="badge badge-gap">No pledge yet</span>}
                </h3>
                <p>{g.description}</p>
                {is_secretariat(user) &&
                  (open_edit === `gap:${g.id}` ? (
                    <EditGap key={`gap:${g.id}`} g={g} on_close={() => set_open_edit(null)} />
                  ) : (
                    <p>
                      <EditButton what="gap" title={g.title} on_click={() => set_open_edit(`gap:${g.id}`)} />
                    </p>
                  ))}
                {acts.length === 0 ? <p class="muted">No action answers this gap yet.</p> : (
                  <ul class="plain">
                    {acts.map((a) => (
                      <ActionItem key={a.id} s={s} a={a} pledges={pledges_for(a)} gaps={gaps} editing={editing} />
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
        {loose_actions.length > 0 && (
          <>
            <h3>Actions not tied to a gap</h3>
            <ul class="plain">
              {loose_actions.map((a) => (
                <ActionItem key={a.id} s={s} a={a} pledges={pledges_for(a)} gaps={gaps} editing={editing} />
              ))}
            </ul>
          </>
        )}
        <h3>Other pledges in this theme</h3>
        {loose_pledges.length ? <PledgeLinks s={s} pledges={loose_pledges} /> : <p class="muted">None.</p>}
        <div class="two-col">
          {is_secretariat(user) && (
            <SmallForm
              id="add-gap"
              title="Record a gap"
              submit_label="Add gap"
              fields={[
                { key: 'title', label: 'Gap title', required: true },
                { key: 'description', label: 'Description', type: 'textarea', required: true },
              ]}
              on_submit={(v) => command('gap.add', { theme: id, title: v.title!, description: v.description! })}
            />
          )}
          {can_add_action(user, s, id) && (
            <SmallForm
              id="add-action"
              title="Add an action"
              submit_label="Add action"
              fields={[
                { key: 'title', label: 'Action title', required: true },
                { key: 'kind', label: 'Kind', options: [['concrete', 'Concrete'], ['broad', 'Broad']] },
                { key: 'gap', label: 'Answers gap', options: [['', 'None'], ...gaps.map((g) => [g.id, g.title] as [string, string])] },
                { key: 'due', label: 'Due (optional)', type: 'date' },
              ]}
              on_submit={(v) => {
                const args: Record<string, unknown> = { theme: id, title: v.title, kind: v.kind };
                if (v.gap) args.gap = v.gap;
                if (v.due) args.due = v.due;
                return command('action.add', args);
              }}
            />
          )}
        </div>
      </section>

      <section aria-labelledby="disc-h">
        <h2 id="disc-h">Discussions</h2>
        {discussions.length === 0 ? (
          <p>No discussions yet.</p>
        ) : (
          <ul>
            {discussions.map((d) => (
              <li key={d.id}>
                <a href={href.discussion(d.id)}>{d.title}</a>{' '}
                <span class="muted">
                  ({d.state}, {d.visibility}, convened by {org_name(s, d.convener)})
                </span>
              </li>
            ))}
          </ul>
        )}
        {can_convene(user, s, id) && (
          <SmallForm
            id="convene"
            title="Convene a discussion"
            submit_label="Convene"
            fields={[
              { key: 'title', label: 'Discussion title', required: true },
              { key: 'agenda', label: 'Agenda', type: 'textarea', required: true },
              { key: 'visibility', label: 'Visibility', options: [['open', 'Open to all'], ['restricted', 'Restricted to invitees']] },
              { key: 'invitees', label: 'Invitees (organisation codes, comma separated)' },
            ]}
            on_submit={async (v) => {
              const invitees = (v.invitees ?? '')
                .split(',')
                .map((x) => x.trim().toUpperCase())
                .filter(Boolean);
              const o = await command('discussion.convene', {
                theme: id,
                title: v.title,
                agenda: v.agenda,
                visibility: v.visibility,
                invitees,
              });
              if (o.ok && typeof o.result.id === 'string') location.hash = href.discussion(o.result.id);
              return o;
            }}
          />
        )}
        {champions_of(s, id).length === 0 && orgs.length > 0 && (
          <p class="muted">This theme has no champion to convene discussions yet.</p>
        )}
      </section>
    </>
  );
}
