// The theme's champions; the Secretariat assigns and withdraws them.
import type { Champion, Org, State } from '../../../sync';
import { is_secretariat, org_name } from '../../model';
import { command } from '../../store';
import { use_me } from '../../view_mode';
import { SmallForm } from './small_form';
import { t } from '../../../i18n';

export function Champions({ s, theme, champs, orgs }: { s: State; theme: string; champs: Champion[]; orgs: Org[] }) {
  const user = use_me();
  return (
    <section aria-labelledby="champ-h">
      <h2 id="champ-h">{t('champ.h')}</h2>
      {champs.length === 0 ? (
        <p class="gap-text">{t('champ.none')}</p>
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
                    aria-label={t('champ.withdraw_label', { org: org_name(s, c.org) })}
                    onClick={() => void command('champion.withdraw', { org: c.org, theme })}
                  >
                    {t('champ.withdraw')}
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
          title={t('champ.assign_h')}
          submit_label={t('champ.assign')}
          fields={[
            {
              key: 'org',
              label: t('overview.organisation'),

              options: orgs
                .filter((o) => !champs.some((c) => c.org === o.id))
                .map((o) => [o.id, `${o.name} (${o.id})`] as [string, string]),
            },
          ]}
          on_submit={(v) => command('champion.assign', { org: v.org, theme })}
        />
      )}
    </section>
  );
}
