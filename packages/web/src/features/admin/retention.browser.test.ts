import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgency, sessionFor } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

const HOLD_REASON = 'Evidence for the trial of the boat’s organisers; keep her statement';

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
}

async function openCase(web: WebTest, personId: string): Promise<void> {
  await web.page.goto(`${web.baseUrl}/cases/${personId}`);
  await web.page.getByRole('heading', { name: 'Amina Yusuf', level: 1 }).waitFor();
  await web.page.getByRole('heading', { name: 'Retention and erasure', level: 2 }).waitFor();
}

// Issue 18, point 7: an erasure request refused by a legal hold. The supervisor places a hold on
// the person; the protection officer records her request to be erased: refused, the hold named in
// words; the supervisor reads the hold's reason beside the refusal; the administrator's retention
// report counts both; the oversight body sees the hold by agency and releases it in writing.
describe('an erasure request refused by a legal hold, in Chromium', () => {
  let web: WebTest;
  let personId: string;

  beforeAll(async () => {
    web = await startWebTest();
    const { platform } = web.server;
    const officer = await sessionFor(web.server, await web.makeUser('protection_officer', 'officer.erasure'));
    await web.makeUser('supervisor', 'supervisor.erasure');
    await web.makeUser('admin', 'admin.erasure', await makeAgency(platform, 'Ministry of the Interior'));
    await web.makeUser('oversight', 'inspector.erasure', await makeAgency(platform, 'Ombudsman', 'oversight'));
    const encounter = await officer.post('/api/encounters', { type: 'inland', occurredAt: web.server.clock.now().toISOString(), place: { name: 'North station' } });
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, { persons: [{ givenName: 'Amina', familyName: 'Yusuf', sex: 'female', ageClaimed: 27 }] });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    personId = registered.body.persons[0].id;
  });
  afterAll(() => web?.close());

  it('the supervisor places a legal hold, saying what it protects', async () => {
    const { page } = web;
    await web.signIn('supervisor.erasure');
    await openCase(web, personId);
    const holds = page.getByTestId('legal-holds');
    expect(await holds.innerText()).toContain('No legal hold recorded.');
    await holds.getByText('Place a legal hold').click();
    const form = page.getByTestId('place-hold-form');
    await form.getByRole('textbox').fill(HOLD_REASON);
    await form.getByRole('button', { name: 'Place the hold' }).click();
    await page.getByRole('status').filter({ hasText: 'The legal hold is placed.' }).waitFor();
    const hold = holds.getByTestId('legal-hold');
    await hold.waitFor();
    expect(await hold.innerText()).toContain('Standing');
    expect(await hold.innerText()).toContain('placed by Coast Guard North');
    expect(await hold.innerText()).toContain(HOLD_REASON);
    expect(await hold.innerText()).toContain('May be released by Coast Guard North or the oversight body.');
    expect(web.pageErrors).toEqual([]);
    await signOut(page);
  });

  it('the protection officer records her erasure request: refused, the hold named in words', async () => {
    const { page } = web;
    await web.signIn('officer.erasure');
    await openCase(web, personId);
    const requests = page.getByTestId('erasure-requests');
    expect(await requests.innerText()).toContain('While these stand, an erasure request is refused:');
    await requests.getByText('Record an erasure request').click();
    const form = page.getByTestId('erasure-form');
    await form.locator('button.select-button').click();
    await page.getByRole('option', { name: 'their legal representative', exact: true }).click();
    await form.getByRole('textbox', { name: 'Reason (optional)' }).fill('She wants no record kept after leaving the country');
    // Not without saying the erasure cannot be undone.
    await form.getByRole('button', { name: 'Record the erasure request' }).click();
    await form.getByText('Confirm that you understand before recording the request.').waitFor();
    await form.getByText('I understand that the erasure cannot be undone').click();
    await form.getByRole('button', { name: 'Record the erasure request' }).click();
    await page.getByTestId('erasure-decided').filter({ hasText: 'The request was refused: a hold stands.' }).waitFor();
    const refused = requests.locator('[data-testid=erasure-request][data-status=refused]');
    await refused.waitFor();
    const text = await refused.innerText();
    expect(text).toContain('Refused');
    expect(text).toContain('asked by their legal representative');
    const today = new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(web.server.clock.now());
    expect(text).toMatch(new RegExp(`Refused because of:\\s+a legal hold placed on ${today}`));
    // The person is still there: nothing was destroyed.
    await page.getByRole('heading', { name: 'Amina Yusuf', level: 1 }).waitFor();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    expect(web.pageErrors).toEqual([]);
    await signOut(page);
  });

  it('the supervisor reads the refusal with the hold’s reason', async () => {
    const { page } = web;
    await web.signIn('supervisor.erasure');
    await openCase(web, personId);
    const refused = page.locator('[data-testid=erasure-request][data-status=refused]');
    await refused.waitFor();
    expect(await refused.innerText()).toContain(`Placed by Coast Guard North: ${HOLD_REASON}`);
    await page.getByRole('heading', { name: 'Retention and erasure', level: 2 }).scrollIntoViewIfNeeded();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'case-erasure-refused');
    await signOut(page);
  });

  it('the administrator sees the hold and the refusal in the retention report', async () => {
    const { page } = web;
    await web.signIn('admin.erasure');
    await page.getByRole('navigation').getByRole('link', { name: 'Retention' }).click();
    await page.getByRole('heading', { name: 'Retention', level: 1 }).waitFor();
    await page.getByTestId('retention-due').waitFor();
    expect(await page.getByTestId('standing-holds').innerText()).toBe('1');
    expect(await page.getByTestId('erasure-counts').innerText()).toBe('0 carried out, 1 refused because a hold stood');
    const cases = page.getByTestId('retention-due').locator('tr[data-type=case]');
    expect(await cases.innerText()).toContain('5 years from the closure of the case');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'admin-retention');
    expect(web.pageErrors).toEqual([]);
    await signOut(page);
  });

  it('the oversight body sees the hold by agency and releases it in writing', async () => {
    const { page } = web;
    await web.signIn('inspector.erasure');
    await page.getByRole('navigation').getByRole('link', { name: 'Legal holds' }).click();
    await page.getByRole('heading', { name: 'Legal holds', level: 1 }).waitFor();
    const row = page.getByTestId('oversight-hold');
    await row.waitFor();
    expect(await row.getByRole('rowheader').innerText()).toBe('Coast Guard North');
    expect(await row.innerText()).toContain('None');
    // Its reason stays with the agencies that see the person.
    expect(await page.locator('main').innerText()).not.toContain(HOLD_REASON);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'oversight-legal-holds');
    await row.getByText('Release in writing').click();
    await row.getByRole('textbox', { name: 'Why the oversight body releases it' }).fill('The trial ended; the court returned the evidence');
    await row.getByRole('button', { name: 'Release the hold' }).click();
    await page.getByText('No legal hold stands.').waitFor();
    expect(web.pageErrors).toEqual([]);
    await signOut(page);
  });
});
