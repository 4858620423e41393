// A compact table of pledges (organisation, title, theme, status, progress), used by several views.
import type { Pledge, State } from '../../sync';
import { org_name } from '../model';
import { use_href } from '../view_mode';
import { Progress, StatusBadge } from './common';

export function PledgeTable({ s, pledges, caption, show_org = true }: { s: State; pledges: Pledge[]; caption: string; show_org?: boolean }) {
  const href = use_href();
  if (pledges.length === 0) return <p>No pledges.</p>;
  return (
    <div class="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {show_org && <th scope="col">Organisation</th>}
            <th scope="col">Pledge</th>
            <th scope="col">Theme</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
          </tr>
        </thead>
        <tbody>
          {pledges.map((p) => (
            <tr key={p.id}>
              {show_org && <td>{org_name(s, p.org)}</td>}
              <th scope="row">
                <a href={href.pledge(p.id)}>{p.title}</a>
              </th>
              <td>{s.themes[p.theme]?.name ?? p.theme}</td>
              <td>
                <StatusBadge status={p.status} />
              </td>
              <td>
                <Progress value={p.progress} label={`Progress of ${p.title}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
