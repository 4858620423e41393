// The page a one-time link opens (/invite#<token>): the invitee (or a user resetting a
// password) sets a password and is then signed in. Shown whether or not someone is signed in
// in this browser. A link that was used, has expired or was withdrawn gets a page that says so.
import { useEffect, useRef, useState } from 'preact/hooks';
import { accept_invite } from '../admin_api';
import { PageTitle, reject_text } from '../components/common';
import { t } from '../../i18n';
import { parse_route, route } from '../router';
import { session_started } from '../store';
import { min_password_length, password_problems, type PasswordProblems } from './admin/model';

/** POST /api/invite/accept's refusals that mean "this link no longer works" (404: unknown,
 * 410: used, expired or revoked). */
const dead_link = (status: number) => status === 404 || status === 410;

function DeadLink() {
  return (
    <section class="sign-in" id="invite-dead">
      <PageTitle>{t('invite.dead_h')}</PageTitle>
      <p>{t('invite.dead_text')}</p>
      <p>{t('invite.dead_ask')}</p>
      <p>
        <a href="/">{t('invite.go_sign_in')}</a>
      </p>
    </section>
  );
}

export function InviteView({ token }: { token: string }) {
  const [password, set_password] = useState('');
  const [confirm, set_confirm] = useState('');
  const [problems, set_problems] = useState<PasswordProblems>({ password: null, confirm: null });
  const [error, set_error] = useState('');
  const [busy, set_busy] = useState(false);
  const [dead, set_dead] = useState(false);
  const pw_ref = useRef<HTMLInputElement>(null);
  const confirm_ref = useRef<HTMLInputElement>(null);
  // The token is in the address bar only until the page has read it: not left in history.
  useEffect(() => {
    history.replaceState(null, '', location.pathname);
  }, []);
  if (dead) return <DeadLink />;
  const field_error = (id: string, text: string | null) => (
    <p class="err" id={id}>
      {text ?? ''}
    </p>
  );
  return (
    <section class="sign-in">
      <PageTitle>{t('invite.h')}</PageTitle>
      <p>{t('invite.text')}</p>
      <form
        class="stack"
        id="invite-form"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const p = password_problems(password, confirm);
          set_problems(p);
          set_error(p.password || p.confirm ? t('invite.see_fields') : '');
          if (p.password) return pw_ref.current?.focus();
          if (p.confirm) return confirm_ref.current?.focus();
          set_busy(true);
          const r = await accept_invite(token, password);
          set_busy(false);
          if (r.ok) {
            set_password('');
            set_confirm('');
            history.replaceState(null, '', '/#/');
            route.value = parse_route('#/');
            session_started(r.body.user.id);
            return;
          }
          if (dead_link(r.status)) return set_dead(true);
          set_error(
            r.status === 400
              ? t('invite.not_set', { reason: reject_text(r.code) })
              : t('invite.not_set_retry', { reason: reject_text(r.code) }),
          );
        }}
      >
        <p role="alert" class="err" id="invite-error">
          {error}
        </p>
        <label for="new-password">{t('invite.new_password')}</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={min_password_length}
          ref={pw_ref}
          value={password}
          aria-invalid={problems.password ? 'true' : undefined}
          aria-describedby="new-password-hint new-password-error"
          onInput={(e) => set_password(e.currentTarget.value)}
        />
        <p class="muted" id="new-password-hint">
          {t('invite.hint', { min: min_password_length })}
        </p>
        {field_error('new-password-error', problems.password)}
        <label for="confirm-password">{t('invite.confirm')}</label>
        <input
          id="confirm-password"
          type="password"
          autoComplete="new-password"
          required
          ref={confirm_ref}
          value={confirm}
          aria-invalid={problems.confirm ? 'true' : undefined}
          aria-describedby="confirm-password-error"
          onInput={(e) => set_confirm(e.currentTarget.value)}
        />
        {field_error('confirm-password-error', problems.confirm)}
        <button type="submit" disabled={busy}>
          {busy ? t('invite.busy') : t('invite.submit')}

        </button>
      </form>
    </section>
  );
}
