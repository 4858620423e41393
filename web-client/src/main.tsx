// Entry point: set the document's language, then the public site under /public (its own
// module, loaded on its own: no sign-in, no workspace store), else the workspace
// (workspace_main.tsx: router, app, and the session reused if there is one). The fonts (Noto
// Sans for Latin, Greek and Cyrillic; Noto Sans Arabic; Noto Sans SC for Chinese) are bundled by
// Vite and served by a4pd itself, split by Unicode range so that a page downloads only the
// scripts it shows.
import '@fontsource-variable/noto-sans/wght.css';
import '@fontsource-variable/noto-sans-arabic/wght.css';
import '@fontsource-variable/noto-sans-sc/wght.css';
import { apply_document_lang } from './i18n';
import './styles.css';

apply_document_lang();
const root = document.getElementById('app')!;
if (location.pathname === '/public' || location.pathname.startsWith('/public/')) {
  void import('./public/main').then((m) => m.start_public(root));
} else {
  void import('./workspace_main').then((m) => m.start_workspace(root));
}
