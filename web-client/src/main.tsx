// Entry point: mount the app, install the router, set the document's language, and reuse the
// session if there is one. The fonts (Noto Sans for Latin, Greek and Cyrillic; Noto Sans Arabic;
// Noto Sans SC for Chinese) are bundled by Vite and served by a4pd itself, split by Unicode
// range so that a page downloads only the scripts it shows.
import '@fontsource-variable/noto-sans/wght.css';
import '@fontsource-variable/noto-sans-arabic/wght.css';
import '@fontsource-variable/noto-sans-sc/wght.css';
import { render } from 'preact';
import { apply_document_lang } from './i18n';
import { App } from './ui/app';
import { install_router } from './ui/router';
import { boot } from './ui/store';
import './styles.css';

apply_document_lang();
install_router();

render(<App />, document.getElementById('app')!);
void boot();
