// Issue 17's acceptance, end to end in Debian's Chromium against a real a4pd: for each of the
// six UN languages (the browser's language picks it), sign in, the overview, a theme, a
// pledge, a discussion and the audit timeline, each screenshotted to
// $A4P_SCREENSHOTS/i18n/<lang>-<view>.png; Arabic is right to left with the navigation on
// the right; axe-core finds nothing serious in Arabic and French; a pledge created in French
// keeps its language tag through live sync, a reload (replay) and the export (/api/events);
// the language chosen in the menu is the user's preference on the server, so it survives
// sign-out and sign-in in a new browser context. The public site takes its language from the
// URL (/public/<lang>/...: html lang and dir, its words, axe in Arabic and French), its language
// menu moves to the same page in another language, and a published French pledge keeps its tag
// in the public API and on its public page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assert_no_serious_axe, demo_password, eventually, go, screenshot, start_suite, stop_suite, wait_live } from './harness.mjs';

const T = { timeout: 180_000 };
/** Each language with a browser locale that picks it. */
const languages = [
  ['en', 'en-US'],
  ['fr', 'fr-FR'],
  ['es', 'es-ES'],
  ['ru', 'ru-RU'],
  ['zh', 'zh-CN'],
  ['ar', 'ar-EG'],
];

let server;
let browser;
let data_dir;
const contexts = [];

/** A fresh browser context whose language is `locale` (navigator.languages, Accept-Language). */
async function context_in(locale) {
  const context = await browser.newContext({ baseURL: server.url, locale, viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${locale}] page error: ${e.message}`));
  return page;
}

/** Signs in with the form, whatever its language (the button is located by role, not text). */
async function sign_in(page, user) {
  await page.goto('/#/');
  await page.locator('#sign-in-form').waitFor();
  await page.locator('#username').fill(user);
  await page.locator('#password').fill(demo_password);
  await page.locator('#sign-in-form button[type="submit"]').click();
  await wait_live(page);
}

const html_lang = (page) => page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
const api = (page, path) => page.evaluate((p) => fetch(p, { credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : null)), path);
const api_text = (page, path) => page.evaluate((p) => fetch(p, { credentials: 'same-origin' }).then((r) => r.text()), path);
const shot = (page, lang, view) => screenshot(page, `i18n/${lang}-${view}`);

/** The public API's published pledges (anonymous). */
const public_pledges = async (page) => (await api(page, '/public/api/pledges.json')).pledges;

describe('the six UN languages (issue 17)', { concurrency: false }, () => {
  before(async () => {
    ({ data_dir, server, browser } = await start_suite());
  });
  after(() => stop_suite({ contexts, browser, server, data_dir }));

  for (const [lang, locale] of languages) {
    test(`${lang}: sign-in, overview, theme, pledge, discussion and audit timeline, in ${lang}`, T, async () => {
      const page = await context_in(locale);
      await page.goto('/#/');
      await page.locator('#sign-in-form').waitFor();
      assert.deepEqual(await html_lang(page), [lang, lang === 'ar' ? 'rtl' : 'ltr'], 'the browser language picks the UI language');
      assert.equal(await page.locator('#language-menu').inputValue(), lang);
      await shot(page, lang, '01-sign-in');

      await sign_in(page, 'gbr.delegate');
      const st = await api(page, '/api/state');
      const pledge = Object.values(st.pledges).find((p) => p.theme === 'politics') ?? Object.values(st.pledges)[0];
      const discussion = Object.values(st.discussions).find((d) => d.state === 'open' && d.visibility === 'open');
      assert.ok(pledge && discussion, 'the demo has a pledge and an open discussion');
      const views = [
        ['02-overview', '#/'],
        ['03-theme', '#/theme/politics'],
        ['04-pledge', `#/pledge/${pledge.id}`],
        ['05-discussion', `#/discussion/${discussion.id}`],
      ];
      for (const [name, hash] of views) {
        await go(page, hash);
        await page.locator('#page-title').waitFor();
        if (name === '02-overview') await page.locator('#coverage-grid').waitFor();
        assert.deepEqual(await html_lang(page), [lang, lang === 'ar' ? 'rtl' : 'ltr']);
        await shot(page, lang, name);
        if (lang === 'ar' || lang === 'fr') await assert_no_serious_axe(page, `${name} in ${lang}`);
      }
      // The English words of the navigation are not on a page in another language.
      const nav_text = await page.locator('nav').first().textContent();
      if (lang !== 'en') assert.ok(!nav_text.includes('Overview') && !nav_text.includes('Reporting rounds'), `nav in ${lang}: ${nav_text}`);

      if (lang === 'ar') {
        // Right to left: the brand at the right edge, the navigation to its left and its first
        // entry (the overview) to the right of the next one.
        const width = page.viewportSize().width;
        const brand = await page.locator('.brand').boundingBox();
        const nav = await page.locator('header nav').boundingBox();
        const links = page.locator('header nav a');
        const first = await links.nth(0).boundingBox();
        const second = await links.nth(1).boundingBox();
        assert.ok(brand.x + brand.width > width - 40, `brand at the right edge (${JSON.stringify(brand)})`);
        assert.ok(nav.x + nav.width > width / 2, `navigation on the right half (${JSON.stringify(nav)})`);
        assert.ok(first.x > second.x, 'the first entry is to the right of the second');
        assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('main')).direction), 'rtl');
      }

      // The audit timeline, as the auditor, in the same language.
      const aud = await context_in(locale);
      await sign_in(aud, 'un.auditor');
      await go(aud, '#/audit');
      await aud.locator('#asof-banner').waitFor({ timeout: 20_000 });
      await aud.locator('.past').waitFor({ timeout: 20_000 });
      assert.deepEqual(await html_lang(aud), [lang, lang === 'ar' ? 'rtl' : 'ltr']);
      await shot(aud, lang, '06-audit-timeline');
      if (lang === 'ar' || lang === 'fr') await assert_no_serious_axe(aud, `audit timeline in ${lang}`);

      // The public overview in this language, from its URL (any browser language would do).
      await page.goto(`/public/${lang}/`);
      await page.locator('main h1').first().waitFor();
      await page.locator('#pub-status-cap').waitFor();
      assert.deepEqual(await html_lang(page), [lang, lang === 'ar' ? 'rtl' : 'ltr'], 'the URL sets the public page language');
      assert.equal(await page.locator('#language-menu').inputValue(), lang);
      const pub_nav = await page.locator('header nav').textContent();
      if (lang !== 'en') assert.ok(!pub_nav.includes('Coverage') && !pub_nav.includes('Open data'), `public nav in ${lang}: ${pub_nav}`);
      // Its links stay in this language.
      assert.equal(await page.locator('header nav a').nth(1).getAttribute('href'), `/public/${lang}/coverage`);
      if (lang === 'ar') {
        const width = page.viewportSize().width;
        const brand = await page.locator('.brand').boundingBox();
        assert.ok(brand.x + brand.width > width - 40, `public brand at the right edge (${JSON.stringify(brand)})`);
      }
      await shot(page, lang, '07-public-overview');
      if (lang === 'ar' || lang === 'fr') await assert_no_serious_axe(page, `public overview in ${lang}`);
    });
  }

  test('a pledge created in French keeps its language tag: live, after a reload, in the export', T, async () => {
    const fr = await context_in('fr-FR');
    await sign_in(fr, 'gbr.delegate');
    const en = await context_in('en-GB');
    await sign_in(en, 'nld.delegate');

    await go(fr, '#/mine');
    const title = `Former des médiatrices ${Math.random().toString(36).slice(2, 7)}`;
    await fr.locator('#np-title').fill(title);
    await fr.locator('#np-desc').fill('Première ligne.\nDeuxième ligne.');
    await fr.locator('#np-oi').fill('Médiatrices formées');
    await fr.locator('#np-ot').fill('40');
    await fr.locator('#create-pledge button[type="submit"]').click();
    await eventually(async () => (await fr.evaluate(() => location.hash)).startsWith('#/pledge/'), { what: 'the new pledge page' });
    const hash = await fr.evaluate(() => location.hash);
    const id = hash.slice('#/pledge/'.length);
    // The author's page is in French: no mark, and the text is in the page's language.
    await fr.locator('#page-title', { hasText: title }).waitFor();
    assert.equal(await fr.locator('#pledge-lang').count(), 0);

    // Live: the English reader's open overview gets it, and its page says it is in French.
    await go(en, hash);
    await en.locator('#page-title', { hasText: title }).waitFor({ timeout: 10_000 });
    assert.equal(await en.locator('#pledge-lang').getAttribute('data-lang'), 'fr');
    assert.equal(await en.locator('#pledge-description').getAttribute('lang'), 'fr');
    assert.match(await en.locator('#pledge-lang').textContent(), /French/);
    await shot(en, 'en', '08-pledge-in-french');

    // Replay: a reload rebuilds the state from a snapshot of the log.
    await en.reload();
    await wait_live(en);
    await go(en, hash);
    await en.locator('#page-title', { hasText: title }).waitFor();
    assert.equal(await en.locator('#pledge-description').getAttribute('lang'), 'fr');

    // Export: the event as served by /api/events carries the tag.
    const lines = (await api_text(en, '/api/events?after=0&limit=100000')).trim().split('\n').map((l) => JSON.parse(l));
    const created = lines.find((e) => e.name === 'pledge.created' && e.data?.id === id);
    assert.ok(created, 'the pledge.created event is exported');
    assert.equal(created.data.lang, 'fr');
    // And the state read.
    const st = await api(en, '/api/state');
    assert.equal(st.pledges[id].lang, 'fr');

    // The public API and page: GBR publishes it from its French page.
    assert.ok(!(await public_pledges(en)).some((p) => p.id === id), 'not public before it is published');
    await fr.locator('#publish-button').click();
    await eventually(async () => (await public_pledges(en)).some((p) => p.id === id), { what: 'the pledge in the public API' });
    assert.equal((await public_pledges(en)).find((p) => p.id === id).lang, 'fr');
    await en.goto(`/public/en/pledge/${id}`);
    await en.locator('main h1', { hasText: title }).waitFor();
    assert.equal(await en.locator('#pledge-description').getAttribute('lang'), 'fr');
  });

  test('an Arabic comment inside a French page is right to left and marked', T, async () => {
    const ar = await context_in('ar-EG');
    await sign_in(ar, 'bgd.delegate');
    const fr = await context_in('fr-FR');
    await sign_in(fr, 'eth.delegate');
    const st = await api(ar, '/api/state');
    const d = Object.values(st.discussions).find((x) => x.state === 'open' && x.visibility === 'open');
    await go(ar, `#/discussion/${d.id}`);
    await go(fr, `#/discussion/${d.id}`);
    const text = `مرحبا بالجميع ${Math.random().toString(36).slice(2, 6)}`;
    await ar.locator('.comment-form textarea').last().fill(text);
    await ar.locator('.comment-form button[type="submit"]').last().click();
    const body = fr.locator('li.comment .comment-body', { hasText: text });
    await body.waitFor({ timeout: 10_000 });
    assert.equal(await body.getAttribute('lang'), 'ar');
    assert.equal(await body.getAttribute('dir'), 'rtl');
    assert.equal(await body.evaluate((el) => getComputedStyle(el).direction), 'rtl');
    await shot(fr, 'fr', '09-arabic-comment-in-french-page');
  });

  test('the public site: the URL names the language, and the menu moves to it', T, async () => {
    const page = await context_in('en-US');
    await page.goto('/public/coverage');
    await page.locator('main h1').first().waitFor();
    assert.deepEqual(await html_lang(page), ['en', 'ltr'], 'no language in the URL: the browser\'s');
    await page.locator('#language-menu').selectOption('ar');
    await eventually(async () => (await page.evaluate(() => location.pathname)) === '/public/ar/coverage', { what: 'the Arabic URL' });
    await eventually(async () => (await html_lang(page)).join() === 'ar,rtl', { what: 'the page in Arabic' });
    const arabic = /[\u0600-\u06FF]/;
    await eventually(async () => arabic.test(await page.locator('main h1').first().textContent()), { what: 'an Arabic heading' });
    assert.match(await page.title(), arabic, 'the title in Arabic');
    assert.ok(!(await page.locator('header nav').textContent()).includes('Coverage'));
    await assert_no_serious_axe(page, 'public coverage in Arabic');
    // Back to the URL without a language: the language picked in the menu is remembered.
    await page.goBack();
    await eventually(async () => (await page.evaluate(() => location.pathname)) === '/public/coverage', { what: 'back' });
    assert.deepEqual(await html_lang(page), ['ar', 'rtl']);
    // A theme page in Arabic, right to left, its name from the catalogue, and axe.
    await page.goto('/public/ar/theme/politics');
    await page.locator('section[aria-labelledby="gap-h"]').waitFor();
    assert.deepEqual(await html_lang(page), ['ar', 'rtl']);
    assert.match(await page.locator('main h1').textContent(), arabic);
    await assert_no_serious_axe(page, 'public theme in Arabic');
    await shot(page, 'ar', '12-public-theme');
    await page.goto('/public/fr/coverage');
    await eventually(async () => (await html_lang(page)).join() === 'fr,ltr', { what: 'a French URL in French' });
    await shot(page, 'fr', '11-public-coverage-from-url');
  });

  test('the language preference survives sign-out and sign-in in a new context', T, async () => {
    const page = await context_in('en-US');
    await sign_in(page, 'nor.delegate');
    assert.deepEqual(await html_lang(page), ['en', 'ltr']);
    await page.locator('#language-menu').selectOption('es');
    await eventually(async () => (await html_lang(page))[0] === 'es', { what: 'the page in Spanish' });
    await eventually(async () => (await api(page, '/api/state')).users['nor.delegate'].lang === 'es', {
      what: 'the preference in the log',
    });
    await page.locator('.who button').click();
    await page.locator('#sign-in-form').waitFor();

    const other = await context_in('en-US');
    await other.goto('/#/');
    await other.locator('#sign-in-form').waitFor();
    assert.deepEqual(await html_lang(other), ['en', 'ltr'], 'a new browser starts in its own language');
    await sign_in(other, 'nor.delegate');
    await eventually(async () => (await html_lang(other))[0] === 'es', { what: 'the preference applied after sign-in' });
    assert.equal(await other.locator('#language-menu').inputValue(), 'es');
    await shot(other, 'es', '10-preference-after-sign-in');
  });
});
