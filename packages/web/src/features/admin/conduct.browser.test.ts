import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgency } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, TEST_PASSWORD, type WebTest } from '../../test-support/browser';

const CODE = `Standards of conduct for every official, edition of December.
1. Do no harm: a migrant's safety comes before any procedure.
2. Never share a person's data outside what the law and their consent allow.`;

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
}

// Issue 18, point 7: the administrator publishes a new version of the code of conduct; a user
// accepts it at their next sign-in. The administrator first lets coordinators sign in without a
// second factor (the roles that read personal data stay fixed), so the sign-in below goes from the
// password straight to the code.
describe('the code of conduct and the second factor, in Chromium', () => {
  let web: WebTest;

  beforeAll(async () => {
    web = await startWebTest();
    await web.makeUser('admin', 'admin.conduct', await makeAgency(web.server.platform, 'Ministry of the Interior'));
    await web.makeUser('coordinator', 'coordinator.conduct');
  });
  afterAll(() => web?.close());

  it('keeps a second factor for every role reading personal data, and relaxes it for coordinators', async () => {
    const { page } = web;
    await web.signIn('admin.conduct');
    await page.getByRole('navigation').getByRole('link', { name: 'Second factor' }).click();
    await page.getByRole('heading', { name: 'Second factor', level: 1 }).waitFor();
    const form = page.getByTestId('mfa-form');
    const officer = form.getByRole('checkbox', { name: /protection officer/ });
    await officer.waitFor({ state: 'attached' });
    expect(await officer.isChecked()).toBe(true);
    expect(await officer.isDisabled()).toBe(true);
    const coordinator = form.getByRole('checkbox', { name: /national coordinator/ });
    expect(await coordinator.isChecked()).toBe(true);
    await form.getByText('national coordinator', { exact: true }).click();
    expect(await coordinator.isChecked()).toBe(false);
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'admin-second-factor');
    expect(web.pageErrors).toEqual([]);
  });

  it('publishes a new version, which the next user to sign in must accept', async () => {
    const { page } = web;
    await page.getByRole('navigation').getByRole('link', { name: 'Code of conduct' }).click();
    await page.getByRole('heading', { name: 'Code of conduct', level: 1 }).waitFor();
    const form = page.getByTestId('conduct-form');
    await form.getByRole('textbox', { name: 'Text of the new version' }).fill('Too short');
    await form.getByRole('button', { name: 'Publish this version' }).click();
    await form.getByText('Write the code of conduct (at least 20 characters).').waitFor();
    await form.getByRole('textbox', { name: 'Text of the new version' }).fill(CODE);
    await form.getByRole('button', { name: 'Publish this version' }).click();
    const published = page.getByTestId('conduct-published');
    await published.waitFor();
    const version = Number(/Version (\d+) is published/.exec(await published.innerText())?.[1]);
    expect(version).toBeGreaterThan(0);
    await page.getByTestId('conduct-version').filter({ hasText: `Version ${version}, published on` }).waitFor();
    expect(await page.locator('.conduct-text').innerText()).toContain('Do no harm');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'admin-conduct');
    expect(web.pageErrors).toEqual([]);
    await signOut(page);

    // The coordinator signs in: the new code is asked for before anything else.
    await page.locator('input[name=username]').fill('coordinator.conduct');
    await page.locator('input[name=password]').fill(TEST_PASSWORD);
    await page.locator('form button[type=submit]').click();
    const step = page.locator('section[aria-labelledby=conduct-title]');
    await step.waitFor();
    expect(await step.innerText()).toContain('Never share a person');
    await step.getByRole('button', { name: 'I accept the code of conduct' }).click();
    await page.locator('main#main.content').waitFor();
    const accepted = await web.server.platform.database.db.selectFrom('conduct_acceptances').innerJoin('users', 'users.id', 'conduct_acceptances.user_id').select('conduct_acceptances.version').where('users.username', '=', 'coordinator.conduct').execute();
    expect(accepted.map((row) => row.version)).toContain(version);
    expect(web.pageErrors).toEqual([]);
  });
});
