import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgency, sessionFor } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, submitRegistration, type WebTest } from '../../test-support/browser';

// Issue 17, point 4: the coast guard registers at sea a girl the protection unit already holds
// (synthetic names). The responder is told that a likely match is on record at the unit, and
// nothing of that record; asks the unit to take over; the unit's officer accepts on the case page.

const UNIT = 'Demo Migrant Protection Unit';

describe('a likely match at another agency, asked to take over, in Chromium', () => {
  let web: WebTest;
  let heldId: string;

  beforeAll(async () => {
    web = await startWebTest();
    const unit = await makeAgency(web.server.platform, UNIT);
    await web.makeUser('first_responder', 'responder.quay');
    const officer = await sessionFor(web.server, await web.makeUser('protection_officer', 'officer.unit', unit));
    const held = await officer.post('/api/persons', { givenName: 'Hiwet', familyName: 'Gebremariam', otherNames: ['Selamawit'], sex: 'female', birthDate: '2011-05-04', nationality: 'ER' });
    expect(held.status).toBe(201);
    heldId = held.body.id;
  });
  afterAll(() => web?.close());

  it('tells the responder where a likely match is on record, with nothing of it, and sends the request', async () => {
    const { page } = web;
    await web.signIn('responder.quay');
    await page.locator('nav a[href="/first-response"]').click();
    await page.locator('input[name=placeName]').fill('Quay 3, night');
    await page.locator('form[aria-labelledby=new-encounter] button[type=submit]').click();
    await page.getByTestId('registration-form').waitFor({ timeout: 60_000 });
    await page.locator('input[name=givenName]').fill('Hiwet');
    await page.locator('input[name=familyName]').fill('Gebremariam');
    await page.locator('input[name=sex][value=female]').check({ force: true });
    await page.locator('input[name=ageClaimed]').fill('15');
    await submitRegistration(page);

    const match = page.getByTestId('match-elsewhere');
    await match.waitFor({ timeout: 30_000 });
    const text = await match.innerText();
    expect(text).toContain(`A likely match is on record at ${UNIT}.`);
    for (const secret of ['Selamawit', '2011-05-04', heldId]) expect(await page.content()).not.toContain(secret);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');

    await match.getByTestId('ask-agency').locator('summary').click();
    await match.locator('input[name=kind][value=take_over]').check({ force: true });
    await match.getByTestId('send-link-request').click();
    await match.getByTestId('link-request-sent').waitFor({ timeout: 30_000 });
    await saveScreenshot(page, 'registration-match-elsewhere');
    const request = await web.server.platform.database.db.selectFrom('link_requests').selectAll().executeTakeFirstOrThrow();
    expect(request).toMatchObject({ kind: 'take_over', status: 'pending', holder_person_id: heldId });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
  });

  it("lets the unit's officer take the case over from the case page", async () => {
    const { page } = web;
    await web.signIn('officer.unit');
    await page.goto(`${web.baseUrl}/cases/${heldId}`);
    const request = page.getByTestId('link-request');
    await request.waitFor({ timeout: 60_000 });
    expect(await request.getAttribute('data-side')).toBe('holder');
    expect(await request.innerText()).toContain('Coast Guard North asks you to take over their case of this person');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await request.getByTestId('accept-link-request').click();
    await expect.poll(() => page.getByTestId('link-request').getAttribute('data-status'), { timeout: 30_000 }).toBe('accepted');
    const moved = await web.server.platform.database.db.selectFrom('link_requests').innerJoin('cases', 'cases.person_id', 'link_requests.requester_person_id').select('cases.agency_id').executeTakeFirstOrThrow();
    const unit = await web.server.platform.database.db.selectFrom('agencies').select('id').where('name', '=', UNIT).executeTakeFirstOrThrow();
    expect(moved.agency_id).toBe(unit.id);
  });
});
