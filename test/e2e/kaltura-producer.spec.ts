// A producer with a Kaltura account (here the built-in sandbox, through the same calls) in Chromium against the
// headless station: the sandbox shows its seeded logins; a wrong password and a 2FA account without/with a wrong
// code get their messages; the seeded login signs in; a new live entry is created; a real FFmpeg publisher uses
// exactly what Connect shows; the entry's row then says "Live here". Screenshots go to test-results/screens/.
import { expect, test, type Page } from '@playwright/test';
import { startPublisher } from '../helpers/publisher.js';
import { shot, stationForSpec } from './e2e-helpers.js';

test.describe.configure({ mode: 'serial' });
const { station, publishers } = stationForSpec();

async function sandboxLogin(page: Page, kind: 'plain' | '2fa'): Promise<{ loginId: string; password: string }> {
  await page.getByTestId('nav-sandbox').click();
  const box = page.getByTestId(`sandbox-login-${kind}`);
  await expect(box).toBeVisible();
  return {
    loginId: await box.getByTestId('sandbox-login-id').inputValue(),
    password: await box.getByTestId('sandbox-login-password').inputValue(),
  };
}

async function signIn(page: Page, login: { loginId: string; password: string }, otp = ''): Promise<void> {
  await page.getByTestId('nav-kaltura').click();
  // the session lives in the station: one left by an earlier test is signed out first
  await expect(page.getByTestId('producer-account').or(page.getByTestId('producer-signin'))).toBeVisible();
  if (await page.getByTestId('producer-signout').isVisible()) await page.getByTestId('producer-signout').click();
  await page.getByTestId('signin-login').fill(login.loginId);
  await page.getByTestId('signin-password').fill(login.password);
  await page.getByTestId('signin-otp').fill(otp);
  await page.getByTestId('signin-submit').click();
}

test("a wrong password and a 2FA account without the right code get Kaltura's reasons in words", async ({ page }) => {
  await page.goto(station().httpUrl + '/');
  const plain = await sandboxLogin(page, 'plain');
  expect(plain.password).toMatch(/^[A-Za-z0-9]{16}$/);
  await signIn(page, { loginId: plain.loginId, password: 'not-the-password' });
  await expect(page.getByTestId('signin-error')).toContainText('Wrong password for this login (USER_WRONG_PASSWORD)');
  await shot(page, 'kaltura-signin');

  const twoFactor = await sandboxLogin(page, '2fa');
  await signIn(page, twoFactor);
  await expect(page.getByTestId('signin-error')).toContainText('two-factor authentication (MISSING_OTP)');
  await signIn(page, twoFactor, '000000');
  // one in a million: 000000 may be the current code; then the account simply signs in
  await expect(page.getByTestId('signin-error').or(page.getByTestId('producer-account'))).toBeVisible();
  if (await page.getByTestId('signin-error').isVisible())
    await expect(page.getByTestId('signin-error')).toContainText('INVALID_OTP');
});

test('the seeded login signs in, creates an entry, and a publisher with exactly what Connect shows makes it "Live here"', async ({
  page,
}) => {
  await page.goto(station().httpUrl + '/');
  const plain = await sandboxLogin(page, 'plain');
  await signIn(page, plain);
  await expect(page.getByTestId('producer-account')).toContainText('Signed in to partner');
  await expect(page.getByTestId('producer-missing')).toHaveCount(0);

  await page.getByTestId('kaltura-new-name').fill('E2E main stage');
  await page.getByTestId('kaltura-new-profile').selectOption({ label: 'Passthrough' });
  await page.getByTestId('kaltura-create').click();
  const row = page.locator('[data-testid^="kaltura-row-"]', { hasText: 'E2E main stage' });
  await expect(row).toBeVisible();
  await expect(row.getByTestId('kaltura-live-state')).toHaveText(/Offline/);
  const rowId = (await row.getAttribute('data-testid')) as string;
  const entryId = rowId.replace('kaltura-row-', '');

  // search narrows the list to the new entry
  await page.getByTestId('kaltura-search').fill('E2E main');
  await page.getByTestId('kaltura-search').press('Enter');
  await expect(page.locator('[data-testid^="kaltura-row-"]')).toHaveCount(1);

  await row.getByTestId('kaltura-connect').click();
  await expect(page.getByTestId('connect-entry')).toHaveValue(entryId);
  await expect(page.getByTestId('connect-server-url')).toHaveValue(
    new RegExp(`^rtmp://.+/kLive/\\?p=102&e=${entryId}&i=0&t=[0-9a-z]{8}$`),
  );
  const serverUrl = await page.getByTestId('connect-server-url').inputValue();
  const streamKey = await page.getByTestId('connect-stream-key').inputValue();
  expect(streamKey).toBe(`${entryId}_1`);
  await expect(page.getByTestId('connect-ffmpeg-command')).toContainText(streamKey);

  const url = new URL(serverUrl.replace(/^rtmp:/, 'http:'));
  const q = url.searchParams;
  publishers.push(
    startPublisher(
      {
        rtmpPort: Number(url.port),
        partnerId: q.get('p') as string,
        entryId: q.get('e') as string,
        index: q.get('i') as string,
        token: q.get('t') as string,
        streamName: streamKey,
      },
      { durationSeconds: 90 },
    ),
  );

  await page.getByTestId('nav-kaltura').click();
  const liveRow = page.getByTestId(`kaltura-row-${entryId}`);
  await expect(liveRow.getByTestId('kaltura-live-state')).toHaveText(/Live here/, { timeout: 30_000 });
  await expect(liveRow).toContainText('primary: playable (this station)', { timeout: 30_000 });
  await shot(page, 'kaltura-entries');

  // Send to OBS with no OBS listening: the panel says how to enable OBS's WebSocket server
  await liveRow.getByTestId('kaltura-connect').click();
  await page.getByTestId('obs-address').fill('ws://127.0.0.1:1');
  await page.getByTestId('obs-send').click();
  await expect(page.getByTestId('obs-problem')).toContainText('Tools → WebSocket Server Settings');
  await page.getByTestId('obs-panel').scrollIntoViewIfNeeded();
  await shot(page, 'obs-unreachable');
});

test('the session outlives the page; sign-out forgets it; a new token needs a confirmation that warns about encoders', async ({
  page,
}) => {
  await page.goto(station().httpUrl + '/');
  await page.getByTestId('nav-kaltura').click();
  await expect(page.getByTestId('producer-account').or(page.getByTestId('producer-signin'))).toBeVisible();
  if (await page.getByTestId('producer-signin').isVisible()) await signIn(page, await sandboxLogin(page, 'plain'));
  // the session lives in the station, not in the page: a reload is still signed in
  await page.reload();
  await page.getByTestId('nav-kaltura').click();
  await expect(page.getByTestId('producer-account')).toBeVisible();
  await page.getByTestId('producer-signout').click();
  await expect(page.getByTestId('producer-signin')).toBeVisible();
  const plain = await sandboxLogin(page, 'plain');
  await signIn(page, plain);
  await expect(page.getByTestId('producer-account')).toBeVisible();
  await page.getByTestId('kaltura-new-name').fill('Token rehearsal');
  await page.getByTestId('kaltura-create').click();
  const row = page.locator('[data-testid^="kaltura-row-"]', { hasText: 'Token rehearsal' });
  await expect(row).toBeVisible();
  const entryId = ((await row.getAttribute('data-testid')) as string).replace('kaltura-row-', '');
  await row.getByTestId('kaltura-connect').click();
  await expect(page.getByTestId('connect-server-url')).toHaveValue(new RegExp(`e=${entryId}&i=0&t=`));
  const before = await page.getByTestId('connect-server-url').inputValue();

  await page.getByTestId('nav-kaltura').click();
  const again = page.getByTestId(`kaltura-row-${entryId}`);
  await again.getByTestId('kaltura-regenerate').click();
  await expect(again.getByRole('alert')).toContainText('Encoders using the old token will be refused');
  await again.getByTestId('kaltura-regenerate-confirm').click();
  await expect(again).toContainText('New token made');
  await again.getByTestId('kaltura-connect').click();
  await expect(page.getByTestId('connect-server-url')).toHaveValue(new RegExp(`e=${entryId}&i=0&t=[0-9a-z]{8}$`));
  await expect(page.getByTestId('connect-server-url')).not.toHaveValue(before);
});

test('an entry is renamed, its DVR and recording switched, a bad name refused, and deleted after a confirmation naming it', async ({
  page,
}) => {
  await page.goto(station().httpUrl + '/');
  await page.getByTestId('nav-kaltura').click();
  await expect(page.getByTestId('producer-account').or(page.getByTestId('producer-signin'))).toBeVisible();
  if (await page.getByTestId('producer-signin').isVisible()) await signIn(page, await sandboxLogin(page, 'plain'));
  await expect(page.getByTestId('producer-account')).toBeVisible();
  await page.getByTestId('kaltura-new-name').fill('Rename rehearsal');
  await page.getByTestId('kaltura-create').click();
  const created = page.locator('[data-testid^="kaltura-row-"]', { hasText: 'Rename rehearsal' });
  await expect(created).toBeVisible();
  const entryId = ((await created.getAttribute('data-testid')) as string).replace('kaltura-row-', '');
  const row = page.getByTestId(`kaltura-row-${entryId}`);
  await row.getByTestId('kaltura-rename').click();
  await row.getByTestId('kaltura-rename-input').fill('   ');
  await expect(row.getByTestId('kaltura-rename-save')).toBeDisabled();
  await expect(row).toContainText('give the entry a name');
  await row.getByTestId('kaltura-rename-input').fill('Renamed rehearsal');
  await row.getByTestId('kaltura-rename-save').click();
  await expect(row.getByTestId('kaltura-entry-name')).toHaveText('Renamed rehearsal');
  await row.getByTestId('kaltura-entry-dvr').click();
  await expect(row.getByTestId('kaltura-entry-dvr')).toBeChecked();
  await row.getByTestId('kaltura-entry-recording').click();
  await expect(row.getByTestId('kaltura-entry-recording')).toBeChecked();
  await row.getByTestId('kaltura-entry-profile').selectOption({ label: 'Passthrough' });
  await expect(row.getByTestId('kaltura-entry-profile').locator('option:checked')).toHaveText('Passthrough');
  // what Kaltura stored, not only what the row shows: a reload reads the entry again
  await page.reload();
  await page.getByTestId('nav-kaltura').click();
  await expect(row.getByTestId('kaltura-entry-name')).toHaveText('Renamed rehearsal');
  await expect(row.getByTestId('kaltura-entry-dvr')).toBeChecked();
  await expect(row.getByTestId('kaltura-entry-recording')).toBeChecked();
  await row.getByTestId('kaltura-delete').click();
  await expect(row.getByTestId('kaltura-delete-warning')).toContainText(`"Renamed rehearsal" (${entryId})`);
  await row.getByTestId('kaltura-delete-confirm').click();
  await expect(page.getByTestId(`kaltura-row-${entryId}`)).toHaveCount(0);
});

test('a login of two partners switches to the other in one click, without the password, and back', async ({ page }) => {
  await page.goto(station().httpUrl + '/');
  await signIn(page, await sandboxLogin(page, 'plain'));
  const account = page.getByTestId('producer-account');
  await expect(account).toContainText('Signed in to partner Sandbox partner (102)');
  await page.getByTestId('producer-switch-103').click();
  await expect(account).toContainText('Signed in to partner Second sandbox partner (103)');
  // partner 103's entries, not 102's rehearsal entry
  await expect(page.getByTestId('kaltura-row-0_rkij47dr')).toHaveCount(0);
  await expect(page.getByTestId('producer-signin')).toHaveCount(0);
  await page.getByTestId('producer-switch-102').click();
  await expect(account).toContainText('Signed in to partner Sandbox partner (102)');
  await expect(page.getByTestId('kaltura-row-0_rkij47dr')).toBeVisible();
});

test('an account without live streaming or Hybrid eCDN is told what to ask Kaltura for', async ({ page }) => {
  await page.goto(station().httpUrl + '/');
  // the sandbox-only switches sit in the Kaltura entries screen's sandbox panel
  await page.getByTestId('nav-kaltura').click();
  const panel = page.getByTestId('kaltura-sandbox-panel');
  await panel.locator('> summary').click();
  const partner = panel.getByTestId('sandbox-partner-102');
  for (const feature of ['liveStream', 'hybridEcdn']) {
    // the switch is controlled by the station's answer: click, then wait for the new state
    await partner.getByTestId(`sandbox-feature-${feature}`).click();
    await expect(partner.getByTestId(`sandbox-feature-${feature}`)).not.toBeChecked();
  }
  try {
    await page.getByTestId('nav-kaltura').click();
    // features are read at sign-in: sign in afresh (the station may still hold the last test's session)
    await expect(page.getByTestId('producer-account').or(page.getByTestId('producer-signin'))).toBeVisible();
    if (await page.getByTestId('producer-signout').isVisible()) await page.getByTestId('producer-signout').click();
    await expect(page.getByTestId('producer-signin')).toBeVisible();
    await signIn(page, await sandboxLogin(page, 'plain'));
    const missing = page.getByTestId('producer-missing');
    await expect(missing).toContainText('ask Kaltura to enable "Live streaming" (FEATURE_LIVE_STREAM)');
    await expect(missing).toContainText('ask Kaltura to enable "Hybrid eCDN" (FEATURE_HYBRID_ECDN)');
    await expect(page.getByRole('alert').filter({ hasText: 'Could not list the live entries' })).toContainText(
      'SERVICE_FORBIDDEN',
    );
    await shot(page, 'kaltura-missing-features');
  } finally {
    await page.getByTestId('nav-kaltura').click();
    if (!(await partner.isVisible())) await panel.locator('> summary').click();
    for (const feature of ['liveStream', 'hybridEcdn']) {
      await partner.getByTestId(`sandbox-feature-${feature}`).click();
      await expect(partner.getByTestId(`sandbox-feature-${feature}`)).toBeChecked();
    }
  }
});
