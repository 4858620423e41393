// Reporting rounds: who has reported in a round and who has not. The Secretariat opens and
// closes rounds.
import { useState } from 'preact/hooks';
import type { CommandOutcome, State } from '../../sync';
import { Notice, PageTitle, StatusBadge } from '../components/common';
import { by_id, is_secretariat, org_name, sorted_rounds } from '../model';
import { command } from '../store';
import { href as live_href } from '../router';
import { use_href, use_me } from '../view_mode';

function OpenRoundForm() {
  const [name, set_name] = useState('');
  const [closes, set_closes] = useState('');
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  return (
    <form
      class="stack"
      onSubmit={async (e) => {
        e.preventDefault();
        set_outcome('sending');
        const o = await command('round.open', { name: name.trim(), closes });
        set_outcome(o);
        if (o.ok) {
          set_name('');
          const id = o.result.id;
          if (typeof id === 'string') location.hash = live_href.rounds(id);
        }
      }}
    >
      <h2>Open a reporting round</h2>
      <label for="round-name">Name</label>
      <input id="round-name" required value={name} onInput={(e) => set_name(e.currentTarget.value)} />
      <label for="round-closes">Closes on</label>
      <input id="round-closes" type="date" required value={closes} onInput={(e) => set_closes(e.currentTarget.value)} />
      <button type="submit">Open round</button>
      <Notice outcome={outcome} />
    </form>
  );
}

export function RoundsView({ s, id }: { s: State; id: string | null }) {
  const href = use_href();
  const rounds = sorted_rounds(s);
  const current = (id && s.rounds[id]) || rounds.filter((r) => r.state === 'open').pop() || rounds[rounds.length - 1];
  const pledges = Object.values(s.pledges).sort(by_id).filter((p) => p.status !== 'dropped' || p.reports.some((r) => r.round === current?.id));
  const rows = pledges.map((p) => ({ p, r: current ? [...p.reports].reverse().find((x) => x.round === current.id) : undefined }));
  const reported = rows.filter((x) => x.r);
  const missing = rows.filter((x) => !x.r);
  const missing_orgs = [...new Set(missing.map((x) => x.p.org))].sort();
  const user = use_me();
  return (
    <>
      <PageTitle>Reporting rounds</PageTitle>
      <nav aria-label="Rounds">
        <ul class="tabs">
          {rounds.map((r) => (
            <li key={r.id}>
              <a href={href.rounds(r.id)} aria-current={current?.id === r.id ? 'page' : undefined}>
                {r.name} ({r.state === 'open' ? `open, closes ${r.closes}` : 'closed'})
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {!current ? (
        <p>No reporting round has been opened yet.</p>
      ) : (
        <section aria-labelledby="round-h">
          <h2 id="round-h">
            {current.name}: {reported.length} of {rows.length} pledges reported
          </h2>
          <p>
            Closes {current.closes}. State: {current.state}.{' '}
            {is_secretariat(user) && current.state === 'open' && (
              <button type="button" onClick={() => void command('round.close', { id: current.id })}>
                Close this round
              </button>
            )}
          </p>
          <p class={missing_orgs.length ? 'callout' : ''}>
            <strong>Not yet reported:</strong>{' '}
            {missing_orgs.length ? missing_orgs.map((o) => org_name(s, o)).join(', ') : 'everyone has reported.'}
          </p>
          <div class="table-scroll">
            <table id="round-table">
              <caption>Who has reported in {current.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Organisation</th>
                  <th scope="col">Pledge</th>
                  <th scope="col">Reported</th>
                  <th scope="col">Status reported</th>
                  <th scope="col">Progress</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ p, r }) => (
                  <tr key={p.id} class={r ? '' : 'row-missing'}>
                    <td>{org_name(s, p.org)}</td>
                    <th scope="row">
                      <a href={href.pledge(p.id)}>{p.title}</a>
                    </th>
                    <td>{r ? 'Yes' : <strong>Not yet</strong>}</td>
                    <td>{r ? <StatusBadge status={r.status} /> : '–'}</td>
                    <td>{r ? `${r.progress}%` : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {is_secretariat(user) && <OpenRoundForm />}
    </>
  );
}
