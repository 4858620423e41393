// The i18n layer: every user-facing string of the client goes through `t(key, values)`, an ICU
// MessageFormat message (plural, select) looked up in the UI language's locale file and
// formatted by intl-messageformat (ADR 0505). English is built in; each other catalogue is
// fetched when its language is first chosen (ADR 0510). Dates, numbers and percentages go through Intl.
// The UI language is a signal: components that call `t` re-render when it changes.
import { signal } from '@preact/signals';
import { IntlMessageFormat } from 'intl-messageformat';
import { en, type MessageKey, type Messages } from './locales/en';

export type { MessageKey, Messages };
export const locales = ['en', 'fr', 'es', 'ru', 'zh', 'ar'] as const;
export type Locale = (typeof locales)[number];

// English is in the entry chunk (the reference, and the fallback); every other catalogue is its
// own chunk, fetched only when that language is chosen (issue 17: all six inline made the entry
// 259 KB; see web-client/README.md, "Figures").
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<Messages>> = {
  fr: () => import('./locales/fr').then((m) => m.fr),
  es: () => import('./locales/es').then((m) => m.es),
  ru: () => import('./locales/ru').then((m) => m.ru),
  zh: () => import('./locales/zh').then((m) => m.zh),
  ar: () => import('./locales/ar').then((m) => m.ar),
};
const loaded: Partial<Record<Locale, Messages>> = { en };
const loading = new Map<Locale, Promise<Messages>>();

/** A language's catalogue, fetched once (English at once). */
export function load_locale(l: Locale): Promise<Messages> {
  const have = loaded[l];
  if (have) return Promise.resolve(have);
  let p = loading.get(l);
  if (!p) {
    p = loaders[l as Exclude<Locale, 'en'>]().then((m) => (loaded[l] = m));
    loading.set(l, p);
    p.catch(() => loading.delete(l)); // a failed fetch may be retried
  }
  return p;
}

/** Each language's name in itself, for the language menu. */
export const endonyms: Record<Locale, string> = {
  en: 'English',
  fr: 'Français',
  es: 'Español',
  ru: 'Русский',
  zh: '中文',
  ar: 'العربية',
};

export const is_locale = (x: unknown): x is Locale => typeof x === 'string' && (locales as readonly string[]).includes(x);

/** The first of the browser's languages we have (by primary subtag), else English. */
export function pick_locale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    if (is_locale(primary)) return primary;
  }
  return 'en';
}

const storage_key = 'a4p.lang';
/** The language to start in: the one last chosen in this browser, else the browser's. */
export function initial_locale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem(storage_key);
    if (is_locale(saved)) return saved;
  } catch {
    /* storage blocked: fall back to the browser's languages */
  }
  const nav = globalThis.navigator;
  return pick_locale(nav ? (nav.languages?.length ? nav.languages : [nav.language]) : []);
}

/** The UI language; it changes only once its catalogue is loaded (`show_locale`). */
export const lang = signal<Locale>('en');

export const dir_of = (l: string): 'rtl' | 'ltr' => (/^(ar|he|fa|ur|ps|yi)(-|$)/i.test(l) ? 'rtl' : 'ltr');

/** Sets <html lang dir>; called on every change of language. */
export function apply_document_lang(l: Locale = lang.value) {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = l;
  document.documentElement.dir = dir_of(l);
}

type Listener = (l: Locale) => void;
const listeners: Listener[] = [];
/** Called when the user picks a language (not when the server's preference is applied). */
export function on_user_choice(f: Listener) {
  listeners.push(f);
}

let latest = 0;
/** Shows the UI in `l` once its catalogue is loaded, without remembering it (the language of a
 * /public/<lang>/ URL, or the start). If another language was asked for meanwhile, that one wins.
 * A catalogue that cannot be fetched leaves the language as it was. */
export async function show_locale(l: Locale): Promise<boolean> {
  const mine = ++latest;
  try {
    await load_locale(l);
  } catch {
    return false;
  }
  if (mine !== latest) return false;
  lang.value = l;
  apply_document_lang(l);
  return true;
}

/** Switches the UI language and remembers it (this browser; and, for a choice of the user, the
 * server through the listeners). */
export async function set_locale(l: Locale, by_user = true) {
  try {
    globalThis.localStorage?.setItem(storage_key, l);
  } catch {
    /* not remembered in this browser */
  }
  if (!(await show_locale(l))) return;
  if (by_user) for (const f of listeners) f(l);
}

const cache = new Map<string, IntlMessageFormat>();
export type Values = Record<string, string | number | boolean | Date | null | undefined>;

/** Formats a message of the UI language (English if the key has no text there, or if that
 * language's catalogue is not loaded). */
export function t(key: MessageKey, values?: Values, l: Locale = lang.value): string {
  const id = `${l}\u0000${key}`;
  let f = cache.get(id);
  if (!f) {
    const msgs = loaded[l];
    f = new IntlMessageFormat(msgs?.[key] ?? en[key], msgs ? l : 'en');
    if (msgs) cache.set(id, f); // a language not loaded yet is English for now, not for ever
  }
  return String(f.format(values as Record<string, string | number | boolean | Date>));
}

/** A message key built at run time (a code from the server): its text if the key exists, else null. */
export function t_maybe(key: string, values?: Values): string | null {
  return key in en ? t(key as MessageKey, values) : null;
}

// ---- Intl formatting ----
let zone: string | null = null;
/** The user's time zone (read once per tab). */
const time_zone = () => (zone ??= Intl.DateTimeFormat().resolvedOptions().timeZone);

// Made once per locale and form, not per call: an Intl.DateTimeFormat costs about half a
// millisecond to make, and a list of 20,000 dates (the audit timeline's markers at 1,000,000
// events) took 11 s of the main thread when each made its own.
const formats = new Map<string, Intl.DateTimeFormat>();
function date_format(l: string, o: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${l} ${JSON.stringify(o)}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(l, o)));
  return f;
}

/** Date and time in the user's time zone, with the zone named: the locale's own form
 * ("29 nov. 2026, 13:25 UTC+1"); English keeps the international form "2026-11-29 13:25 UTC"
 * (unambiguous across English-speaking delegations, and sortable). */
export function fmt_datetime(ts: string | number | Date | null | undefined, l: Locale = lang.value): string {
  if (ts === null || ts === undefined || ts === '') return '';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return String(ts);
  if (l === 'en') {
    const parts = date_format('en-GB', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
      timeZone: time_zone(),
    }).formatToParts(d);
    const p = (k: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === k)?.value ?? '';
    return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')} ${p('timeZoneName')}`;
  }
  return date_format(l, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone: time_zone(),
  }).format(d);
}

/** A calendar date. Plain dates ("2026-12-31") are shown as that day whatever the zone.
 * English keeps the international form "2026-12-31", as `fmt_datetime` does. */
export function fmt_date(ts: string | number | Date | null | undefined, l: Locale = lang.value): string {
  if (ts === null || ts === undefined || ts === '') return '';
  const plain = typeof ts === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(ts);
  const d = new Date(plain ? `${ts}T00:00:00Z` : ts);
  if (Number.isNaN(d.getTime())) return String(ts);
  if (l === 'en') return date_format('en-CA', { timeZone: plain ? 'UTC' : time_zone() }).format(d);
  return date_format(l, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: plain ? 'UTC' : time_zone(),
  }).format(d);
}

export const fmt_number = (n: number, l: Locale = lang.value) => new Intl.NumberFormat(l).format(n);

/** `share` is 0..1 (0.25 -> "25 %" in French). */
export const fmt_percent = (share: number, l: Locale = lang.value, digits = 0) =>
  new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: digits }).format(share);

/** A language's name in the UI language ("French", "arabe"). */
export function language_name(tag: string, l: Locale = lang.value): string {
  try {
    return new Intl.DisplayNames([l], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** BCP 47 check as the server does it (well-formed, canonicalisable). */
export function valid_lang_tag(tag: string): boolean {
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag) || tag.length > 35) return false;
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** lang and dir attributes for content written in `tag`, when it differs from the UI language
 * (undefined members are not rendered). Content of unknown language (written before tags) gets
 * dir="auto": the browser takes its direction from its first strong character, so an English
 * note keeps its punctuation in place inside an Arabic page. */
export function content_lang(tag: string | null | undefined): { lang?: string; dir?: 'rtl' | 'ltr' | 'auto' } {
  if (!tag) return { dir: 'auto' };
  const ui = lang.value;
  if (tag.toLowerCase().split('-')[0] === ui) return {};
  return { lang: tag, dir: dir_of(tag) };
}

/** True when content in `tag` is in another language than the UI's (to mark it). */
export const is_other_lang = (tag: string | null | undefined) =>
  !!tag && tag.toLowerCase().split('-')[0] !== lang.value;
