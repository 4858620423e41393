// The theme's champions; the Secretariat assigns and withdraws them.
import type { Champion, Org, State } from '../../../sync';
import { is_secretariat, org_name } from '../../model';
import { command } from '../../store';
import { use_me } from '../../view_mode';
import { SmallForm } from './small_form';

export function Champions({ s, theme, champs, orgs }: { s: State; theme: string; champs: Champion[]; orgs: Org[] }) {
  const user = use_me();
  return (
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
                    onClick={() => void command('champion.withdraw', { org: c.org, theme })}
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
          on_submit={(v) => command('champion.assign', { org: v.org, theme })}
        />
      )}
    </section>
  );
}
