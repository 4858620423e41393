// End-to-end: the public A4P dashboard (issue 15's acceptance) in Debian's Chromium against a
// real a4pd with the demo workspace. An anonymous context, never signed in: sees a pledge only
// after its organisation publishes it; sees its new progress report live, without a reload;
// never sees a restricted discussion, a comment, an unpublished pledge or a user name (the
// whole DOM of every page visited and every public API response are searched); sees the
// pledge disappear live when publication is withdrawn; loses a category live when the
// Secretariat switches it off on its administration screen. Plus axe-core and 390 px on every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api_token, assert_no_serious_axe, eventually, open_as, screenshot, start_suite, stop_suite } from './harness.mjs';

const T = { timeout: 120_000 };
const uniq = Math.random().toString(36).slice(2, 7);
const pledge_title = `Public e2e pledge ${uniq}`;
const report_note = `Live public report ${uniq}`;
const private_texts = [
  `Restricted e2e discussion ${uniq}`,
  `Restricted agenda ${uniq}`,
  `Comment never public ${uniq}`,
  `Unpublished e2e pledge ${uniq}`,
];

let server;
let browser;
let data_dir;
const contexts = [];
const tokens = {};
const api_bodies = []; // every /public/api response the anonymous page received

async function sign_in(user) {
  tokens[user] = await api_token(server.url, user);
}

let command_n = 0;
async function command(user, name, args) {
  const r = await fetch(`${server.url}/api/commands`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens[user]}` },
    body: JSON.stringify({ type: 'command', id: `e2e-public-${uniq}-${++command_n}`, name, args }),
  });
  const body = await r.json();
  assert.equal(r.status, 200, `${name}: ${JSON.stringify(body)}`);
  return body;
}

/** Everything that must never be public: users, discussions, comments, opinions, unpublished pledges. */
async function secrets() {
  const r = await fetch(`${server.url}/api/state`, { headers: { Authorization: `Bearer ${tokens['un.secretariat']}` } });
  const s = await r.json();
  const out = new Set(private_texts);
  const add = (v) => typeof v === 'string' && v.length >= 8 && out.add(v);
  for (const u of Object.values(s.users)) add(u.id), add(u.name);
  for (const d of Object.values(s.discussions)) add(d.title), add(d.agenda);
  for (const c of Object.values(s.comments)) add(c.body);
  for (const o of Object.values(s.opinions)) add(o.text);
  for (const p of Object.values(s.pledges)) if (!p.published) add(p.title), add(p.description);
  return [...out];
}

function assert_clean(where, text, hidden) {
  for (const h of hidden) {
    const escaped = JSON.stringify(h).slice(1, -1);
    assert.ok(!text.includes(h) && !text.includes(escaped), `${where} shows "${h}"`);
  }
}

async function no_sideways_scroll(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 391, `${what} scrolls sideways at 390 px (scrollWidth ${width})`);
}

describe('the public dashboard, anonymous and live', { concurrency: false }, () => {
  let anon; // the anonymous page, never reloaded between the live steps
  let pledge_id;

  before(async () => {
    ({ data_dir, server, browser } = await start_suite());
    for (const u of ['un.secretariat', 'gha.delegate', 'nld.delegate']) await sign_in(u);
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    anon = await context.newPage();
    anon.on('pageerror', (e) => console.error(`[anonymous] page error: ${e.message}`));
    anon.on('response', async (r) => {
      if (!r.url().includes('/public/api/') || r.url().includes('/feed')) return;
      api_bodies.push({ url: r.url(), text: await r.text().catch(() => '') });
    });
  });
  after(() => stop_suite({ contexts, browser, server, data_dir }));

  test('a pledge appears only once its organisation publishes it, without a reload', T, async () => {
    const created = await command('gha.delegate', 'pledge.create', {
      theme: 'politics',
      title: pledge_title,
      description: 'A pledge made by the e2e test',
      output: { indicator: 'Officers trained', target: '40' },
      impact: { indicator: 'Incidents reported', target: 'down by a third' },
    });
    pledge_id = created.result.id;
    await command('gha.delegate', 'pledge.create', {
      theme: 'politics',
      title: private_texts[3],
      description: 'never published',
      output: { indicator: 'x', target: 'y' },
    });
    await anon.goto('/public');
    await anon.getByRole('heading', { level: 1, name: 'A4P public dashboard' }).waitFor();
    await eventually(async () => (await anon.locator('.conn-live').count()) === 1, { what: 'the public feed live' });
    assert.ok(!(await anon.content()).includes(pledge_title), 'an unpublished pledge is on the public overview');
    await anon.evaluate(() => {
      window.__no_reload = true;
    });
    // GHA publishes it in the workspace.
    const { context: gha_context, page: gha } = await open_as(browser, server.url, 'gha.delegate', `#/pledge/${pledge_id}`);
    contexts.push(gha_context);
    await gha.getByRole('button', { name: 'Publish on the public dashboard' }).click();
    await gha.getByRole('button', { name: 'Withdraw from the public dashboard' }).waitFor();
    await anon.getByRole('link', { name: pledge_title }).first().waitFor({ timeout: 10_000 });
    assert.equal(await anon.evaluate(() => window.__no_reload), true, 'the page reloaded');
    assert.match(await anon.title(), /A4P public dashboard/);
  });

  test('the pledge page shows output and impact, and a new report arrives live', T, async () => {
    await anon.getByRole('link', { name: pledge_title }).first().click();
    await anon.waitForURL(`**/public/pledge/${pledge_id}`);
    await anon.getByRole('heading', { level: 2, name: 'Output' }).waitFor();
    await anon.getByRole('heading', { level: 2, name: 'Impact' }).waitFor();
    assert.match(await anon.title(), new RegExp(pledge_title));
    const description = await anon.locator('meta[name="description"]').getAttribute('content');
    assert.ok(description?.includes(pledge_title), `meta description: ${description}`);
    // As a link-preview bot gets it, with no script run: a4pd wrote the title and tags (ADR 0318).
    const raw = await anon.request.get(`/public/pledge/${pledge_id}`);
    assert.equal(raw.status(), 200);
    const html = await raw.text();
    assert.match(html, new RegExp(`<title>${pledge_title}: pledge by Ghana \\| A4P public dashboard</title>`));
    assert.match(html, new RegExp(`<meta property="og:title" content="${pledge_title}: pledge by Ghana"`));
    assert.match(html, /<meta property="og:description" content="Ghana pledged under Political solutions: /);
    assert.match(await (await anon.request.get(`/public/fr/pledge/${pledge_id}`)).text(), /<html lang="fr" dir="ltr">[\s\S]*engagement de Ghana/);
    await command('gha.delegate', 'pledge.report', {
      id: pledge_id,
      status: 'on_track',
      progress: 55,
      note: report_note,
      evidence: ['https://example.org/e2e-evidence'],
      attribution: { statement: 'New training under A4P', preexisting: false, confidence: 'medium' },
    });
    await anon.getByText(report_note).waitFor({ timeout: 10_000 });
    await anon.getByText('New training under A4P').waitFor();
    assert.equal(await anon.evaluate(() => window.__no_reload), true, 'the page reloaded');
    await screenshot(anon, 'public-pledge');
  });

  test('no restricted discussion, comment, unpublished pledge or user name anywhere public', T, async () => {
    await command('nld.delegate', 'discussion.convene', {
      theme: 'protection',
      title: private_texts[0],
      agenda: private_texts[1],
      visibility: 'restricted',
      invitees: ['BGD'],
    });
    await command('gha.delegate', 'comment.post', { target: `pledge:${pledge_id}`, body: private_texts[2] });
    const hidden = await secrets();
    assert.ok(hidden.includes('gha.delegate') && hidden.includes(private_texts[0]), 'the secrets list is complete');
    const pages = ['/public', `/public/pledge/${pledge_id}`, '/public/theme/politics', '/public/theme/protection', '/public/org/GHA', '/public/orgs', '/public/coverage', '/public/data'];
    for (const path of pages) {
      await anon.goto(path);
      await anon.locator('main h1').first().waitFor();
      await eventually(async () => !(await anon.content()).includes('Loading…'), { what: `${path} loaded` });
      assert_clean(`the DOM of ${path}`, await anon.content(), hidden);
    }
    for (const f of ['state.json', 'pledges.json', 'pledges.csv', 'reports.json', 'reports.csv', 'themes.json', 'themes.csv', 'orgs.json', 'orgs.csv', 'coverage.json', 'coverage.csv']) {
      const r = await anon.request.get(`/public/api/${f}`);
      assert.equal(r.status(), 200, f);
      api_bodies.push({ url: f, text: await r.text() });
    }
    assert.ok(api_bodies.length > 11);
    for (const b of api_bodies) assert_clean(b.url, b.text, hidden);
  });

  test('withdrawing publication removes the pledge live', T, async () => {
    await anon.goto(`/public/pledge/${pledge_id}`);
    await anon.getByText(report_note).waitFor();
    await anon.evaluate(() => {
      window.__no_reload = true;
    });
    await command('gha.delegate', 'pledge.withdraw_publication', { id: pledge_id });
    await anon.getByRole('heading', { level: 1, name: 'Not found' }).waitFor({ timeout: 10_000 });
    assert.ok(!(await anon.content()).includes(report_note));
    assert.equal(await anon.evaluate(() => window.__no_reload), true, 'the page reloaded');
    await anon.goto('/public');
    await anon.getByRole('heading', { level: 2, name: 'Published pledges' }).waitFor();
    assert.ok(!(await anon.content()).includes(pledge_title));
  });

  test('axe-core finds nothing serious, and every page works at 390 px', T, async () => {
    await command('gha.delegate', 'pledge.publish', { id: pledge_id });
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 } });
    contexts.push(context);
    const narrow = await context.newPage();
    for (const path of ['/public', `/public/pledge/${pledge_id}`, '/public/theme/politics', '/public/org/GHA', '/public/orgs', '/public/coverage', '/public/data']) {
      for (const page of [anon, narrow]) {
        await page.goto(path);
        await page.locator('main h1').first().waitFor();
        await eventually(async () => !(await page.content()).includes('Loading…'), { what: `${path} loaded` });
        await assert_no_serious_axe(page, path);
      }
      await no_sideways_scroll(narrow, path);
    }
    await screenshot(narrow, 'public-overview-390');
  });

  test('the Secretariat switches a category off on its screen, and an anonymous page loses it live', T, async () => {
    const gaps = (page) => page.locator('section[aria-labelledby="gap-h"]');
    await anon.goto('/public/theme/politics');
    await gaps(anon).locator('li.gap').first().waitFor();
    await anon.evaluate(() => {
      window.__no_reload = true;
    });
    const { context, page: sec } = await open_as(browser, server.url, 'un.secretariat', '#/admin/public');
    contexts.push(context);
    const gaps_switch = sec.locator('#public-gaps');
    await gaps_switch.waitFor();
    assert.equal(await gaps_switch.isChecked(), true, 'gaps are public by default');
    assert.equal(await sec.locator('#public-categories input[role="switch"]').count(), 7);
    await assert_no_serious_axe(sec, 'the public dashboard administration');
    await gaps_switch.uncheck();
    await sec.getByText('Saved.').waitFor();
    // Live: the open anonymous page says so without a reload, and the API has no gap left.
    await gaps(anon).getByText('Not published by the Secretariat.').waitFor({ timeout: 10_000 });
    assert.equal(await gaps(anon).locator('li.gap').count(), 0);
    assert.equal(await anon.evaluate(() => window.__no_reload), true, 'the page reloaded');
    const st = await (await anon.request.get('/public/api/state.json')).json();
    assert.equal(st.categories.gaps, false);
    assert.deepEqual(st.gaps, []);
    // The screen, read again, shows it off; switched back on, the gaps return live.
    await sec.reload();
    await gaps_switch.waitFor();
    assert.equal(await gaps_switch.isChecked(), false);
    await screenshot(sec, 'admin-public-categories');
    await gaps_switch.check();
    await gaps(anon).locator('li.gap').first().waitFor({ timeout: 10_000 });
    assert.equal(await anon.evaluate(() => window.__no_reload), true, 'the page reloaded');
  });
});
