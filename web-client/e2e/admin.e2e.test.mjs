// End-to-end: online administration in the browser against ONE running a4pd, never restarted
// (issue 14's acceptance): the Secretariat adds an organisation and invites a user; the
// invitee opens the link in a fresh browser context, sets a password and lands signed in,
// posts a comment; the Secretariat disables the invitee, whose open page is signed out at
// once; the link no longer works. Plus: members get no administration, the admin screens pass
// axe-core and work at 390 px.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assert_no_serious_axe,
  eventually,
  go,
  open_as,
  screenshot,
  start_suite,
  stop_suite,
  wait_live,
} from './harness.mjs';

const T = { timeout: 120_000 };
const uniq = Math.random().toString(36).slice(2, 6).toUpperCase();
const org_code = `Q${uniq}`; // no demo org starts with Q
const invitee = `q${uniq.toLowerCase()}.delegate`;
const invitee_password = 'a long enough passphrase';

let server;
let browser;
let data_dir;
const contexts = [];

async function as(user, hash) {
  const r = await open_as(browser, server.url, user, hash);
  contexts.push(r.context);
  return r.page;
}

async function fresh_page() {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[fresh] page error: ${e.message}`));
  return page;
}

async function no_sideways_scroll(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 391, `${what} scrolls sideways at 390 px (scrollWidth ${width})`);
}

describe('online administration against one running a4pd', { concurrency: false }, () => {
  let sec; // the Secretariat's page, open throughout
  let link; // the invitation link, as shown once
  let invitee_page;

  before(async () => {
    ({ data_dir, server, browser } = await start_suite());
  });
  after(() => stop_suite({ contexts, browser, server, data_dir }));

  test('members and auditors get no administration: no nav entry, the route is refused', T, async () => {
    for (const user of ['gbr.delegate', 'un.auditor']) {
      const page = await as(user);
      assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0, `${user} sees no entry`);
      await go(page, '#/admin/users');
      await page.locator('#admin-refused').waitFor();
      assert.equal(await page.locator('#user-table').count(), 0);
      assert.equal(await page.locator('#add-user-form').count(), 0);
    }
  });

  test('1. the Secretariat adds an organisation, edits it, and endorses it', T, async () => {
    sec = await as('un.secretariat');
    await sec.getByRole('link', { name: 'Administration' }).click();
    await sec.locator('#org-table').waitFor();
    await screenshot(sec, '30-admin-orgs');
    await assert_no_serious_axe(sec, 'admin organisations');

    // Search narrows the list.
    await sec.getByLabel(/Search organisations/).fill('G10');
    await eventually(
      async () => {
        const groups = await sec.locator('#org-table tbody tr td:nth-child(5)').allTextContents();
        return groups.length >= 1 && groups.every((g) => /G10/.test(g));
      },
      { what: 'only G10 members listed' },
    );
    await sec.getByLabel(/Search organisations/).fill('');

    const form = sec.locator('#add-org-form');
    await form.getByLabel('Code').fill(org_code);
    await form.getByLabel('Name').fill(`Quuxland ${uniq}`);
    await form.getByLabel('Region').selectOption('WEOG');
    await form.getByLabel('Groups').fill('TCC');
    await form.getByLabel('Endorses the Declaration').uncheck();
    await form.getByRole('button', { name: 'Add organisation' }).click();
    await form.getByText('Saved.').waitFor();
    await sec.getByLabel(/Search organisations/).fill(org_code);
    const row = sec.locator(`#org-table tr[data-org="${org_code}"]`);
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /WEOG.*TCC.*No/);

    // Edit name, region and groups; then record the endorsement.
    await row.getByRole('link').click();
    await sec.locator('#edit-org-form').waitFor();
    await assert_no_serious_axe(sec, 'admin organisation');
    await sec.locator('#edit-org-name').fill(`Republic of Quuxland ${uniq}`);
    await sec.locator('#edit-org-region').selectOption('EEG');
    await sec.locator('#edit-org-groups').fill('TCC, PCC');
    await sec.getByRole('button', { name: 'Save changes' }).click();
    await sec.locator('#edit-org-form').getByText('Saved.').waitFor();
    await sec.locator('#page-title', { hasText: `Republic of Quuxland ${uniq}` }).waitFor();
    await sec.getByRole('button', { name: 'Record endorsement' }).click();
    await sec.locator('#endorse-state', { hasText: 'endorses the Declaration: its members may' }).waitFor();
    await screenshot(sec, '31-admin-org');

    // Every act is an event with its author.
    const hist = await sec.evaluate(async (id) => (await fetch(`/api/history?entity=org:${id}`)).json(), org_code);
    assert.deepEqual(
      hist.events.map((e) => [e.name, e.actor.user]),
      [
        ['org.added', 'un.secretariat'],
        ['org.updated', 'un.secretariat'],
        ['org.updated', 'un.secretariat'],
      ],
    );
  });

  test('1. the Secretariat invites a user: the link is shown once, with a copy button', T, async () => {
    await go(sec, '#/admin/users');
    await sec.locator('#user-table').waitFor();
    await assert_no_serious_axe(sec, 'admin users');
    const form = sec.locator('#add-user-form');
    await form.getByLabel('User name').fill(invitee);
    await form.getByLabel('Full name').fill(`Quux Delegate ${uniq}`);
    await form.getByLabel('Organisation').selectOption(org_code);
    await form.getByLabel('Role').selectOption('member');
    await form.getByRole('button', { name: 'Add user and make an invitation link' }).click();
    const box = sec.locator('#one-time-link');
    await box.waitFor();
    await box.getByText('This link is shown only once.').waitFor();
    await box.getByText('It will not be shown again').waitFor();
    link = await box.locator('#otl-url').inputValue();
    assert.match(link, /^https?:\/\/[^/]+\/invite#[A-Za-z0-9_-]{40,}$/, `an invitation link, got ${link}`);
    await sec.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await box.getByRole('button', { name: 'Copy link' }).click();
    await box.getByText('Link copied.').waitFor();
    assert.equal(await sec.evaluate(() => navigator.clipboard.readText()), link);
    await screenshot(sec, '32-admin-invite-link');
    await assert_no_serious_axe(sec, 'admin users with the link');

    // The new user is listed, never signed in.
    await sec.getByLabel(/Search users/).fill(invitee);
    const row = sec.locator(`#user-table tr[data-user="${invitee}"]`);
    await row.waitFor();
    await eventually(async () => /never/.test((await row.textContent()) ?? ''), { what: 'never signed in' });

    // Shown once: hidden, it is gone from the page, and a reload does not bring it back.
    await box.getByRole('button', { name: 'Done, hide the link' }).click();
    assert.equal(await sec.locator('#one-time-link').count(), 0);
    assert.ok(!(await sec.content()).includes(link.slice(link.indexOf('#') + 1)), 'the token is gone from the page');
  });

  test('2. the invitee opens the link in a fresh context, sets a password and lands signed in', T, async () => {
    invitee_page = await fresh_page();
    await invitee_page.goto(link);
    await invitee_page.locator('#invite-form').waitFor();
    assert.equal(await invitee_page.locator('#page-title').textContent(), 'Set your password');
    assert.ok(!invitee_page.url().includes(link.slice(link.indexOf('#') + 1)), 'the token left the address bar');
    await screenshot(invitee_page, '33-invite');
    await assert_no_serious_axe(invitee_page, 'invitation page');

    // Errors are announced and tied to their fields.
    await invitee_page.getByLabel('New password').fill('short');
    await invitee_page.getByLabel('Confirm the password').fill('shorter');
    await invitee_page.getByRole('button', { name: 'Set password and sign in' }).click();
    await invitee_page.getByRole('alert').filter({ hasText: 'The password was not set' }).waitFor();
    assert.equal(await invitee_page.getByLabel('New password').getAttribute('aria-invalid'), 'true');
    assert.match((await invitee_page.locator('#new-password-error').textContent()) ?? '', /at least 10 characters/);
    assert.match((await invitee_page.locator('#confirm-password-error').textContent()) ?? '', /not the same/);
    assert.equal(await invitee_page.evaluate(() => document.activeElement?.id), 'new-password');
    await assert_no_serious_axe(invitee_page, 'invitation page with errors');

    await invitee_page.getByLabel('New password').fill(invitee_password);
    await invitee_page.getByLabel('Confirm the password').fill(invitee_password);
    await invitee_page.getByRole('button', { name: 'Set password and sign in' }).click();
    await wait_live(invitee_page);
    await invitee_page.locator('#coverage-grid').waitFor();
    await invitee_page.locator('.who', { hasText: `Quux Delegate ${uniq} (${org_code}` }).waitFor();
  });

  test('3. the invitee posts a comment, seen by the Secretariat', T, async () => {
    await go(invitee_page, '#/pledge/P1');
    await invitee_page.getByLabel('Your comment').fill(`Hello from ${org_code}`);
    await invitee_page.getByRole('button', { name: 'Post comment' }).click();
    await invitee_page.locator('li.comment', { hasText: `Hello from ${org_code}` }).waitFor();
    await go(sec, '#/pledge/P1');
    const c = sec.locator('li.comment', { hasText: `Hello from ${org_code}` });
    await c.waitFor();
    assert.match((await c.textContent()) ?? '', new RegExp(invitee.replace('.', '\\.')));

    // The Secretariat's list now shows a sign-in and an open session.
    await go(sec, `#/admin/user/${invitee}`);
    await eventually(async () => (await sec.locator('#user-open-sessions').textContent()) === '1', { what: 'one open session' });
    assert.match((await sec.locator('#user-last-sign-in').textContent()) ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
  });

  test('4. the Secretariat disables the invitee, whose open page is signed out at once', T, async () => {
    await assert_no_serious_axe(sec, 'admin user');
    await screenshot(sec, '34-admin-user');
    const t0 = Date.now();
    await sec.getByRole('button', { name: 'Disable account' }).click();
    await invitee_page.locator('#connection-status[data-status="signed_out"]').waitFor({ timeout: 5_000 });
    await invitee_page.locator('#sign-in-form').waitFor({ timeout: 5_000 });
    const ms = Date.now() - t0;
    console.log(`# invitee signed out ${ms} ms after the click on "Disable account"`);
    assert.ok(ms < 3_000, `signed out within 3 s, took ${ms} ms`);
    await sec.locator('#access-state', { hasText: 'is disabled' }).waitFor();
    // And cannot sign in again.
    await invitee_page.locator('#username').fill(invitee);
    await invitee_page.locator('#password').fill(invitee_password);
    await invitee_page.getByRole('button', { name: 'Sign in' }).click();
    await invitee_page.getByText('Unknown user name or wrong password.').waitFor();
    const hist = await sec.evaluate(async (id) => (await fetch(`/api/history?entity=user:${id}`)).json(), invitee);
    assert.deepEqual(
      hist.events.map((e) => [e.name, e.actor.user]),
      [
        ['user.added', 'un.secretariat'],
        ['user.disabled', 'un.secretariat'],
      ],
    );
  });

  test('5. the link no longer works', T, async () => {
    const page = await fresh_page();
    await page.goto(link);
    await page.locator('#invite-form, #invite-dead').first().waitFor();
    if (await page.locator('#invite-form').count()) {
      await page.getByLabel('New password').fill('another long passphrase');
      await page.getByLabel('Confirm the password').fill('another long passphrase');
      await page.getByRole('button', { name: 'Set password and sign in' }).click();
    }
    await page.locator('#invite-dead').waitFor();
    assert.equal(await page.locator('#page-title').textContent(), 'This link no longer works');
    await screenshot(page, '35-invite-dead');
    await assert_no_serious_axe(page, 'dead link page');
    assert.notEqual(await page.locator('#connection-status').getAttribute('data-status'), 'live');
  });

  test('re-enable, role change, sign out everywhere, reset link; usable at 390 px', T, async () => {
    await sec.getByRole('button', { name: 'Re-enable account' }).click();
    await sec.locator('#access-state', { hasText: 'is active' }).waitFor();
    await sec.locator('#role-select').selectOption('auditor');
    await sec.getByRole('button', { name: 'Change role' }).click();
    await sec.locator('#role-form').getByText('Saved.').waitFor();

    // The invitee signs in again (the password set through the link still holds).
    const page = await fresh_page();
    await page.goto('/');
    await page.locator('#username').fill(invitee);
    await page.locator('#password').fill(invitee_password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await wait_live(page);
    await sec.reload();
    await wait_live(sec);
    await eventually(async () => (await sec.locator('#user-open-sessions').textContent()) === '1', { what: 'one open session' });
    await sec.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.locator('#connection-status[data-status="signed_out"]').waitFor({ timeout: 5_000 });
    await sec.locator('#signout-result', { hasText: 'signed out everywhere' }).waitFor();

    await sec.getByRole('button', { name: 'Make a password reset link' }).click();
    const reset = await sec.locator('#otl-url').inputValue();
    assert.match(reset, /\/invite#[A-Za-z0-9_-]{40,}$/);
    assert.notEqual(reset, link);

    await sec.setViewportSize({ width: 390, height: 844 });
    for (const h of ['#/admin/orgs', `#/admin/org/${org_code}`, '#/admin/users', `#/admin/user/${invitee}`]) {
      await go(sec, h);
      await no_sideways_scroll(sec, h);
      await assert_no_serious_axe(sec, `${h} at 390 px`);
    }
    await screenshot(sec, '36-admin-users-narrow');
    const narrow = await fresh_page();
    await narrow.setViewportSize({ width: 390, height: 844 });
    await narrow.goto(reset);
    await narrow.locator('#invite-form').waitFor();
    await no_sideways_scroll(narrow, 'invitation page');
    await assert_no_serious_axe(narrow, 'invitation page at 390 px');
  });
});
