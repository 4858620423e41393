// Entry point: mount the app, install the router, and reuse the session if there is one.
import { render } from 'preact';
import { App } from './ui/app';
import { install_router } from './ui/router';
import { boot } from './ui/store';
import './styles.css';

install_router();
render(<App />, document.getElementById('app')!);
void boot();
