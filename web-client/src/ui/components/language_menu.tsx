// The language menu of the top bar (and of the public site): the six UN languages, each named in
// itself. Choosing one switches at once and is remembered (this browser, and the server for a
// signed-in user: store.ts). The public site passes `on_pick`, which also moves to the page's
// address in that language (/public/<lang>/...).
import { endonyms, is_locale, lang, locales, set_locale, t, type Locale } from '../../i18n';

export function LanguageMenu({ id = 'language-menu', on_pick }: { id?: string; on_pick?: (l: Locale) => void }) {
  return (
    <span class="language-menu">
      <label for={id} class="visually-hidden">
        {t('app.language')}
      </label>
      <select
        id={id}
        value={lang.value}
        onChange={(e) => {
          const v = e.currentTarget.value;
          if (is_locale(v)) (on_pick ?? ((l: Locale) => void set_locale(l)))(v);
        }}
      >
        {locales.map((l) => (
          <option key={l} value={l} lang={l}>
            {endonyms[l]}
          </option>
        ))}
      </select>
    </span>
  );
}
