// Browser half of tests/deploy/deploy_test.py's nginx check (not a *.e2e.test: it needs the
// nginx that the Python test starts in front of a4pd). In Debian's Chromium, through the TLS
// proxy at BASE_URL: two users sign in with the sign-in form, both workspaces go live over the
// WebSocket that nginx upgrades, a comment posted by one appears live in the other's page, and
// the session cookie is Secure. One deliberately wrong password is tried first, so that a4pd
// logs the address it sees for this browser (the Python side checks that it is the browser's,
// not the proxy's). Prints one JSON line with what it saw; exits non-zero on failure.
//
// Usage: node e2e/through_proxy.mjs BASE_URL   (A4P_DEMO_PASSWORD: the demo users' password)
import assert from 'node:assert/strict';
import { comment_with, first_open_discussion, go, launch_browser, open_as, post_comment } from './harness.mjs';

const base_url = process.argv[2];
assert.ok(base_url?.startsWith('https://'), 'usage: through_proxy.mjs https://HOST:PORT');
const tls = { ignoreHTTPSErrors: true }; // the test's own self-signed certificate

const browser = await launch_browser();
try {
  // A wrong password, through the proxy: refused, and logged by a4pd with the client's address.
  const probe = await browser.newContext({ baseURL: base_url, ...tls });
  const page = await probe.newPage();
  await page.goto('/#/');
  await page.locator('#username').fill('usa.delegate');
  await page.locator('#password').fill('not-the-password-at-all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForFunction(() => document.querySelector('#sign-in-form [role="alert"]')?.textContent?.trim(), null, {
    timeout: 10_000,
  });
  await probe.close();

  const gbr = await open_as(browser, base_url, 'gbr.delegate', '#/', tls);
  const nld = await open_as(browser, base_url, 'nld.delegate', '#/', tls);
  const disc = await first_open_discussion(gbr.page, 'politics');
  await go(gbr.page, disc);
  await go(nld.page, disc);
  const text = `Through the proxy ${Math.random().toString(36).slice(2, 8)}`;
  await post_comment(gbr.page, text);
  await comment_with(nld.page, text).waitFor({ timeout: 10_000 });

  const cookie = (await gbr.context.cookies()).find((c) => c.name === 'a4p_session');
  assert.ok(cookie, 'no a4p_session cookie in the browser');
  assert.equal(cookie.secure, true, 'the session cookie is not Secure behind the TLS proxy');
  assert.equal(cookie.httpOnly, true, 'the session cookie is readable by script');
  console.log(JSON.stringify({ live_comment: text, cookie_secure: cookie.secure, discussion: disc }));
} finally {
  await browser.close();
}
