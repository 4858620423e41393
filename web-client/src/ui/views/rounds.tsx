// Reporting rounds: who has reported in a round and who has not. The Secretariat opens and
// closes rounds.
import { useState } from 'preact/hooks';
import type { CommandOutcome, State } from '../../sync';
import { Notice, PageTitle, StatusBadge } from '../components/common';
import { by_id, is_secretariat, org_name, sorted_rounds } from '../model';
import { command } from '../store';
import { href as live_href } from '../router';
import { use_href, use_me } from '../view_mode';
import { fmt_date, fmt_percent, t, t_maybe } from '../../i18n';
import { use_whole_reports } from '../report_history';

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
      <h2>{t('rounds.open_h')}</h2>
      <label for="round-name">{t('rounds.name')}</label>
      <input id="round-name" required value={name} onInput={(e) => set_name(e.currentTarget.value)} />
      <label for="round-closes">{t('rounds.closes_on')}</label>
      <input id="round-closes" type="date" required value={closes} onInput={(e) => set_closes(e.currentTarget.value)} />
      <button type="submit">{t('rounds.open')}</button>
      <Notice outcome={outcome} />
    </form>
  );
}

export function RoundsView({ s: state, id }: { s: State; id: string | null }) {
  // Every report of every pledge (a light session's skeleton holds the latest only).
  const { s } = use_whole_reports(state);
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
      <PageTitle>{t('nav.rounds')}</PageTitle>
      <nav aria-label={t('rounds.nav')}>
        <ul class="tabs">
          {rounds.map((r) => (
            <li key={r.id}>
              <a href={href.rounds(r.id)} aria-current={current?.id === r.id ? 'page' : undefined}>
                {r.name} ({r.state === 'open' ? t('rounds.open_closes', { date: fmt_date(r.closes) }) : t('rounds.closed')})
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {!current ? (
        <p>{t('rounds.none')}</p>
      ) : (
        <section aria-labelledby="round-h">
          <h2 id="round-h">{t('rounds.h', { name: current.name, reported: reported.length, n: rows.length })}</h2>
          <p>
            {t('rounds.state_line', {
              date: fmt_date(current.closes),
              state: t_maybe(`rounds.state.${current.state}`) ?? current.state,
            })}{' '}
            {is_secretariat(user) && current.state === 'open' && (
              <button type="button" onClick={() => void command('round.close', { id: current.id })}>
                {t('rounds.close')}
              </button>
            )}
          </p>
          <p class={missing_orgs.length ? 'callout' : ''}>
            <strong>{t('rounds.not_yet_label')}</strong>{' '}
            {missing_orgs.length ? missing_orgs.map((o) => org_name(s, o)).join(', ') : t('rounds.everyone')}
          </p>
          <div class="table-scroll">
            <table id="round-table">
              <caption>{t('rounds.caption', { name: current.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('overview.organisation')}</th>
                  <th scope="col">{t('ptable.pledge')}</th>
                  <th scope="col">{t('rounds.reported')}</th>
                  <th scope="col">{t('rounds.status_reported')}</th>
                  <th scope="col">{t('deliv.progress')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ p, r }) => (
                  <tr key={p.id} class={r ? '' : 'row-missing'}>
                    <td>{org_name(s, p.org)}</td>
                    <th scope="row">
                      <a href={href.pledge(p.id)}>{p.title}</a>
                    </th>
                    <td>{r ? t('rounds.yes') : <strong>{t('rounds.not_yet')}</strong>}</td>
                    <td>{r ? <StatusBadge status={r.status} /> : '–'}</td>
                    <td>{r ? fmt_percent(r.progress / 100) : '–'}</td>

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
