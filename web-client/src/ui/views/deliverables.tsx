// The Secretariat's own deliverables (the UN's pledges) with their monthly reports, beside
// the member states' and organisations' pledges.
import type { State } from '../../sync';
import { PageTitle, Progress, StatusBadge } from '../components/common';
import { PledgeTable } from '../components/pledge_table';
import { by_id, short_date, status_counts, status_label } from '../model';
import { pledge_statuses } from '../../sync';
import { use_href } from '../view_mode';

export function DeliverablesView({ s }: { s: State }) {
  const href = use_href();
  const all = Object.values(s.pledges).sort(by_id);
  const un = all.filter((p) => p.org === 'UN');
  const others = all.filter((p) => p.org !== 'UN');
  const un_counts = status_counts(un);
  return (
    <>
      <PageTitle>Secretariat deliverables and member states’ pledges</PageTitle>
      <div class="two-col">
        <section aria-labelledby="un-h">
          <h2 id="un-h">The Secretariat’s deliverables ({un.length})</h2>
          <p>
            {pledge_statuses.filter((k) => un_counts[k] > 0).map((k) => `${un_counts[k]} ${status_label[k].toLowerCase()}`).join(', ') ||
              'None yet.'}
          </p>
          <ul class="plain">
            {un.map((p) => (
              <li key={p.id} class="card">
                <h3>
                  <a href={href.pledge(p.id)}>{p.title}</a>
                </h3>
                <p>
                  <StatusBadge status={p.status} /> <Progress value={p.progress} label={`Progress of ${p.title}`} />
                </p>
                {p.reports.length > 0 ? (
                  <table class="compact">
                    <caption>Monthly reports</caption>
                    <thead>
                      <tr>
                        <th scope="col">Month</th>
                        <th scope="col">Status</th>
                        <th scope="col">Progress</th>
                        <th scope="col">Note</th>
                      </tr>
                    </thead>
                    <tbody>
                      {p.reports.slice(-6).map((r) => (
                        <tr key={r.seq}>
                          <td>{short_date(r.ts).slice(0, 7)}</td>
                          <td>{status_label[r.status] ?? r.status}</td>
                          <td>{r.progress}%</td>
                          <td>{r.note}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p class="muted">No reports yet.</p>
                )}
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="ms-h">
          <h2 id="ms-h">Member states’ and organisations’ pledges ({others.length})</h2>
          <PledgeTable s={s} pledges={others} caption="Pledges by endorsers" />
        </section>
      </div>
    </>
  );
}
