import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgency, makeUser, sessionFor, type Caller } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

const FIRST_SCREEN = { timeout: 60_000 };

// Duties that had only an API (issue 18): the provider reports its free places; the person withdraws
// a consent and the supervisor revokes a referral, each on the case page; the supervisor exports the
// case list under a password; the administrator sets the suppression threshold; the oversight body
// reads the whole audit trail a page at a time.
describe('the referral mechanism, exports and settings on screen', () => {
  let web: WebTest;
  let officer: Caller;
  let personId: string;
  let clinicProvider: string;
  let ngoAgency: string;
  let ngoProvider: string;

  async function signInAs(username: string): Promise<Page> {
    await web.context.clearCookies();
    await web.signIn(username);
    return web.page;
  }

  async function referral(service: string, providerId: string, recipientAgencyId: string): Promise<void> {
    await officer.post(`/api/persons/${personId}/consents`, { recipientAgencyId, purpose: service, status: 'given', language: 'en', interpreter: false });
    const draft = await officer.post('/api/referrals', { personId, providerId, service, sharedGroups: ['identity'], reason: 'Needs it' });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    expect((await officer.post(`/api/referrals/${draft.body.id}/send`, { version: draft.body.version })).status).toBe(200);
  }

  beforeAll(async () => {
    web = await startWebTest();
    const { platform } = web.server;
    await platform.database.db.updateTable('agencies').set({ area: 'Port' }).where('id', '=', web.agencyId).execute();
    officer = await sessionFor(web.server, await web.makeUser('protection_officer', 'officer.duties'));
    await web.makeUser('supervisor', 'supervisor.duties');
    const clinic = await makeAgency(platform, 'Port Clinic', 'service_provider');
    ngoAgency = await makeAgency(platform, 'Legal Aid Port', 'ngo');
    await makeUser(platform, clinic, 'service_provider', 'provider.duties');
    const admin = await sessionFor(web.server, await makeUser(platform, await makeAgency(platform, 'Ministry'), 'admin', 'admin.duties'));
    await makeUser(platform, await makeAgency(platform, 'Ombudsman', 'oversight'), 'oversight', 'oversight.duties');
    clinicProvider = (await admin.post('/api/directory/providers', { agencyId: clinic, name: 'Port Clinic ward', serviceTypes: ['health'], area: 'Port', languages: ['en'], capacity: 12, available: 5 })).body.id;
    ngoProvider = (await admin.post('/api/directory/providers', { agencyId: ngoAgency, name: 'Legal Aid Port desk', serviceTypes: ['asylum'], area: 'Port', languages: ['en'] })).body.id;
    const encounter = await officer.post('/api/encounters', { type: 'inland', occurredAt: web.server.clock.now().toISOString(), place: { name: 'Port gate' } });
    personId = (await officer.post(`/api/encounters/${encounter.body.id}/persons`, { persons: [{ givenName: 'Amina', familyName: 'Yusuf', sex: 'female', ageClaimed: 30, indicators: ['asylum_intent', 'medical_need'] }] })).body.persons[0].id;
    await referral('health', clinicProvider, clinic);
    await referral('asylum', ngoProvider, ngoAgency);
  });
  afterAll(() => web?.close());

  it('lets the provider report its free places from its inbox, never above the capacity', async () => {
    const page = await signInAs('provider.duties');
    const places = page.getByTestId('places-provider');
    await places.waitFor(FIRST_SCREEN);
    expect(await places.innerText()).toContain('Port Clinic ward');
    expect(await places.innerText()).toContain('5 places free');
    const field = places.getByLabel('Free places now');
    await field.fill('13');
    await places.getByRole('button', { name: 'Report free places' }).click();
    await places.getByText('At most the capacity, 12.').waitFor();
    await field.fill('2');
    await places.getByRole('button', { name: 'Report free places' }).click();
    await places.getByRole('status').waitFor();
    await expect.poll(() => places.innerText()).toContain('2 places free');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'provider-free-places');
  });

  it('records the person withdrawing a consent, and the supervisor revoking a referral, on the case page', async () => {
    let page = await signInAs('officer.duties');
    await page.goto(`${web.server.baseUrl}/cases/${personId}`);
    await page.getByRole('heading', { name: 'Amina Yusuf', level: 1 }).waitFor(FIRST_SCREEN);
    const consents = page.getByTestId('consents');
    await consents.waitFor();
    expect(await consents.innerText()).toContain('Consented to share for Asylum procedure with Legal Aid Port desk');
    await consents.locator('li', { hasText: 'Asylum procedure' }).getByRole('button', { name: 'The person withdraws this consent' }).click();
    await expect.poll(() => consents.locator('[data-status="withdrawn"]').count()).toBe(1);
    // The referral resting on it is closed, and its provider named.
    const asylum = page.getByTestId('referrals').locator('[data-service="asylum"]');
    await expect.poll(() => asylum.getAttribute('data-status')).toBe('closed');
    expect(await asylum.innerText()).toContain('Legal Aid Port desk');
    // Revoking is the supervisor's.
    expect(await page.getByTestId('referral-revoke').count()).toBe(0);

    page = await signInAs('supervisor.duties');
    await page.goto(`${web.server.baseUrl}/cases/${personId}`);
    await page.getByRole('heading', { name: 'Amina Yusuf', level: 1 }).waitFor(FIRST_SCREEN);
    const health = page.getByTestId('referrals').locator('[data-service="health"]');
    await health.getByTestId('referral-revoke').click();
    expect(await health.getByRole('alert').innerText()).toContain('The provider\u2019s access to the person ends at once.');
    await health.getByTestId('referral-revoke-confirm').click();
    await expect.poll(() => health.getAttribute('data-status')).toBe('revoked');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
  });

  it('lets the supervisor export the case list and download it only under a password', async () => {
    const page = web.page;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Exports' }).click();
    await page.getByRole('heading', { name: 'Exports', level: 1 }).waitFor(FIRST_SCREEN);
    await page.getByTestId('export-case_list').click();
    const job = page.getByTestId('export').first();
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    const password = job.getByLabel('Password for the ZIP');
    await password.fill('short');
    await job.getByRole('button', { name: 'Download the encrypted ZIP' }).click();
    await job.getByText('At least 12 characters.').first().waitFor();
    await password.fill('correct horse battery');
    const [download] = await Promise.all([page.waitForEvent('download'), job.getByRole('button', { name: 'Download the encrypted ZIP' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'exports');
  });

  it('lets the administrator set the suppression threshold, never below the minimum', async () => {
    const page = await signInAs('admin.duties');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Statistics' }).click();
    const current = page.getByTestId('threshold-current');
    await current.waitFor(FIRST_SCREEN);
    expect(await current.innerText()).toContain('k = 11');
    await page.getByLabel('k', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Set the threshold' }).click();
    await page.getByText('At least 5.').first().waitFor();
    await page.getByLabel('k', { exact: true }).fill('15');
    await page.getByRole('button', { name: 'Set the threshold' }).click();
    await page.getByRole('status').filter({ hasText: 'The threshold is now k = 15.' }).waitFor();
    await expect.poll(() => current.innerText()).toContain('k = 15');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
  });

  it('shows the oversight body the whole audit trail, a page at a time, each record opening its own trail', async () => {
    // More than a page of events: each read of her record is one.
    for (let read = 0; read < 110; read += 1) expect((await officer.get(`/api/persons/${personId}`)).status).toBe(200);
    const page = await signInAs('oversight.duties');
    await page.goto(`${web.server.baseUrl}/oversight/audit`);
    const trail = page.getByTestId('whole-trail');
    await trail.getByRole('table').waitFor(FIRST_SCREEN);
    expect(await trail.getByRole('row').count()).toBe(101);
    await trail.getByTestId('whole-trail-next').click();
    await expect.poll(async () => (await trail.getByRole('row').nth(1).innerText()).startsWith('101')).toBe(true);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await trail.getByRole('link').first().click();
    await page.locator('#trail').waitFor();
  });

  it('ran without a console error', () => {
    expect(web.pageErrors).toEqual([]);
  });
});
