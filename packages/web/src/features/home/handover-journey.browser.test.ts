import { loadProfile } from '@haven/core/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgency } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, submitRegistration, type WebTest } from '../../test-support/browser';

/** The first screen a role opens fetches its chunk while the service worker precaches the app: slow on a busy machine. */
const FIRST_SCREEN = { timeout: 60_000 };
/** How long the protection officer may wait, after the sync, to see the girl on her worklist. */
const WITHIN_SECONDS = { timeout: 10_000 };

// The chain Haven exists for, across two agencies: the coast guard registers a boat on a deck with
// no network; when the device syncs, the profile's handover rule gives the unaccompanied girl's
// case to the protection unit at once; the protection officer finds her among the arrivals on her
// home, takes the case up and records the emergency care that her 1-hour obligation asks for.
describe('the handover from the coast guard to the protection unit, in Chromium', () => {
  let web: WebTest;
  let syncedAt = 0;

  beforeAll(async () => {
    web = await startWebTest();
    const { platform } = web.server;
    // The test's own agency is the coast guard; the protection unit takes over its registrations.
    await makeAgency(platform, 'Migrant Protection Unit');
    platform.profile = loadProfile({
      id: 'journey',
      handover: [
        {
          from: 'Coast Guard North',
          to: 'Migrant Protection Unit',
          atOnce: ['child', 'unaccompanied_child', 'separated_child', 'medical_emergency', 'fear_of_return'],
          within: 'PT6H',
          keepAccessFor: 'P3D',
        },
      ],
    });
    await web.makeUser('first_responder', 'responder.journey');
    const protection = await platform.database.db.selectFrom('agencies').select('id').where('name', '=', 'Migrant Protection Unit').executeTakeFirstOrThrow();
    await web.makeUser('protection_officer', 'officer.journey', protection.id);
  });
  afterAll(() => web?.close());

  it('registers the boat offline on the deck and syncs when the network returns', async () => {
    const { page, context } = web;
    await web.signIn('responder.journey');
    await page.locator('nav a[href="/first-response"]').click();
    await page.locator('input[name=placeName]').waitFor(FIRST_SCREEN);
    await page.waitForFunction(() => navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller !== null));
    await context.setOffline(true);
    await page.locator('input[name=placeName]').fill('Twelve miles south of the lighthouse');
    await page.locator('form[aria-labelledby=new-encounter] button[type=submit]').click();
    await page.getByTestId('registration-form').waitFor();
    await page.locator('input[name=givenName]').fill('Hiwet');
    await page.locator('input[name=familyName]').fill('Tesfay');
    await page.locator('input[name=sex][value=female]').check({ force: true });
    await page.locator('input[name=ageClaimed]').fill('15');
    await page.locator('input[name=accompaniment][value=unaccompanied]').check({ force: true });
    await page.locator('label.checkbox', { has: page.locator('input[name=urgent][value=medical_emergency]') }).click();
    await submitRegistration(page);
    expect(Number(await page.getByTestId('pending-changes').getAttribute('data-count'))).toBeGreaterThan(0);

    await context.setOffline(false);
    await expect.poll(async () => Number(await page.getByTestId('pending-changes').getAttribute('data-count')), { timeout: 30_000 }).toBe(0);
    syncedAt = Date.now();
    // The case is the protection unit's, nobody's yet, to be taken up at once (within the quarter hour).
    const { db } = web.server.platform.database;
    const handover = await db.selectFrom('handovers').innerJoin('agencies', 'agencies.id', 'handovers.to_agency_id').select(['agencies.name', 'handovers.take_up_by', 'handovers.handed_over_at']).executeTakeFirstOrThrow();
    expect(handover.name).toBe('Migrant Protection Unit');
    expect(Date.parse(handover.take_up_by) - Date.parse(handover.handed_over_at)).toBe(15 * 60_000);
  });

  it('shows the coast guard what it may still do on the case it handed over, with no wall of refusals', async () => {
    const { page } = web;
    // From the encounter's triage, where the deck's registration synced.
    await page.getByTestId('triage').getByRole('link', { name: 'Hiwet Tesfay' }).click();
    await page.getByRole('heading', { name: 'Hiwet Tesfay', level: 1 }).waitFor(FIRST_SCREEN);
    await page.getByTestId('first-contact-notice').waitFor();
    await page.getByTestId('detention-section').waitFor();
    await page.getByTestId('assistance-form').waitFor();
    // The case, its obligations and its record are the protection unit's now: not shown, and not shown as errors.
    expect(await page.getByTestId('todo').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
  });

  it('puts the girl on the protection officer’s worklist within seconds; she takes the case up and records the emergency care', async () => {
    const { page } = web;
    await web.context.clearCookies();
    await web.signIn('officer.journey');
    const arrival = page.getByTestId('home-arrivals').getByTestId('home-arrival');
    await arrival.first().waitFor(WITHIN_SECONDS);
    console.log(`from the sync to the girl on the protection officer's worklist (sign-in included): ${Date.now() - syncedAt} ms`);
    expect(await arrival.count()).toBe(1);
    const text = await arrival.first().innerText();
    expect(text).toContain('Hiwet Tesfay');
    expect(text).toContain('Medical emergency, Unaccompanied child');
    expect(text).toContain('Emergency medical care');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'officer-arrivals');

    await arrival.first().getByRole('button', { name: 'Take up the case of Hiwet Tesfay' }).click();
    const mine = page.getByTestId('home-my-obligations').getByTestId('home-obligation');
    await mine.first().waitFor(WITHIN_SECONDS);
    expect(await mine.first().getAttribute('data-code')).toBe('life.emergency_care');
    expect(await page.getByTestId('home-arrivals').getByTestId('home-arrival').count()).toBe(0);

    // The obligation's first link opens the case; the second is its fulfilling form.
    await mine.first().getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Hiwet Tesfay', level: 1 }).waitFor(FIRST_SCREEN);
    const todo = page.getByTestId('todo');
    await todo.locator('[data-code="life.emergency_care"]').waitFor();
    await todo.getByTestId('todo-assist-emergency_medical').click();
    const form = page.getByTestId('assistance-form');
    await expect.poll(() => form.evaluate((details) => (details as HTMLDetailsElement).open)).toBe(true);
    await form.locator('button[type=submit]').click();
    await form.getByRole('status').waitFor();
    await expect.poll(() => todo.locator('[data-code="life.emergency_care"]').count(), WITHIN_SECONDS).toBe(0);
    // The history tells the handover and the take-up in names.
    const history = page.getByTestId('case-history');
    await history.locator('li').nth(2).waitFor();
    const told = await history.innerText();
    expect(told).toContain('Handed over by Coast Guard North to Migrant Protection Unit');
    expect(told).toContain('officer.journey');
    const obligation = await web.server.platform.database.db.selectFrom('obligations').select('status').where('code', '=', 'life.emergency_care').executeTakeFirstOrThrow();
    expect(obligation.status).toBe('fulfilled');
  });
});
