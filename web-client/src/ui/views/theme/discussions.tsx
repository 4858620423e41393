// The theme's discussions, and the convene form for the Secretariat and the theme's champions.
import type { Discussion, Org, State } from '../../../sync';
import { can_convene, champions_of, org_name } from '../../model';
import { href as live_href } from '../../router';
import { command } from '../../store';
import { use_href, use_me } from '../../view_mode';
import { SmallForm } from './small_form';

function ConveneForm({ theme }: { theme: string }) {
  return (
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
      {can_convene(user, s, theme) && <ConveneForm theme={theme} />}
      {champions_of(s, theme).length === 0 && props.orgs.length > 0 && (
        <p class="muted">This theme has no champion to convene discussions yet.</p>
      )}
    </section>
  );
}
