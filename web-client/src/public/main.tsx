// Entry of the public site (/public/...): no sign-in, no WebSocket, no workspace store.
import { render } from 'preact';
import { PublicApp } from './app';
import { start_browser_feed } from './live';
import { install_public_router } from './routes';

export function start_public(root: HTMLElement) {
  install_public_router();
  render(<PublicApp />, root);
  start_browser_feed();
}
