import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgency, makeUser, sessionFor } from '../../../../server/src/test-support/server.js';
import { describeViolations, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

const HOUR = 3_600_000;
/** The first screen a role opens fetches its chunk while the service worker precaches the app: slow on a busy machine. */
const FIRST_SCREEN = { timeout: 60_000 };


// Each role starts on its worklist. A boat brings an unaccompanied girl of 15 with a medical
// emergency: the responder sees her first, in both categories; her officer sees her emergency care
// first among their obligations and opens her case on what is to be done; the supervisor sees the
// man met yesterday, whose case nobody holds and whose information on rights is overdue.
describe('work first: each role lands on its worklist', () => {
  let web: WebTest;
  let salma: string;
  let yonas: string;

  beforeAll(async () => {
    web = await startWebTest();
    const { platform } = web.server;
    await platform.database.db.updateTable('agencies').set({ area: 'North Harbour' }).where('id', '=', web.agencyId).execute();
    const officerId = await web.makeUser('protection_officer', 'officer.home');
    await web.makeUser('supervisor', 'supervisor.home');
    // The coast guard registers (each case is first its registrar's); the officer takes the girl's,
    // and the man's is left with nobody.
    const responder = await sessionFor(web.server, await web.makeUser('first_responder', 'responder.home'));
    const officer = await sessionFor(web.server, officerId);
    const now = web.server.clock.now().getTime();
    const boat = await responder.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: new Date(now - 20 * 60_000).toISOString(), place: { name: 'Harbour steps' }, peopleOnBoard: 40 });
    const registered = await responder.post(`/api/encounters/${boat.body.id}/persons`, {
      persons: [
        { givenName: 'Omar', familyName: 'Said', sex: 'male', ageClaimed: 40 },
        { givenName: 'Salma', familyName: 'Idris', sex: 'female', ageClaimed: 15, accompaniment: 'unaccompanied', indicators: ['medical_emergency'] },
      ],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    salma = registered.body.persons[1].id;
    const herCase = await officer.get(`/api/persons/${salma}/case`);
    expect((await officer.patch(`/api/cases/${herCase.body.id}`, { version: herCase.body.version, officerId })).status).toBe(200);
    // Met thirty hours ago, his case held by nobody: information on his rights is overdue.
    const earlier = await responder.post('/api/encounters', { type: 'inland', occurredAt: new Date(now - 30 * HOUR).toISOString(), place: { name: 'Ring road' } });
    yonas = (await responder.post(`/api/encounters/${earlier.body.id}/persons`, { persons: [{ givenName: 'Yonas', familyName: 'Haile', sex: 'male', ageClaimed: 34 }] })).body.persons[0].id;
    const hisCase = await officer.get(`/api/persons/${yonas}/case`);
    expect((await officer.patch(`/api/cases/${hisCase.body.id}`, { version: hisCase.body.version, officerId: null })).status).toBe(200);
    for (const [role, username, kind] of [
      ['service_provider', 'provider.home', 'ngo'],
      ['oversight', 'oversight.home', 'oversight'],
      ['coordinator', 'coordinator.home', 'government'],
      ['investigator', 'investigator.home', 'government'],
      ['admin', 'admin.home', 'government'],
    ] as const) {
      await makeUser(platform, await makeAgency(platform, `Agency of ${username}`, kind), role, username);
    }
  });
  afterAll(() => web?.close());

  /** Each role signs in afresh, whatever the test before left open. */
  async function signInAs(username: string): Promise<void> {
    await web.context.clearCookies();
    await web.signIn(username);
  }

  it('starts the first responder on the last 24 hours’ encounters, the urgent persons with every category, each opening the case', async () => {
    const { page } = web;
    await signInAs('responder.home');
    const encounters = page.getByTestId('home-encounter');
    await encounters.first().waitFor(FIRST_SCREEN);
    expect(await encounters.count()).toBe(1);
    const boat = encounters.first();
    expect(await boat.innerText()).toContain('Harbour steps');
    expect(await boat.innerText()).toContain('People on board: 40 · registered: 2');
    const urgent = boat.getByTestId('home-triage').locator('li');
    await urgent.first().waitFor();
    expect(await urgent.count()).toBe(1);
    expect(await urgent.first().getAttribute('data-categories')).toBe('medical_emergency unaccompanied_child');
    expect(await urgent.first().innerText()).toContain('Medical emergency, Unaccompanied child');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await urgent.first().getByRole('link', { name: 'Salma Idris' }).click();
    await page.getByRole('heading', { name: 'Salma Idris', level: 1 }).waitFor(FIRST_SCREEN);
    await page.getByTestId('todo-item').first().waitFor();
    expect(await page.getByTestId('todo-item').first().getAttribute('data-code')).toBe('life.emergency_care');
  });

  it('starts the officer on their obligations by deadline, then their cases', async () => {
    const { page } = web;
    await signInAs('officer.home');
    const obligations = page.getByTestId('home-my-obligations').getByTestId('home-obligation');
    await obligations.first().waitFor(FIRST_SCREEN);
    expect(await obligations.first().getAttribute('data-code')).toBe('life.emergency_care');
    expect(await obligations.first().innerText()).toContain('Emergency medical care · Salma Idris');
    const due = await obligations.locator('time').evaluateAll((times) => times.map((time) => time.getAttribute('datetime')!));
    expect(due).toEqual([...due].sort());
    const cases = page.getByTestId('home-my-cases');
    expect(await cases.innerText()).toContain('Salma Idris');
    expect(await cases.innerText()).not.toContain('Yonas');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    // Each obligation of the worklist has one button: the case opened on the form that fulfils it, prefilled.
    const fulfil = obligations.first().getByTestId('fulfil-link');
    expect(await fulfil.innerText()).toBe('Record: Emergency medical care');
    await fulfil.click();
    await page.getByRole('heading', { name: 'Salma Idris', level: 1 }).waitFor(FIRST_SCREEN);
    await page.getByTestId('todo-item').first().waitFor();
    const form = page.getByTestId('assistance-form');
    await expect.poll(() => form.evaluate((details) => (details as HTMLDetailsElement).open)).toBe(true);
    expect(await form.locator('.select-button').innerText()).toContain('Emergency medical care');
    // The address forgets the ask: a reload does not open the form again.
    expect(new URL(page.url()).search).toBe('');
  });

  it('opens the case on what is to be done, each with the form that fulfils it, prefilled', async () => {
    const { page } = web;
    const todo = page.getByTestId('todo');
    // The to-do list comes before the record.
    const [todoTop, factsTop] = await Promise.all([todo.boundingBox(), page.locator('section[aria-labelledby=facts-title]').boundingBox()]);
    expect(todoTop!.y).toBeLessThan(factsTop!.y);
    const items = todo.getByTestId('todo-item');
    const due = await items.locator('time').evaluateAll((times) => times.map((time) => time.getAttribute('datetime')!));
    expect(due).toEqual([...due].sort());
    // A referral to-do opens the referral form on that service (no provider in this directory, it says so).
    await todo.getByTestId('todo-refer-child_protection').click();
    await page.getByTestId('refer').getByRole('alert').waitFor();
    expect(await page.getByTestId('refer').getByRole('alert').innerText()).toContain('No provider can be proposed in North Harbour');
    // The emergency care is recorded from its to-do: the assistance form opens with that type chosen.
    await todo.getByTestId('todo-assist-emergency_medical').click();
    const form = page.getByTestId('assistance-form');
    await expect.poll(() => form.evaluate((details) => (details as HTMLDetailsElement).open)).toBe(true);
    expect(await form.locator('.select-button').innerText()).toContain('Emergency medical care');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await form.locator('button[type=submit]').click();
    await form.getByRole('status').waitFor();
    await expect.poll(() => todo.locator('[data-code="life.emergency_care"]').count(), { timeout: 10_000 }).toBe(0);
  });

  it('starts the supervisor on intake, the overdue cases nobody holds, and the agency’s overdue', async () => {
    const { page } = web;
    await signInAs('supervisor.home');
    const escalations = page.getByTestId('home-escalation');
    await escalations.first().waitFor(FIRST_SCREEN);
    // The intake queue itself, to assign from the home: Yonas has no officer, so he waits there.
    const intake = page.getByTestId('home-intake');
    await intake.getByRole('table').waitFor(FIRST_SCREEN);
    expect(await intake.getByRole('table').innerText()).toContain('Yonas Haile');
    expect(await intake.getByRole('link', { name: 'Arrivals waiting for an officer' }).getAttribute('href')).toBe('/supervision/intake');
    expect(await escalations.count()).toBe(1);
    expect(await escalations.first().innerText()).toContain('Yonas Haile');
    expect(await escalations.first().getByRole('link').getAttribute('href')).toBe(`/cases/${yonas}`);
    const overdue = page.getByTestId('home-overdue').getByTestId('home-obligation');
    await overdue.first().waitFor();
    expect(await page.getByTestId('home-overdue').locator('[data-code="info.rights"]').innerText()).toContain('Yonas Haile');
    expect(await page.getByTestId('home-overdue').innerText()).not.toContain('Salma');
    // The overdue information on rights offers its form on his case.
    const fulfil = page.getByTestId('home-overdue').locator('[data-code="info.rights"]').getByTestId('fulfil-link');
    expect(await fulfil.getAttribute('href')).toMatch(new RegExp(`^/cases/${yonas}\\?act=`));
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
  });

  it.each([
    ['provider.home', '/referrals/inbox'],
    ['oversight.home', '/oversight/queue'],
    ['coordinator.home', '/dashboards'],
    ['investigator.home', '/investigations'],
    ['admin.home', '/admin/users'],
  ])('starts %s on its worklist screen, %s', async (username, path) => {
    const { page } = web;
    await signInAs(username);
    await page.waitForURL(`**${path}`, FIRST_SCREEN);
    await page.locator('main h1').waitFor(FIRST_SCREEN);
  });

  it('ran without a console error or a Content-Security-Policy violation', () => {
    expect(web.pageErrors).toEqual([]);
    expect(salma).toBeTruthy();
  });
});
