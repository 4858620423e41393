// Sign-in: POST /api/session sets the HttpOnly session cookie; the socket then uses it.
import { useState } from 'preact/hooks';
import { PageTitle } from '../components/common';
import { sign_in } from '../store';
import { t } from '../../i18n';

export function SignInView() {
  const [username, set_username] = useState('');
  const [password, set_password] = useState('');
  const [error, set_error] = useState<string | null>(null);
  const [busy, set_busy] = useState(false);
  return (
    <section class="sign-in">
      <PageTitle>{t('signin.title')}</PageTitle>
      <form
        class="stack"
        id="sign-in-form"
        onSubmit={async (e) => {
          e.preventDefault();
          set_busy(true);
          const err = await sign_in(username.trim(), password);
          set_busy(false);
          set_error(err);
          if (!err) set_password('');
        }}
      >
        <label for="username">{t('signin.username')}</label>
        <input id="username" name="username" autoComplete="username" required value={username} onInput={(e) => set_username(e.currentTarget.value)} />
        <label for="password">{t('signin.password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => set_password(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? t('signin.busy') : t('signin.submit')}

        </button>
        <p role="alert" class="err">
          {error ?? ''}
        </p>
      </form>
    </section>
  );
}
