import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionFor } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

const HOUR = 3600 * 1000;

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
}

/** The row of an item in its area's table. */
const row = (page: Page, itemId: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name: new RegExp(`^(Answer|Open) ${itemId}$`) }) });

// The State's self-assessment (issue 18, point 6): the national coordinator reads the Framework
// for Action's four tables with Haven's measures beside them, answers an item, sees it in its
// history, meets another coordinator's answer as a conflict, and downloads the gap report; the
// oversight body reads the same, without a form.
describe("the coordinator's self-assessment in Chromium", () => {
  let web: WebTest;

  beforeAll(async () => {
    web = await startWebTest();
    const { platform } = web.server;
    // Twelve persons detained, none told of their consular rights by the deadline: a published 0 of 12.
    const officer = await sessionFor(web.server, await web.makeUser('protection_officer', 'officer.sa'));
    const encounter = await officer.post('/api/encounters', { type: 'land_apprehension', occurredAt: web.server.clock.now().toISOString(), place: { name: 'Border post' } });
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, { persons: Array.from({ length: 12 }, (_, i) => ({ givenName: `Detainee ${i}`, sex: 'male', ageClaimed: 30 })) });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    for (const person of registered.body.persons as { id: string }[]) {
      const detained = await officer.post(`/api/persons/${person.id}/detentions`, { place: 'Station', since: web.server.clock.now().toISOString(), legalBasis: 'Immigration Act s 5' });
      expect(detained.status, JSON.stringify(detained.body)).toBe(201);
    }
    web.server.clock.advance(30 * HOUR);
    await web.makeUser('coordinator', 'coordinator.sa');
    await web.makeUser('coordinator', 'coordinator.other');
    await web.makeUser('oversight', 'oversight.sa');
    const names = { 'coordinator.sa': 'Amina Diallo', 'coordinator.other': 'Jonas Berg', 'oversight.sa': 'Rosa Méndez' };
    for (const [username, name] of Object.entries(names)) await platform.database.db.updateTable('users').set({ display_name: name }).where('username', '=', username).execute();
  });
  afterAll(() => web?.close());

  it('shows the four tables with the measures beside each item, a small count said hidden, and passes axe', async () => {
    const { page } = web;
    await web.signIn('coordinator.sa');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Self-assessment' }).click();
    await page.getByRole('heading', { name: 'Self-assessment', level: 1 }).waitFor();
    for (const area of ['Prosecution and investigation', 'Protection and assistance', 'Prevention', 'Cooperation and coordination']) {
      await page.getByRole('heading', { name: area, level: 2 }).waitFor();
    }
    // Consular rights: 0 of 12 in time is published (both parts are 0 or at least 11) and suggests "absent".
    const consular = row(page, 'PT-05');
    expect(await consular.innerText()).toContain('0 of 12 (0%)');
    expect(await consular.innerText()).toContain('Suggests: Absent');
    expect(await consular.innerText()).toContain('Protocol, art. 16(5)');
    // The standards of conduct: four staff, fewer than 11, so the share is hidden and said so, never 0.
    expect(await row(page, 'PT-10').innerText()).toContain('Fewer than 11 counted: not shown');
    expect(await row(page, 'PR-01').innerText()).toContain('Not measured in Haven');
    expect(await page.getByText('Measured from every record up to').first().isVisible()).toBe(true);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'self-assessment');
  });

  it('answers an item, shows it in the history by name, and says so when another coordinator answered first', async () => {
    const { page } = web;
    await row(page, 'PT-05').getByRole('link', { name: 'Answer PT-05' }).click();
    await page.getByRole('heading', { name: 'Item PT-05', level: 1 }).waitFor();
    await page.locator('label.choice-option', { hasText: 'Partly in place' }).click();
    expect(await page.getByRole('radio', { name: 'Partly in place' }).isChecked()).toBe(true);
    await page.getByLabel('Evidence', { exact: true }).fill('Custody SOP 12 requires the information within 24 hours; not yet applied at every station.');
    await page.getByLabel('Responsible body').fill('Border police');
    await page.getByRole('button', { name: 'Save the answer' }).click();
    await page.getByText('Answer saved (version 1).').waitFor();
    const history = page.getByRole('list', { name: 'History of answers' });
    await history.getByText('Version 1, by Amina Diallo').waitFor();
    expect(await history.innerText()).toContain('Border police');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'self-assessment-item');

    // Another coordinator answers meanwhile: this page still holds version 1, so its save is refused.
    const other = await sessionFor(web.server, (await web.server.platform.database.db.selectFrom('users').select('id').where('username', '=', 'coordinator.other').executeTakeFirstOrThrow()).id);
    expect((await other.post('/api/self-assessment/items/PT-05/answers', { status: 'absent', evidence: 'Station audit 2026', previousVersion: 1 })).status).toBe(201);
    await page.getByLabel('Responsible body').fill('Border police and the Ministry of the Interior');
    await page.getByRole('button', { name: 'Save the answer' }).click();
    await page.getByRole('alert').filter({ hasText: 'Someone else answered this item while you were writing (now version 2).' }).waitFor();
    await history.getByText('Version 2, by Jonas Berg').waitFor();
    // What was typed stayed; saved again, on the version now read.
    expect(await page.getByLabel('Responsible body').inputValue()).toBe('Border police and the Ministry of the Interior');
    await page.getByRole('button', { name: 'Save the answer' }).click();
    await page.getByText('Answer saved (version 3).').waitFor();
    await history.getByText('Version 3, by Amina Diallo').waitFor();
  });

  it('downloads the gap report as a PDF and opens it as a web page', async () => {
    const { page } = web;
    await page.getByRole('link', { name: 'Back to the self-assessment' }).click();
    await page.getByRole('heading', { name: 'Self-assessment', level: 1 }).waitFor();
    expect(await row(page, 'PT-05').innerText()).toContain('Partly in place');
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the gap report (PDF)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^gap-report-.*\.pdf$/);
    const bytes = readFileSync((await file.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(2000);
    const html = await page.request.get(`${web.baseUrl}/api/self-assessment/gap-report.html`);
    expect(html.status()).toBe(200);
    expect(await html.text()).toContain('Border police and the Ministry of the Interior');
  });

  it('lets the oversight body read the self-assessment and the history, without a form', async () => {
    const { page } = web;
    await signOut(page);
    await web.signIn('oversight.sa');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Self-assessment' }).click();
    await page.getByRole('heading', { name: 'Self-assessment', level: 1 }).waitFor();
    await page.getByText('You can read the self-assessment; only the national coordinator answers it.').waitFor();
    await row(page, 'PT-05').getByRole('link', { name: 'Open PT-05' }).click();
    await page.getByRole('heading', { name: 'Item PT-05', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'History of answers' }).getByText('Version 3, by Amina Diallo').waitFor();
    expect(await page.getByRole('button', { name: 'Save the answer' }).count()).toBe(0);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
  });

  it("mirrors the tables in Arabic, in the reader's words", async () => {
    const { page } = web;
    await page.getByRole('link', { name: 'Back to the self-assessment' }).click();
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'العربية' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
    await page.getByRole('heading', { name: 'التقييم الذاتي', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'الحماية والمساعدة', level: 2 }).waitFor();
    expect(await page.getByRole('link', { name: 'تنزيل تقرير الثغرات (PDF)' }).count()).toBe(1);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'English' }).click();
  });

  it('ran without a console error or a Content-Security-Policy violation', () => {
    expect(web.pageErrors.join('\n')).toBe('');
  });
});
