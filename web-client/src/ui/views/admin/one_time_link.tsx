// A one-time link (invitation or password reset) as the server hands it over: once. It lives
// only in this component's state; dismissing it or leaving the page drops it for good.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OneTimeLink } from '../../admin_api';
import { sign_in_shown } from './model';
import { t } from '../../../i18n';

async function copy_text(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (an insecure origin, or permission refused): select the text and
    // fall back to the older command, which still works from a click.
    if (!input) return false;
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

export function OneTimeLinkBox(props: { link: OneTimeLink; kind: 'invitation' | 'reset'; user: string; on_done: () => void }) {
  const { link, kind, user } = props;
  const [copied, set_copied] = useState<string>('');
  const heading = useRef<HTMLHeadingElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const what = kind === 'invitation' ? t('otl.invitation') : t('otl.reset');
  return (
    <section class="one-time-link" aria-labelledby="otl-h" id="one-time-link">
      <h3 id="otl-h" tabIndex={-1} ref={heading}>
        {t('otl.h', { what, user })}
      </h3>
      <p>
        <strong>{t('otl.once')}</strong>{' '}
        {link.expires ? t('otl.text_until', { user, until: sign_in_shown(link.expires) }) : t('otl.text', { user })}
      </p>
      <label for="otl-url">{what}</label>
      <div class="inline-form">
        <input id="otl-url" class="otl-url" readOnly value={link.url} ref={input} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          onClick={async () => set_copied((await copy_text(link.url, input.current)) ? t('otl.copied') : t('otl.copy_failed'))}
        >
          {t('otl.copy')}
        </button>
        <button type="button" onClick={props.on_done}>
          {t('otl.done')}

        </button>
      </div>
      <p class="notice ok" role="status" aria-live="polite">
        {copied}
      </p>
    </section>
  );
}
