import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../../../server/src/platform/auth/totp.js';
import { makeAgency } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

/** Picks an option of a react-aria select by the field's visible label, as a user does. */
async function choose(page: Page, form: string, label: string, option: string): Promise<void> {
  // The select's label is not a <label> (there is no native control to label): find the field by its text.
  const field = page.locator(`${form} .field`).filter({ has: page.getByText(label, { exact: true }) });
  await field.locator('button.select-button').click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

const TEMPORARY = 'lesvos-temporary-passphrase-7';
const CHOSEN = 'olive-harbour-morning-tide-42';

describe('administration in Chromium', () => {
  let web: WebTest;
  beforeAll(async () => {
    web = await startWebTest();
    await web.makeUser('admin', 'admin.desk');
    await web.signIn('admin.desk');
  });
  afterAll(() => web?.close());

  it('creates an agency, refusing a second of the same name beside the form', async () => {
    const { page } = web;
    await page.getByRole('navigation').getByRole('link', { name: 'Agencies' }).click();
    await page.getByRole('heading', { name: 'Agencies', level: 1 }).waitFor();
    const form = 'form[aria-labelledby=new-agency]';
    await page.locator(`${form} input[name=name]`).fill('Lesvos Reception Centre');
    await choose(page, form, 'Type', 'Non-governmental organisation');
    await page.locator(`${form} input[name=area]`).fill('Lesvos');
    await page.locator(`${form} button[type=submit]`).click();
    await page.getByRole('status').filter({ hasText: 'Agency “Lesvos Reception Centre” created.' }).waitFor();
    await page.getByRole('rowheader', { name: 'Lesvos Reception Centre' }).waitFor();
    // The same name again: the server's 409 is shown, nothing is added.
    await page.locator(`${form} input[name=name]`).fill('Lesvos Reception Centre');
    await page.locator(`${form} button[type=submit]`).click();
    await page.locator(`${form} [role=alert]`).waitFor();
    expect(await page.getByRole('rowheader', { name: 'Lesvos Reception Centre' }).count()).toBe(1);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
  });

  it('creates a user in that agency, with the field the server refuses named beside it', async () => {
    const { page } = web;
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const form = 'form[aria-labelledby=new-user]';
    await page.locator(`${form} input[name=username]`).fill('nadia.officer');
    await page.locator(`${form} input[name=displayName]`).fill('Nadia Karimi');
    await choose(page, form, 'Agency', 'Lesvos Reception Centre');
    await choose(page, form, 'Role', 'protection officer');
    // A password the server finds weak (it contains the user name) is refused beside the field.
    await page.locator(`${form} input[name=password]`).fill('nadia.officer-2026');
    await page.locator(`${form} button[type=submit]`).click();
    const passwordField = page.locator(`${form} .field`).filter({ has: page.locator('input[name=password]') });
    await expect.poll(() => passwordField.locator('input').getAttribute('aria-invalid')).toBe('true');
    await page.locator(`${form} input[name=password]`).fill(TEMPORARY);
    await page.locator(`${form} button[type=submit]`).click();
    // A protection officer reads personal data: the account waits for a second administrator.
    await page.getByRole('status').filter({ hasText: 'User nadia.officer created. The account cannot sign in until a second administrator approves it.' }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'nadia.officer' }) });
    await expect.poll(() => row.innerText()).toContain('Lesvos Reception Centre');
    expect(await row.innerText()).toContain('Must change password');
    expect(await row.innerText()).toContain("Awaiting a second administrator's approval");
    const pending = page.getByRole('article', { name: 'Nadia Karimi (nadia.officer)' });
    await expect.poll(() => pending.innerText()).toContain('New account: protection officer, Lesvos Reception Centre');
    expect(await pending.innerText()).toContain('You asked for it, so another administrator decides.');
    expect(await pending.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    const stored = await web.server.platform.database.db.selectFrom('users').innerJoin('agencies', 'agencies.id', 'users.agency_id').select(['users.role', 'agencies.name']).where('username', '=', 'nadia.officer').executeTakeFirstOrThrow();
    expect(stored).toEqual({ role: 'protection_officer', name: 'Lesvos Reception Centre' });
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'admin-users');
  });

  it('does not offer administrators their own role or agency, and says why', async () => {
    const { page } = web;
    await page.getByRole('link', { name: 'admin.desk', exact: true }).click();
    await page.getByRole('heading', { name: 'admin.desk (admin.desk)' }).waitFor();
    await page.getByText('You cannot change your own role or agency; ask another administrator.').waitFor();
    expect(await page.locator('form[aria-labelledby=assignment] .field').filter({ has: page.getByText('Role', { exact: true }) }).count()).toBe(0);
    expect(await page.locator('form[aria-labelledby=assignment] .field').filter({ has: page.getByText('Agency', { exact: true }) }).count()).toBe(0);
    await page.getByRole('link', { name: 'Back to all users' }).click();
  });

  it('holds a role reading personal data for a second administrator, who approves it; deactivation ends access at once', async () => {
    const { page } = web;
    await web.makeUser('first_responder', 'omar.responder');
    await web.makeUser('admin', 'admin.second');
    await page.reload();
    await page.getByRole('link', { name: 'omar.responder' }).click();
    await page.getByRole('heading', { name: 'omar.responder (omar.responder)' }).waitFor();
    await choose(page, 'form[aria-labelledby=assignment]', 'Role', 'supervisor');
    await page.locator('form[aria-labelledby=assignment] button[type=submit]').click();
    await page.getByRole('status').filter({ hasText: "The change of access awaits a second administrator's approval" }).waitFor();
    const pending = page.getByRole('region', { name: 'Change of access awaiting approval' });
    expect(await pending.innerText()).toContain('Role: first responder → supervisor');
    expect(await pending.innerText()).toContain('You asked for it, so another administrator decides.');
    expect(await pending.getByRole('button', { name: 'Withdraw the request' }).count()).toBe(1);
    const before = await web.server.platform.database.db.selectFrom('users').select(['role', 'disabled']).where('username', '=', 'omar.responder').executeTakeFirstOrThrow();
    expect(before).toEqual({ role: 'first_responder', disabled: 0 });
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');

    // The second administrator sees both requests, and decides them.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    await web.signIn('admin.second');
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    const omar = page.getByRole('article', { name: 'omar.responder (omar.responder)' });
    await expect.poll(() => omar.innerText()).toContain('Role: first responder → supervisor');
    expect(await omar.innerText()).toContain('Requested by admin.desk (admin.desk)');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'admin-access-changes');
    await omar.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'Approved: the change has taken effect.' }).waitFor();
    await page.getByRole('article', { name: 'Nadia Karimi (nadia.officer)' }).getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('article', { name: 'Nadia Karimi (nadia.officer)' }).waitFor({ state: 'detached' });
    await page.getByText('No change awaits approval.').waitFor();
    const decided = page.getByRole('table', { name: 'Recently decided' });
    await expect.poll(() => decided.innerText()).toContain('Approved by admin.second');

    await page.getByRole('link', { name: 'omar.responder' }).first().click();
    await page.getByRole('heading', { name: 'omar.responder (omar.responder)' }).waitFor();
    await page.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('status').filter({ hasText: 'Deactivated' }).waitFor();
    const stored = await web.server.platform.database.db.selectFrom('users').select(['role', 'disabled']).where('username', '=', 'omar.responder').executeTakeFirstOrThrow();
    expect(stored).toEqual({ role: 'supervisor', disabled: 1 });
    const approved = await web.server.platform.database.db.selectFrom('users').select('approved').where('username', '=', 'nadia.officer').executeTakeFirstOrThrow();
    expect(approved.approved).toBe(1);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
  });

  it('shows what each role may do, the directory and the SOP profile in force', async () => {
    const { page } = web;
    await page.getByRole('navigation').getByRole('link', { name: 'Roles' }).click();
    const admin = page.getByRole('region', { name: 'administrator' });
    await admin.waitFor();
    expect(await admin.innerText()).toContain('No personal data.');
    expect(await page.getByRole('region', { name: 'investigator' }).innerText()).toContain('justice');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');

    await page.getByRole('navigation').getByRole('link', { name: 'Service directory' }).click();
    const form = 'form[aria-labelledby=new-provider]';
    await page.locator(`${form} input[name=name]`).fill('Harbour Shelter');
    await choose(page, form, 'Agency that runs it', 'Lesvos Reception Centre');
    await page.locator(`${form} input[name=area]`).fill('Lesvos');
    await page.locator(`${form} input[name=capacity]`).fill('40');
    await page.locator(`${form} input[name=available]`).fill('12');
    await page.locator(`${form} input[name=languages]`).fill('ar, fa');
    await page.locator(`${form} label`).filter({ hasText: /^Shelter$/ }).click();
    await page.locator(`${form} button[type=submit]`).click();
    const provider = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Harbour Shelter/ }) });
    await expect.poll(() => provider.innerText()).toContain('12 free of 40');
    const pathway = 'form[aria-labelledby=new-pathway]';
    await choose(page, pathway, 'Service', 'Shelter');
    await page.locator(`${pathway} input[name=area]`).fill('Lesvos');
    await choose(page, pathway, 'Provider', 'Harbour Shelter');
    await page.locator(`${pathway} button[type=submit]`).click();
    await page.getByRole('button', { name: 'Remove the pathway for Shelter in Lesvos' }).waitFor();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');

    await page.getByRole('navigation').getByRole('link', { name: 'SOP profile' }).click();
    await page.getByRole('rowheader', { name: 'protection.non_refoulement' }).waitFor();
    expect(await page.locator('dl').first().innerText()).toContain('Return');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'admin-sop-profile');
  });

  it('lays the users screen out right to left in Arabic', async () => {
    const { page } = web;
    await page.goto(`${web.baseUrl}/admin/users`);
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'العربية' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
    await page.getByRole('heading', { name: 'المستخدمون', level: 1 }).waitFor();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'admin-users-arabic');
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('ltr');
  });

  it('lets the new user sign in: second factor, own password, then their role’s start page', async () => {
    const { page } = web;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    await page.locator('input[name=username]').fill('nadia.officer');
    await page.locator('input[name=password]').fill(TEMPORARY);
    await page.locator('form button[type=submit]').click();
    const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
    // The key comes as a QR code to scan too, drawn in the page; the key stays as text beside it.
    const qr = page.getByRole('img', { name: 'QR code of the key, for an authenticator app' });
    await qr.waitFor();
    expect(await qr.locator('path').getAttribute('d')).toMatch(/^M0 0h1v1h-1z/);
    await page.locator('input[name=code]').fill(totpCode(secret, web.server.clock.now()));
    await page.locator('form button[type=submit]').click();
    await page.locator('.recovery-codes').waitFor();
    await page.locator('section[aria-labelledby=recovery-title] button').click();
    // The password rules are told before anything is typed, not only after a refusal.
    const rules = await page.locator('input[name=newPassword]').evaluate((input) => document.getElementById(input.getAttribute('aria-describedby')?.split(' ')[0] ?? '')?.textContent ?? '');
    expect(rules).toContain('at least 12 characters');
    expect(rules).toContain('not to contain the user name');
    await page.locator('input[name=newPassword]').fill(CHOSEN);
    await page.locator('input[name=repeat]').fill(CHOSEN);
    await page.locator('form button[type=submit]').click();
    const conduct = page.locator('section[aria-labelledby=conduct-title] button');
    await Promise.race([conduct.waitFor(), page.locator('main#main.content').waitFor()]);
    if (await conduct.isVisible()) await conduct.click();
    await page.locator('main#main.content').waitFor();
    await page.goto(`${web.baseUrl}/`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.locator('h1').innerText()).toBe('Welcome, Nadia Karimi');
    expect(await page.locator('main').innerText()).toContain('You work as protection officer.');
    // Administration is not part of this role.
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Users' }).count()).toBe(0);
  });

  it('shows the oversight body each change of access, by name', async () => {
    const { page } = web;
    const ombudsman = await makeAgency(web.server.platform, 'Ombudsman', 'oversight');
    await web.makeUser('oversight', 'inspector.access', ombudsman);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    await web.signIn('inspector.access');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Waivers, overrides and access changes' }).click();
    const changes = page.getByRole('table', { name: 'Changes of staff access to personal data' });
    const omar = changes.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /omar\.responder/ }) });
    await expect.poll(() => omar.innerText()).toContain('Role: first responder → supervisor');
    expect(await omar.innerText()).toContain('Approved by admin.second');
    expect(await omar.innerText()).toContain('admin.desk');
    const nadia = changes.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Nadia Karimi/ }) });
    expect(await nadia.innerText()).toContain('New account: protection officer, Lesvos Reception Centre');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'oversight-access-changes');
  });

  it('ran without a console error or a Content-Security-Policy violation', () => {
    expect(web.pageErrors).toEqual([]);
  });
});
