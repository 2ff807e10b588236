import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgency, makeUser, sessionFor } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

const HOME = 'Lake district';
const ELSEWHERE = 'Capital';
const NOTE = 'No guardian service anywhere in the directory; the shelter keeps her meanwhile.';

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
}

// No dead end in a referral (issue 17, point 6): the officer's area has no provider for what the
// girl needs. For child protection another area has one, which the screen offers; for
// guardianship none has, so the officer records that no service is available. The obligation
// stays open; the supervisor is told and sees the gap on their list.
describe('a referral with no provider in Chromium', () => {
  let web: WebTest;
  let personId: string;

  beforeAll(async () => {
    web = await startWebTest();
    const { platform } = web.server;
    await platform.database.db.updateTable('agencies').set({ area: HOME }).where('id', '=', web.agencyId).execute();
    const services = await makeAgency(platform, 'Capital Child Services', 'service_provider');
    const admin = await sessionFor(web.server, await makeUser(platform, await makeAgency(platform, 'Ministry'), 'admin', 'admin.gaps'));
    const provider = await admin.post('/api/directory/providers', { agencyId: services, name: 'Capital child protection team', serviceTypes: ['child_protection'], area: ELSEWHERE, languages: ['en'] });
    expect(provider.status, JSON.stringify(provider.body)).toBe(201);
    expect((await admin.post('/api/directory/pathways', { serviceType: 'child_protection', area: ELSEWHERE, providerId: provider.body.id })).status).toBe(201);
    const officer = await sessionFor(web.server, await web.makeUser('protection_officer', 'officer.gaps'));
    await web.makeUser('supervisor', 'supervisor.gaps');
    const encounter = await officer.post('/api/encounters', { type: 'inland', occurredAt: web.server.clock.now().toISOString(), place: { name: 'Lake station' } });
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, {
      persons: [{ givenName: 'Hanna', familyName: 'Gebre', sex: 'female', ageClaimed: 15, accompaniment: 'unaccompanied' }],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    personId = registered.body.persons[0].id;
  });
  afterAll(() => web?.close());

  it('offers another area that has the service, and records a service gap where none has; the obligation stays open', async () => {
    const { page } = web;
    await web.signIn('officer.gaps');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
    await page.getByTestId('case-list').waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'Hanna Gebre' }).click();
    await page.getByRole('heading', { name: 'Hanna Gebre', level: 1 }).waitFor();

    // Child protection: none in her area, one in the capital, offered on the screen.
    await page.getByTestId('prepare-child_protection').click();
    await page.getByTestId('no-provider').waitFor();
    expect(await page.getByTestId('no-provider').innerText()).toContain(`No provider can be proposed in ${HOME}.`);
    await page.getByTestId('other-areas').getByRole('button', { name: `Look in ${ELSEWHERE}` }).click();
    await page.getByTestId('proposal').waitFor();
    expect(await page.getByTestId('proposed-provider').innerText()).toContain('Capital child protection team');

    // Guardianship: no area has it. The officer records that no service is available.
    await page.getByTestId('prepare-guardianship').click();
    await page.getByTestId('no-other-area').waitFor();
    const gapForm = page.getByTestId('gap-form');
    expect(await gapForm.innerText()).toContain('the obligation stays open');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'service-gap-form');
    await gapForm.getByRole('textbox').fill(NOTE);
    await gapForm.getByRole('button', { name: `Record: no Guardianship in ${HOME}` }).click();
    expect(await page.getByTestId('gap-recorded').innerText()).toContain('The obligation stays open.');
    const listed = page.getByTestId('service-gaps').locator('li[data-service=guardianship]');
    await listed.waitFor();
    expect(await listed.innerText()).toContain(HOME);
    expect(await listed.innerText()).toContain(NOTE);
    expect(await listed.innerText()).toMatch(/Still open: /);
    expect(web.pageErrors).toEqual([]);
    await signOut(page);
  });

  it('tells the supervisor, naming the child and linking to her case, and lists the gap', async () => {
    const { page } = web;
    await web.signIn('supervisor.gaps');
    await page.locator('.notifications-link').click();
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    const told = page.locator('.notification[data-kind=service_gap_recorded]');
    await told.waitFor();
    expect(await told.innerText()).toContain('About Hanna Gebre');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'notifications-named');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Service gaps' }).click();
    await page.getByRole('heading', { name: 'Service gaps', level: 1 }).waitFor();
    const row = page.getByTestId('service-gaps').getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Guardianship' }) });
    await row.waitFor();
    expect(await row.innerText()).toContain(HOME);
    expect(await row.innerText()).toContain('Hanna Gebre');
    expect(await row.innerText()).toContain(NOTE);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'supervisor-service-gaps');

    await row.getByRole('link', { name: 'Hanna Gebre' }).click();
    await page.waitForURL(`**/cases/${personId}`);
    await page.getByRole('heading', { name: 'Hanna Gebre', level: 1 }).waitFor();
    expect(web.pageErrors).toEqual([]);
  });
});
