// A compact table of pledges (organisation, title, theme, status, progress), used by several views.
import type { Pledge, State } from '../../sync';
import { org_name, theme_name } from '../model';
import { content_lang, t } from '../../i18n';
import { use_href } from '../view_mode';
import { Progress, StatusBadge } from './common';

export function PledgeTable({ s, pledges, caption, show_org = true }: { s: State; pledges: Pledge[]; caption: string; show_org?: boolean }) {
  const href = use_href();
  if (pledges.length === 0) return <p>{t('ptable.none')}</p>;
  return (
    <div class="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {show_org && <th scope="col">{t('overview.organisation')}</th>}
            <th scope="col">{t('ptable.pledge')}</th>
            <th scope="col">{t('disc.theme')}</th>
            <th scope="col">{t('deliv.status')}</th>
            <th scope="col">{t('deliv.progress')}</th>
          </tr>
        </thead>
        <tbody>
          {pledges.map((p) => (
            <tr key={p.id}>
              {show_org && <td>{org_name(s, p.org)}</td>}
              <th scope="row">
                <a href={href.pledge(p.id)} {...content_lang(p.lang)}>
                  {p.title}
                </a>
              </th>
              <td>{theme_name(s, p.theme)}</td>
              <td>
                <StatusBadge status={p.status} />
              </td>
              <td>
                <Progress value={p.progress} label={t('deliv.progress_of', { title: p.title })} />

              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
