import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

// Issue 18, point 7: every signed-in user's own API tokens (created with a name, scopes among their
// permissions and an expiry; the secret shown once; listed; revoked after a confirmation) and
// signing out on every device.
describe('my account in Chromium', () => {
  let web: WebTest;

  beforeAll(async () => {
    web = await startWebTest();
    await web.makeUser('protection_officer', 'officer.account');
  });
  afterAll(() => web?.close());

  it('creates a token shown once, lists it, and revokes it', async () => {
    const { page } = web;
    await web.signIn('officer.account');
    await page.getByTestId('my-account').click();
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    await page.getByText('You have no API token.').waitFor();
    await page.getByText('Create a token', { exact: true }).click();
    const form = page.getByTestId('create-token');
    await form.getByRole('textbox', { name: 'Name' }).fill('Shelter case export');
    // No scope chosen: said beside the field, nothing created.
    await form.getByRole('button', { name: 'Create the token' }).click();
    await form.getByText('Choose at least one permission.').waitFor();
    await form.getByText('read person records', { exact: true }).click();
    await form.getByRole('textbox', { name: 'Valid for (days)' }).fill('30');
    await form.getByRole('button', { name: 'Create the token' }).click();
    const secret = page.getByTestId('token-secret');
    await secret.waitFor();
    const token = await secret.innerText();
    expect(token.length).toBeGreaterThan(20);
    expect(await page.getByTestId('new-token').innerText()).toContain('it is shown this once');
    const row = page.getByTestId('api-token').filter({ has: page.getByRole('rowheader', { name: 'Shelter case export' }) });
    await row.waitFor();
    expect(await row.innerText()).toContain('read person records');
    expect(await row.innerText()).toContain('Never used');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'account-tokens');

    // The token works for what it was given.
    const used = await fetch(`${web.baseUrl}/api/auth/tokens`, { headers: { authorization: `Bearer ${token}` } });
    expect(used.status).not.toBe(401);

    // Shown once: opened again, the screen has the token's name, never its secret.
    await page.reload();
    await row.waitFor();
    expect(await page.locator('main').innerText()).not.toContain(token);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('Revoke “Shelter case export”? A system using it loses access at once.').waitFor();
    await row.getByRole('button', { name: 'Revoke now' }).click();
    await row.getByTestId('token-state').filter({ hasText: /^Revoked on / }).waitFor();
    const refused = await fetch(`${web.baseUrl}/api/persons?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    expect(web.pageErrors).toEqual([]);
  });

  it('signs out everywhere', async () => {
    const { page } = web;
    await page.getByTestId('logout-all').click();
    await page.waitForURL('**/sign-in');
    const after = await page.request.get(`${web.baseUrl}/api/auth/me`);
    expect(after.status()).toBe(401);
  });
});
