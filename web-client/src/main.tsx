// Entry point: pick the language and load its catalogue, then the public site under /public
// (its own module, loaded on its own: no sign-in, no workspace store), else the workspace
// (workspace_main.tsx: router, app, and the session reused if there is one). The catalogue and
// the app's chunk are fetched together; the page is drawn once both are here, so it never
// flashes English before the chosen language. On /public/<lang>/... the URL's language wins.
// The fonts (Noto Sans for Latin, Greek and Cyrillic; Noto Sans Arabic; Noto Sans SC for
// Chinese) are bundled by Vite and served by a4pd itself, split by Unicode range so that a page
// downloads only the scripts it shows.
import '@fontsource-variable/noto-sans/wght.css';
import '@fontsource-variable/noto-sans-arabic/wght.css';
import '@fontsource-variable/noto-sans-sc/wght.css';
import { initial_locale, show_locale } from './i18n';
import { url_locale } from './public/routes';
import './styles.css';

const root = document.getElementById('app')!;
const is_public = location.pathname === '/public' || location.pathname.startsWith('/public/');
const ready = show_locale((is_public && url_locale(location.pathname)) || initial_locale());
if (is_public) {
  void Promise.all([import('./public/main'), ready]).then(([m]) => m.start_public(root));
} else {
  void Promise.all([import('./workspace_main'), ready]).then(([m]) => m.start_workspace(root));
}
