/// <reference types="node" />
// The i18n layer's guarantees: every locale has exactly English's keys, every message is valid
// ICU MessageFormat that uses only the arguments the English one is given, and no component
// renders a user-facing literal that does not come from the layer (a scan of every .tsx with
// the TypeScript parser: JSX text, user-facing attributes, and strings placed in JSX).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { IntlMessageFormat } from 'intl-messageformat';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { content_lang, dir_of, fmt_datetime, fmt_percent, lang, load_locale, locales, pick_locale, t, valid_lang_tag } from '../src/i18n';
import { en } from '../src/i18n/locales/en';
import { fr } from '../src/i18n/locales/fr';
import { es } from '../src/i18n/locales/es';
import { ru } from '../src/i18n/locales/ru';
import { zh } from '../src/i18n/locales/zh';
import { ar } from '../src/i18n/locales/ar';

/** Every catalogue, the public site's `public.*` keys included (src/public has no strings of its own). */
const catalogs = { en, fr, es, ru, zh, ar };
beforeAll(async () => {
  for (const l of locales) expect(await load_locale(l)).toBe(catalogs[l]);
});

const en_keys = Object.keys(en).sort();

function args_of(els: MessageFormatElement[], out = new Set<string>()): Set<string> {
  for (const el of els) {
    if (el.type === TYPE.literal || el.type === TYPE.pound || el.type === TYPE.tag) {
      if (el.type === TYPE.tag) args_of(el.children, out);
      continue;
    }
    out.add(el.value);
    if (el.type === TYPE.select || el.type === TYPE.plural)
      for (const o of Object.values(el.options)) args_of(o.value, out);
  }
  return out;
}

describe('locales', () => {
  for (const l of locales) {
    it(`${l} has exactly the keys of English`, () => {
      const keys = Object.keys(catalogs[l]).sort();
      expect(keys.filter((k) => !(k in en)), 'keys English does not have').toEqual([]);
      expect(en_keys.filter((k) => !(k in catalogs[l])), 'keys missing').toEqual([]);
    });
    it(`${l}: every message parses and uses only English's arguments`, () => {
      for (const k of en_keys) {
        const msg = (catalogs[l] as Record<string, string>)[k]!;
        expect(() => new IntlMessageFormat(msg, l), `${l} ${k}`).not.toThrow();
        const mine = args_of(parse(msg));
        const theirs = args_of(parse((en as Record<string, string>)[k]!));
        for (const a of mine) expect(theirs.has(a), `${l} ${k} uses {${a}} that English does not`).toBe(true);
      }
    });
  }
  it('no translation is left identical to English where the words differ (spot check)', () => {
    for (const l of locales.filter((x) => x !== 'en'))
      for (const k of ['nav.overview', 'signin.submit', 'comments.post', 'reject.conflict', 'theme.politics'] as const)
        expect(catalogs[l][k], `${l} ${k}`).not.toBe(en[k]);
  });
});

describe('loading a language', () => {
  it('the last language asked for wins, each shown only once its catalogue is loaded', async () => {
    const { show_locale } = await import('../src/i18n');
    const was = lang.value;
    const a = show_locale('fr');
    const b = show_locale('ar');
    expect(await a).toBe(false);
    expect(await b).toBe(true);
    expect(lang.value).toBe('ar');
    expect(t('nav.overview')).toBe(ar['nav.overview']);
    await show_locale(was);
  });
});

describe('formatting', () => {
  it('picks the browser language by primary subtag, else English', () => {
    expect(pick_locale(['fr-CA', 'en'])).toBe('fr');
    expect(pick_locale(['de-DE', 'zh-Hans-CN'])).toBe('zh');
    expect(pick_locale(['de'])).toBe('en');
  });
  it('plural and select through ICU', () => {
    expect(t('overview.pledge_count', { n: 1 }, 'en')).toBe('1 pledge');
    expect(t('overview.pledge_count', { n: 3 }, 'en')).toBe('3 pledges');
    expect(t('overview.pledge_count', { n: 5 }, 'ru')).not.toBe(t('overview.pledge_count', { n: 2 }, 'ru').replace('2', '5'));
    expect(t('overview.pledge_count', { n: 11 }, 'ar')).toMatch(/١١|11/);
  });
  it('dates name the zone; percentages follow the locale', () => {
    expect(fmt_datetime('2026-11-29T13:05:00Z', 'en')).toMatch(/^2026-11-29 \d\d:\d\d \S+/);
    expect(fmt_percent(0.25, 'fr')).toMatch(/25\s%/);
    expect(fmt_percent(0.25, 'en')).toBe('25%');
  });
  it('language tags: validation, direction, and marking content in another language', () => {
    expect(valid_lang_tag('fr')).toBe(true);
    expect(valid_lang_tag('zh-Hans')).toBe(true);
    expect(valid_lang_tag('not a tag')).toBe(false);
    expect(valid_lang_tag('x')).toBe(false);
    expect(dir_of('ar')).toBe('rtl');
    expect(dir_of('ar-EG')).toBe('rtl');
    expect(dir_of('fr')).toBe('ltr');
    const was = lang.value;
    lang.value = 'fr';
    expect(content_lang('fr-CA')).toEqual({});
    expect(content_lang('ar')).toEqual({ lang: 'ar', dir: 'rtl' });
    expect(content_lang(null)).toEqual({ dir: 'auto' });
    lang.value = was;
  });
  it('reject codes are words of the UI language, not the server message', () => {
    for (const code of ['bad_request', 'forbidden', 'not_found', 'conflict', 'locked', 'rate_limited', 'too_large', 'unavailable'])
      for (const l of locales) expect((catalogs[l] as Record<string, string>)[`reject.${code}`], `${l} ${code}`).toBeTruthy();
  });
});

// ---- the literal scan --------------------------------------------------------------------

const src = new URL('../src/', import.meta.url).pathname;
function tsx_files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsx_files(p) : p.endsWith('.tsx') ? [p] : [];
  });
}

/** Attributes whose value a user reads or hears. */
const user_attrs = new Set([
  'title', 'aria-label', 'aria-valuetext', 'placeholder', 'alt', 'label', 'legend', 'submit_label', 'caption',
  'impact_legend', 'description', 'what', 'save_label',
]);
/** Text with no letter (symbols, punctuation, numbers) needs no translation. */
const has_letters = (s: string) => /\p{L}/u.test(s);
/** The few literals that are not words of a language: the product's own name in its logo slot
 * is a message too, so this list is only for codes shown as codes. */
const allow = new Set<string>(['G10']);

function literals_in(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const report = (node: ts.Node, s: string) => {
    const v = s.replace(/\s+/g, ' ').trim();
    if (has_letters(v) && !allow.has(v)) found.push(`${file.slice(src.length)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${v}`);
  };
  /** Strings that end up as rendered text: directly, or through ?:, ||, ??, && and parentheses. */
  const rendered = (e: ts.Expression) => {
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) report(e, e.text);
    else if (ts.isTemplateExpression(e)) report(e, [e.head.text, ...e.templateSpans.map((x) => x.literal.text)].join(' '));
    else if (ts.isConditionalExpression(e)) (rendered(e.whenTrue), rendered(e.whenFalse));
    else if (ts.isBinaryExpression(e) && [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.AmpersandAmpersandToken].includes(e.operatorToken.kind))
      (rendered(e.left), rendered(e.right));
    else if (ts.isParenthesizedExpression(e)) rendered(e.expression);
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) report(node, node.text);
    else if (ts.isJsxExpression(node) && node.expression && !ts.isJsxAttribute(node.parent)) rendered(node.expression);
    else if (ts.isJsxAttribute(node) && user_attrs.has(node.name.getText(sf)) && node.initializer) {
      const init = node.initializer;
      if (ts.isStringLiteral(init)) report(init, init.text);
      else if (ts.isJsxExpression(init) && init.expression) rendered(init.expression);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('no literal user-facing strings in components', () => {
  it('every .tsx renders only text from the i18n layer (or from data)', () => {
    const files = tsx_files(src);
    expect(files.length).toBeGreaterThan(30);
    expect(files.flatMap(literals_in)).toEqual([]);
  });
  it('the public site is scanned too, and takes its words from the catalogues', () => {
    const pub = tsx_files(join(src, 'public'));
    expect(pub.map((f) => f.slice(src.length))).toContain('public/app.tsx');
    const code = readdirSync(join(src, 'public'))
      .map((n) => readFileSync(join(src, 'public', n), 'utf8'))
      .join('\n');
    // Every public.* message is used there (none left behind), and t() is the i18n layer's.
    for (const k of en_keys.filter((k) => k.startsWith('public.'))) expect(code, k).toContain(`'${k}'`);
    expect(code).toMatch(/import \{[^}]*\bt\b[^}]*\} from '\.\.\/i18n'/);
  });
  it('the scan catches a literal (self-test)', () => {
    const probe = join(src, '..', 'test', 'fixtures', 'literal_probe.tsx');
    expect(literals_in(probe).map((x) => x.replace(/^[^:]*:\d+: /, ''))).toEqual(["Close", "Hello there", "Yes", "No", "Total: items"]);
  });
});

describe('the stylesheet', () => {
  it('has no physical left or right (CSS logical properties throughout, so Arabic mirrors)', () => {
    const css = readFileSync(join(src, 'styles.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    const physical = css
      .split('\n')
      .map((line, i) => [i + 1, line] as const)
      .filter(([, line]) => /(^|[^-\w])(left|right)\b|-(left|right)\b/.test(line));
    expect(physical.map(([n, l]) => `${n}: ${l.trim()}`)).toEqual([]);
  });
});

describe('the connection badge', () => {
  it('reads offline through the retries of an outage, and catching up only once the server answered', async () => {
    const { shown_status } = await import('../src/ui/model');
    // offline -> retry (resyncing, not reached) -> offline -> retry ...: one state throughout.
    expect(['offline', 'resyncing', 'offline', 'resyncing'].map((s) => shown_status(s as never, false))).toEqual([
      'offline',
      'offline',
      'offline',
      'offline',
    ]);
    expect(shown_status('resyncing', true)).toBe('resyncing');
    expect(shown_status('connecting', false)).toBe('connecting');
    expect(shown_status('live', true)).toBe('live');
  });
});
