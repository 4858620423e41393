// Entry of the public site (/public/...): no sign-in, no WebSocket, no workspace store. The
// language follows the URL's /public/<lang>/ segment whenever it changes (a link, back, the
// language menu); a URL without one keeps the language the page started in.
import { effect } from '@preact/signals';
import { render } from 'preact';
import { show_locale } from '../i18n';
import { PublicApp } from './app';
import { start_browser_feed } from './live';
import { current, install_public_router } from './routes';

export function start_public(root: HTMLElement) {
  install_public_router();
  effect(() => {
    const l = current.value.lang;
    if (l) void show_locale(l);
  });
  render(<PublicApp />, root);
  start_browser_feed();
}
