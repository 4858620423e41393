// The theme's discussions, and the convene form for the Secretariat and the theme's champions.
import type { Discussion, Org, State } from '../../../sync';
import { can_convene, champions_of, org_name } from '../../model';
import { href as live_href } from '../../router';
import { command } from '../../store';
import { use_href, use_me } from '../../view_mode';
import { SmallForm } from './small_form';
import { ThreadInfo } from '../../components/thread_info';
import { lang, t, t_maybe } from '../../../i18n';

function ConveneForm({ theme }: { theme: string }) {
  return (
    <SmallForm
      id="convene"
      title={t('disc.convene_h')}
      submit_label={t('disc.convene')}
      fields={[
        { key: 'title', label: t('disc.title_label'), required: true },
        { key: 'agenda', label: t('disc.agenda'), type: 'textarea', required: true },
        { key: 'visibility', label: t('disc.visibility'), options: [['open', t('disc.vis_open')], ['restricted', t('disc.vis_restricted')]] },
        { key: 'invitees', label: t('disc.invitees_label') },
      ]}
      on_submit={async (v) => {
        const invitees = v.invitees
          .split(',')
          .map((x) => x.trim().toUpperCase())
          .filter(Boolean);
        const o = await command('discussion.convene', {
          theme,
          title: v.title,
          agenda: v.agenda,
          visibility: v.visibility === 'restricted' ? 'restricted' : 'open',
          invitees,
          lang: lang.value,
        });
        if (o.ok && typeof o.result.id === 'string') location.hash = live_href.discussion(o.result.id);
        return o;
      }}
    />
  );
}

export function Discussions(props: { s: State; theme: string; discussions: Discussion[]; orgs: Org[] }) {
  const { s, theme, discussions } = props;
  const href = use_href();
  const user = use_me();
  return (
    <section aria-labelledby="disc-h">
      <h2 id="disc-h">{t('disc.h')}</h2>
      {discussions.length === 0 ? (
        <p>{t('disc.none')}</p>
      ) : (
        <ul>
          {discussions.map((d) => (
            <li key={d.id}>
              <a href={href.discussion(d.id)}>{d.title}</a>{' '}
              <span class="muted">
                {t('disc.item_meta', {
                  state: t_maybe(`disc.state.${d.state}`) ?? d.state,
                  visibility: t_maybe(`disc.visibility.${d.visibility}`) ?? d.visibility,
                  org: org_name(s, d.convener),
                })}
              </span>{' '}
              <ThreadInfo s={s} target={`discussion:${d.id}`} />
            </li>
          ))}
        </ul>
      )}
      {can_convene(user, s, theme) && <ConveneForm theme={theme} />}
      {champions_of(s, theme).length === 0 && props.orgs.length > 0 && (
        <p class="muted">{t('disc.no_champion')}</p>

      )}
    </section>
  );
}
