// Pledge page: output and impact indicators side by side; the report history with evidence
// and attribution; comments; the edit form with its conflict view (their values beside
// yours, pick per field, resubmit on the new base_version); the progress report form.
import { useState } from 'preact/hooks';
import type { CommandOutcome, Indicator, Pledge, State } from '../../sync';
import { pledge_statuses } from '../../sync';
import { Comments } from '../components/comments';
import { Notice, NotFound, PageTitle, Progress, SaveOrCancel, StatusBadge } from '../components/common';
import { Opinions } from '../components/opinions';
import { can_edit_pledge, org_name, safe_url, short_date, sorted_rounds, status_label } from '../model';
import { command, me } from '../store';
import { href } from '../router';

function IndicatorBox({ title, ind }: { title: string; ind: Indicator | null }) {
  return (
    <section class="card indicator" aria-label={title}>
      <h2>{title}</h2>
      {ind ? (
        <dl>
          <dt>Indicator</dt>
          <dd>{ind.indicator}</dd>
          <dt>Target</dt>
          <dd>{ind.target}</dd>
        </dl>
      ) : (
        <p class="muted">No impact indicator set.</p>
      )}
    </section>
  );
}

// ---- editing with conflict resolution ------------------------------------------------

type FieldKey = 'title' | 'description' | 'due' | 'output' | 'impact';
const field_labels: Record<FieldKey, string> = {
  title: 'Title',
  description: 'Description',
  due: 'Due',
  output: 'Output indicator',
  impact: 'Impact indicator',
};
interface Draft {
  title: string;
  description: string;
  due: string;
  out_i: string;
  out_t: string;
  imp_i: string;
  imp_t: string;
}
function draft_of(p: Pledge): Draft {
  return {
    title: p.title,
    description: p.description,
    due: p.due ?? '',
    out_i: p.output?.indicator ?? '',
    out_t: p.output?.target ?? '',
    imp_i: p.impact?.indicator ?? '',
    imp_t: p.impact?.target ?? '',
  };
}
function values_of(d: Draft): Record<FieldKey, unknown> {
  return {
    title: d.title,
    description: d.description,
    due: d.due || null,
    output: { indicator: d.out_i, target: d.out_t },
    impact: d.imp_i || d.imp_t ? { indicator: d.imp_i, target: d.imp_t } : null,
  };
}
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  if (typeof v === 'object') {
    const i = v as Partial<Indicator>;
    return `${i.indicator ?? ''} → ${i.target ?? ''}`;
  }
  return String(v);
}

interface Conflict {
  current: Pledge;
  yours: Partial<Record<FieldKey, unknown>>;
  pick: Partial<Record<FieldKey, 'theirs' | 'yours'>>;
}

function EditForm({ p, on_close }: { p: Pledge; on_close: () => void }) {
  const [base, set_base] = useState<Pledge>(p);
  const [draft, set_draft] = useState<Draft>(draft_of(p));
  const [conflict, set_conflict] = useState<Conflict | null>(null);
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const up = (k: keyof Draft) => (e: Event) => set_draft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });

  const send = async (base_p: Pledge, changes: Partial<Record<FieldKey, unknown>>) => {
    if (Object.keys(changes).length === 0) {
      on_close();
      return;
    }
    set_outcome('sending');
    const o = await command('pledge.update', { id: p.id, base_version: base_p.version, changes });
    if (o.ok) {
      set_outcome(o);
      on_close();
      return;
    }
    if (o.code === 'conflict') {
      const current = (o.details.current as Pledge | undefined) ?? p;
      const pick: Conflict['pick'] = {};
      for (const k of Object.keys(changes) as FieldKey[]) pick[k] = 'yours';
      set_conflict({ current, yours: changes, pick });
      set_outcome(null);
      return;
    }
    set_outcome(o);
  };

  const submit = (e: Event) => {
    e.preventDefault();
    const before = values_of(draft_of(base));
    const now = values_of(draft);
    const changes: Partial<Record<FieldKey, unknown>> = {};
    for (const k of Object.keys(now) as FieldKey[]) if (!same(before[k], now[k])) changes[k] = now[k];
    void send(base, changes);
  };

  if (conflict) {
    const keys = Object.keys(conflict.yours) as FieldKey[];
    const resubmit = (e: Event) => {
      e.preventDefault();
      const changes: Partial<Record<FieldKey, unknown>> = {};
      for (const k of keys) if (conflict.pick[k] === 'yours') changes[k] = conflict.yours[k];
      const cur = conflict.current;
      set_base(cur);
      set_conflict(null);
      void send(cur, changes);
    };
    return (
      <form class="conflict" id="conflict-view" onSubmit={resubmit} aria-labelledby="conflict-h">
        <h2 id="conflict-h" tabIndex={-1} ref={(el) => el?.focus()}>
          Someone changed this pledge while you were editing
        </h2>
        <p>
          Version {conflict.current.version} is now current. For each field, keep their value or use yours, then save
          again.
        </p>
        <table>
          <caption class="visually-hidden">Their values beside yours</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Theirs (current)</th>
              <th scope="col">Yours</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => {
              const theirs = (conflict.current as unknown as Record<string, unknown>)[k];
              const name = `pick-${k}`;
              return (
                <tr key={k} data-field={k}>
                  <th scope="row">{field_labels[k]}</th>
                  <td>
                    <label class="radio">
                      <input
                        type="radio"
                        name={name}
                        value="theirs"
                        checked={conflict.pick[k] === 'theirs'}
                        onChange={() => set_conflict({ ...conflict, pick: { ...conflict.pick, [k]: 'theirs' } })}
                      />{' '}
                      <span class="theirs-value">{show(theirs)}</span>
                    </label>
                  </td>
                  <td>
                    <label class="radio">
                      <input
                        type="radio"
                        name={name}
                        value="yours"
                        checked={conflict.pick[k] === 'yours'}
                        onChange={() => set_conflict({ ...conflict, pick: { ...conflict.pick, [k]: 'yours' } })}
                      />{' '}
                      <span class="yours-value">{show(conflict.yours[k])}</span>
                    </label>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <button type="submit">Save merged version</button>{' '}
        <button type="button" onClick={on_close}>
          Discard my changes
        </button>
        <Notice outcome={outcome} />
      </form>
    );
  }

  return (
    <form class="stack" id="edit-pledge" onSubmit={submit}>
      <h2>Edit pledge (version {base.version})</h2>
      <label for="ep-title">Title</label>
      <input id="ep-title" required value={draft.title} onInput={up('title')} />
      <label for="ep-desc">Description</label>
      <textarea id="ep-desc" rows={3} value={draft.description} onInput={up('description')} />
      <div class="two-col">
        <fieldset>
          <legend>Output indicator</legend>
          <label for="ep-oi">Indicator</label>
          <input id="ep-oi" required value={draft.out_i} onInput={up('out_i')} />
          <label for="ep-ot">Target</label>
          <input id="ep-ot" required value={draft.out_t} onInput={up('out_t')} />
        </fieldset>
        <fieldset>
          <legend>Impact indicator</legend>
          <label for="ep-ii">Indicator</label>
          <input id="ep-ii" value={draft.imp_i} onInput={up('imp_i')} />
          <label for="ep-it">Target</label>
          <input id="ep-it" value={draft.imp_t} onInput={up('imp_t')} />
        </fieldset>
      </div>
      <label for="ep-due">Due</label>
      <input id="ep-due" type="date" value={draft.due} onInput={up('due')} />
      <SaveOrCancel label="Save changes" on_cancel={on_close} outcome={outcome} />
    </form>
  );
}

// ---- progress reports ----------------------------------------------------------------

function ReportForm({ s, p }: { s: State; p: Pledge }) {
  const open_rounds = sorted_rounds(s).filter((r) => r.state === 'open');
  const [f, set_f] = useState({
    status: p.status,
    progress: String(p.progress),
    note: '',
    round: open_rounds[open_rounds.length - 1]?.id ?? '',
    evidence: '',
    impact_note: '',
    statement: '',
    preexisting: false,
    confidence: 'medium',
  });
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const up = (k: keyof typeof f) => (e: Event) => set_f({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <form
      class="stack"
      id="report-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const args: Record<string, unknown> = {
          id: p.id,
          status: f.status,
          progress: Math.max(0, Math.min(100, Math.round(Number(f.progress) || 0))),
          note: f.note.trim(),
        };
        if (f.round) args.round = f.round;
        const evidence = f.evidence.split(/\s+/).map((x) => x.trim()).filter(Boolean);
        if (evidence.length) args.evidence = evidence;
        if (f.impact_note.trim()) args.impact_note = f.impact_note.trim();
        if (f.statement.trim())
          args.attribution = { statement: f.statement.trim(), preexisting: f.preexisting, confidence: f.confidence };
        set_outcome('sending');
        const o = await command('pledge.report', args);
        set_outcome(o);
        if (o.ok) set_f({ ...f, note: '', evidence: '', impact_note: '', statement: '' });
      }}
    >
      <h2>Report progress</h2>
      <div class="two-col">
        <div class="field">
          <label for="rp-status">Status</label>
          <select id="rp-status" value={f.status} onChange={up('status')}>
            {pledge_statuses.map((k) => (
              <option key={k} value={k}>
                {status_label[k]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="rp-progress">Progress (0–100 %)</label>
          <input id="rp-progress" type="number" min={0} max={100} step={1} value={f.progress} onInput={up('progress')} />
        </div>
      </div>
      <label for="rp-round">Reporting round</label>
      <select id="rp-round" value={f.round} onChange={up('round')}>
        <option value="">No round</option>
        {open_rounds.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name}
          </option>
        ))}
      </select>
      <label for="rp-note">What happened</label>
      <textarea id="rp-note" rows={2} required value={f.note} onInput={up('note')} />
      <label for="rp-evidence">Evidence links (one per line)</label>
      <textarea id="rp-evidence" rows={2} value={f.evidence} onInput={up('evidence')} />
      <label for="rp-impact">Impact observed (optional)</label>
      <textarea id="rp-impact" rows={2} value={f.impact_note} onInput={up('impact_note')} />
      <fieldset>
        <legend>Attribution (optional)</legend>
        <label for="rp-stmt">How much of this is due to the pledge?</label>
        <input id="rp-stmt" value={f.statement} onInput={up('statement')} />
        <label class="radio">
          <input type="checkbox" checked={f.preexisting} onChange={(e) => set_f({ ...f, preexisting: e.currentTarget.checked })} /> The
          work existed before the pledge
        </label>
        <label for="rp-conf">Confidence</label>
        <select id="rp-conf" value={f.confidence} onChange={up('confidence')}>
          <option value="low">Low</option>
          <option value="medium">Medium</option>
          <option value="high">High</option>
        </select>
      </fieldset>
      <button type="submit">Submit report</button>
      <Notice outcome={outcome} />
    </form>
  );
}

function ReportHistory({ s, p }: { s: State; p: Pledge }) {
  if (p.reports.length === 0) return <p>No progress reported yet.</p>;
  return (
    <ol class="reports" reversed>
      {[...p.reports].reverse().map((r) => (
        <li key={r.seq} class="card">
          <p>
            <StatusBadge status={r.status} /> <strong>{r.progress}%</strong> ·{' '}
            {r.round ? s.rounds[r.round]?.name ?? r.round : 'no round'} · <time dateTime={r.ts}>{short_date(r.ts)}</time> · by {r.by}
          </p>
          <p>{r.note}</p>
          {r.impact_note && (
            <p>
              <strong>Impact:</strong> {r.impact_note}
            </p>
          )}
          {r.evidence.length > 0 && (
            <div>
              <strong>Evidence:</strong>
              <ul>
                {r.evidence.map((u, i) => {
                  const safe = safe_url(u);
                  return (
                    <li key={i}>
                      {safe ? (
                        <a href={safe} rel="noopener noreferrer nofollow" target="_blank">
                          {u}
                        </a>
                      ) : (
                        <span>{u}</span>
                      )}
                    </li>
                  );
                })}
              </ul>
            </div>
          )}
          {r.attribution && (
            <p class="attribution">
              <strong>Attribution:</strong> {r.attribution.statement} (confidence {r.attribution.confidence}
              {r.attribution.preexisting ? '; the work existed before the pledge' : ''})
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}

export function PledgeView({ s, id }: { s: State; id: string }) {
  const p = s.pledges[id];
  const [editing, set_editing] = useState(false);
  if (!p) return <NotFound what={`Pledge ${id}`} />;
  const user = me.value;
  const can_edit = can_edit_pledge(user, p);
  const theme = s.themes[p.theme];
  const cm = p.commitment ? s.commitments[p.commitment] : undefined;
  return (
    <>
      <PageTitle>{p.title}</PageTitle>
      <p class="meta">
        <strong>{org_name(s, p.org)}</strong> · theme <a href={href.theme(p.theme)}>{theme?.name ?? p.theme}</a>
        {cm && (
          <>
            {' '}
            · commitment {cm.number}: {cm.title}
          </>
        )}
        {p.due && <> · due {p.due}</>} · version <span id="pledge-version">{p.version}</span>
      </p>
      <p>
        <StatusBadge status={p.status} /> <Progress value={p.progress} label="Progress" />
      </p>
      <p id="pledge-description">{p.description}</p>
      <div class="two-col indicators">
        <IndicatorBox title="Output" ind={p.output} />
        <IndicatorBox title="Impact" ind={p.impact} />
      </div>
      {can_edit &&
        (editing ? (
          <EditForm key={`edit-${p.id}`} p={p} on_close={() => set_editing(false)} />
        ) : (
          <p>
            <button type="button" id="edit-pledge-button" onClick={() => set_editing(true)}>
              Edit pledge
            </button>
          </p>
        ))}
      <section aria-labelledby="history-h">
        <h2 id="history-h">Report history</h2>
        <ReportHistory s={s} p={p} />
      </section>
      {can_edit && <ReportForm s={s} p={p} />}
      <Comments s={s} target={`pledge:${p.id}`} />
      <Opinions s={s} target={`pledge:${p.id}`} />
    </>
  );
}
