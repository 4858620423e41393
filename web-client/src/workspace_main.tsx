// The workspace's entry (signed-in users): mount the app, install the router, reuse the session.
import { render } from 'preact';
import { App } from './ui/app';
import { install_router } from './ui/router';
import { boot } from './ui/store';

export function start_workspace(root: HTMLElement) {
  install_router();
  render(<App />, root);
  void boot();
}
