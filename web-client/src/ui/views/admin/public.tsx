// Administration, the public dashboard (issue 15): the Secretariat's seven switches of what
// /public shows besides the pledges organisations publish themselves. Each switch is the
// command public.configure (an event like any other, by its author); the current settings come
// from the public projection itself (/public/api/state.json, when the screen opens and after a
// refusal), so the screen shows what anonymous readers get.
import { useEffect, useState } from 'preact/hooks';
import type { CommandOutcome } from '../../../sync';
import { t, type MessageKey } from '../../../i18n';
import { public_categories, public_settings, type PublicCategory } from '../../admin_api';
import { Notice, reject_text } from '../../components/common';
import { command } from '../../store';
import { AdminPage } from './page';

export function AdminPublicView() {
  const [on, set_on] = useState<Record<PublicCategory, boolean> | null>(null);
  const [error, set_error] = useState('');
  const [busy, set_busy] = useState<PublicCategory | null>(null);
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const [tick, set_tick] = useState(0);
  useEffect(() => {
    let live = true;
    void public_settings().then((r) => {
      if (!live) return;
      if (r.ok) set_on(r.body);
      set_error(r.ok ? '' : t('admin.public_error', { reason: reject_text(r.code) }));
    });
    return () => {
      live = false;
    };
  }, [tick]);

  const flip = async (c: PublicCategory, value: boolean) => {
    if (!on) return;
    // The switch shows the new position while the command is on its way. Acknowledged, it is
    // stored (the projection follows within a flush); refused, the switch goes back and the
    // settings are read again (someone else may have switched it meanwhile: `conflict`).
    const before = on;
    set_on({ ...on, [c]: value });
    set_busy(c);
    set_outcome('sending');
    const o = await command('public.configure', { category: c, public: value });
    set_outcome(o);
    set_busy(null);
    if (!o.ok) {
      set_on(before);
      set_tick((n) => n + 1);
    }
  };

  return (
    <AdminPage title={t('admin.public_title')} tab="public">
      <p>{t('admin.public_intro')}</p>
      <p class="muted">{t('admin.public_never')}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {on && (
        <fieldset id="public-categories">
          <legend>{t('admin.public_legend')}</legend>
          <ul class="plain">
            {public_categories.map((c) => (
              <li key={c}>
                <input
                  type="checkbox"
                  role="switch"
                  id={`public-${c}`}
                  checked={on[c]}
                  disabled={busy !== null}
                  aria-describedby={`public-${c}-help`}
                  onChange={(e) => void flip(c, e.currentTarget.checked)}
                />{' '}
                <label for={`public-${c}`}>{t(`admin.public_cat.${c}` as MessageKey)}</label>
                <div class="meta" id={`public-${c}-help`}>
                  {on[c] ? t('admin.public_shown') : t('admin.public_hidden')}
                </div>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <Notice outcome={outcome} />
      <p>
        <a href="/public">{t('admin.public_open')}</a>
      </p>
    </AdminPage>
  );
}
