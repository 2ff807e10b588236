import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionFor, type Caller } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

// Detention and consular rights on the case page (issue 18, point 1): the detained woman who asks
// for her consulate (the obligation opens, the notification is recorded, the obligation is
// fulfilled); the man who fears return, for whom no notification may go to the State he fears; and
// the first responder at a border post without a network, whose detention record syncs later.

const OFFICER = 'Rahel Haile';
const RESPONDER = 'Tomas Berhe';
const CONFIDENTIALITY = 'Confidentiality towards the State of origin';
const NOTIFY_POST = 'Notify the consular post';

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
}

async function openCase(web: WebTest, personId: string, name: string): Promise<Locator> {
  await web.page.goto(`${web.baseUrl}/cases/${personId}`);
  await web.page.getByRole('heading', { name, level: 1 }).waitFor();
  const section = web.page.getByTestId('detention-section');
  await section.getByTestId('consular-choice').waitFor();
  return section;
}

/** Opens a form's panel (its summary is the disclosure button) unless it is open already. */
async function openPanel(panel: Locator): Promise<void> {
  if ((await panel.getAttribute('open')) === null) await panel.locator('summary').click();
}

describe('detention and consular rights in Chromium', () => {
  let web: WebTest;
  let officer: Caller;
  const persons: Record<string, string> = {};

  beforeAll(async () => {
    web = await startWebTest();
    const { db } = web.server.platform.database;
    const officerId = await web.makeUser('protection_officer', 'officer.consular');
    const responderId = await web.makeUser('first_responder', 'responder.consular');
    await db.updateTable('users').set({ display_name: OFFICER }).where('id', '=', officerId).execute();
    await db.updateTable('users').set({ display_name: RESPONDER }).where('id', '=', responderId).execute();
    officer = await sessionFor(web.server, officerId);
    const encounter = await officer.post('/api/encounters', { type: 'land_apprehension', occurredAt: new Date(Date.now() - 3_600_000).toISOString(), place: { name: 'Border post 7' } });
    expect(encounter.status, JSON.stringify(encounter.body)).toBe(201);
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, {
      persons: [
        { givenName: 'Selam', familyName: 'Tesfay', sex: 'female', ageClaimed: 28, nationality: 'ER', languages: ['ti'] },
        { givenName: 'Yonas', familyName: 'Gebre', sex: 'male', ageClaimed: 34, nationality: 'ER', languages: ['ti'] },
        { givenName: 'Dawit', familyName: 'Alem', sex: 'male', ageClaimed: 25, nationality: 'ET', languages: ['am'] },
      ],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    [persons.selam, persons.yonas, persons.dawit] = registered.body.persons.map((p: { id: string }) => p.id);
  });
  afterAll(() => web?.close());

  it('records the detention of a woman who asks for her consulate; the to-do opens the notification prefilled, and recording it fulfils the obligation', async () => {
    const { page } = web;
    await web.signIn('officer.consular');
    const section = await openCase(web, persons.selam!, 'Selam Tesfay');
    expect(await section.innerText()).toContain('No detention recorded.');

    // Detained: where, since when, on what basis.
    const detention = section.getByTestId('detention-form');
    await openPanel(detention);
    await detention.getByLabel('Place of detention').fill('Border post 7, holding room');
    await detention.getByLabel('Legal basis').fill('Art. 14, Immigration Act (identification)');
    await detention.getByRole('button', { name: 'Record the detention' }).click();
    const current = section.getByTestId('detentions').locator('li[data-open=true]');
    await current.waitFor();
    expect(await current.innerText()).toContain('Detained now');
    expect(await current.innerText()).toContain(`Recorded by ${OFFICER}`);
    await page.getByTestId('todo').locator('li[data-code="consular.inform_rights"]').waitFor();

    // Her consular rights explained in Tigrinya; she asks for her consulate.
    const rights = section.getByTestId('consular-rights-form');
    await openPanel(rights);
    expect(await rights.getByLabel('Language used').inputValue()).toBe('ti');
    await rights.locator('label.choice-option', { has: page.locator('input[name=choice][value=requested]') }).click();
    await rights.getByRole('button', { name: 'Record the explanation and the choice' }).click();
    await expect.poll(() => section.getByTestId('choice-now').innerText()).toContain('Requested by the person');
    expect(await section.getByTestId('rights-explained').innerText()).toMatch(new RegExp(`in Tigrinya, by ${OFFICER}`));
    expect(await section.getByTestId('choice-confidentiality').innerText()).toBe(`${CONFIDENTIALITY} is not in force for this person.`);
    expect(await section.getByTestId('choice-mandatory').innerText()).toContain('Eritrea is not on the mandatory-notification list of the profile in force');

    // consular.notify_post opens in To do; its button opens the notification form, prefilled and focused.
    const toDo = page.getByTestId('todo').locator('li[data-code="consular.notify_post"]');
    await toDo.waitFor();
    expect(await toDo.innerText()).toContain(NOTIFY_POST);
    expect(await page.getByTestId('todo').locator('li[data-code="consular.inform_rights"]').count()).toBe(0);
    await toDo.getByTestId('todo-record-consular_notification').click();
    const notification = section.getByTestId('notification-form');
    await expect.poll(() => notification.getAttribute('open')).not.toBeNull();
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('label, .field')?.textContent ?? '')).toContain('Consular post');
    expect(await notification.getByLabel('When it was sent').inputValue()).not.toBe('');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await page.keyboard.type('Embassy of Eritrea, consular section');
    await notification.getByRole('button', { name: 'Record the consular notification' }).click();
    await notification.getByTestId('notification-saved').waitFor();
    await expect.poll(() => section.getByTestId('notifications-sent').innerText()).toContain(`Embassy of Eritrea, consular section`);
    expect(await section.getByTestId('notifications-sent').innerText()).toContain(`E-mail · recorded by ${OFFICER}`);

    // The obligation is fulfilled: no longer to do, listed as done.
    await expect.poll(() => page.getByTestId('todo').locator('li[data-code="consular.notify_post"]').count()).toBe(0);
    expect(await page.locator('li.is-done[data-code="consular.notify_post"]').getAttribute('data-status')).toBe('fulfilled');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    // The section as the officer reads it afterwards: the explanation's form folded away.
    await rights.locator('summary').click();
    await page.setViewportSize({ width: 1280, height: 1000 });
    await section.locator('h2').evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
    await saveScreenshot(page, 'case-detention-consular', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(web.pageErrors).toEqual([]);
  });

  it('refuses the notification on screen for a man who fears return, naming the protection, and shows the refusal the API gives a page read before', async () => {
    const { page } = web;
    const since = new Date(Date.now() - 2 * 3_600_000).toISOString();
    expect((await officer.post(`/api/persons/${persons.yonas}/detentions`, { place: 'Border post 7', since, legalBasis: 'Art. 14' })).status).toBe(201);

    // Read before he said he fears return: the form is offered; the API refuses it when sent.
    let section = await openCase(web, persons.yonas!, 'Yonas Gebre');
    const notification = section.getByTestId('notification-form');
    await openPanel(notification);
    await notification.getByLabel('Consular post').fill('Embassy of Eritrea');
    expect((await officer.post(`/api/persons/${persons.yonas}/screenings`, { indicators: ['fear_of_return'] })).status).toBe(201);
    await notification.getByRole('button', { name: 'Record the consular notification' }).click();
    const refused = notification.getByTestId('notification-refused');
    await refused.waitFor();
    expect(await refused.innerText()).toContain(CONFIDENTIALITY);
    expect(await notification.getByRole('alert').count()).toBeGreaterThanOrEqual(2);
    expect(await officer.get(`/api/persons/${persons.yonas}/consular`).then((a) => a.body.notifications)).toEqual([]);

    // Read afresh: refused on screen before anything is sent, with the protection by title.
    section = await openCase(web, persons.yonas!, 'Yonas Gebre');
    await openPanel(section.getByTestId('notification-form'));
    const onScreen = section.getByTestId('notification-refused');
    expect(await onScreen.innerText()).toContain('No consular notification may be recorded now');
    expect(await onScreen.locator('li[data-code="protection.confidentiality"]').innerText()).toBe(CONFIDENTIALITY);
    expect(await section.getByTestId('notification-form').locator('form').count()).toBe(0);
    expect(await section.getByTestId('choice-confidentiality').getAttribute('data-stands')).toBe('true');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await section.locator('h2').evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
    await saveScreenshot(page, 'case-consular-refused', { fullPage: false });

    // The same, in Arabic (mirrored).
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'العربية' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
    await expect.poll(() => section.locator('h2').innerText()).toBe('الاحتجاز والحقوق القنصلية');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await openPanel(section.getByTestId('notification-form'));
    await section.locator('h2').evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
    await saveScreenshot(page, 'case-consular-refused-arabic', { fullPage: false });
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('ltr');

    // Released by a colleague meanwhile: the end recorded on the version read is a conflict, shown.
    const end = section.getByTestId('detention-end-form');
    await openPanel(end);
    const detentionId = (await officer.get(`/api/persons/${persons.yonas}/consular`)).body.detentions[0].id as string;
    expect((await officer.patch(`/api/persons/${persons.yonas}/detentions/${detentionId}`, { version: 1, until: new Date().toISOString() })).status).toBe(200);
    await end.getByRole('button', { name: 'Record the end of the detention' }).click();
    await section.getByTestId('detentions').locator('li[data-open=false]').waitFor();
    expect(await section.getByRole('alert').filter({ hasText: 'Stale version' }).count()).toBe(1);
    expect(web.pageErrors).toEqual([]);
    await signOut(page);
  });

  it('lets a first responder at a border post record a detention without a network; it syncs once, named by her', async () => {
    const { page, context } = web;
    await web.signIn('responder.consular');
    // From her worklist to the encounter's triage to the person, inside the app: a reload would
    // lock the device's store until she gives her password again.
    await page.getByTestId('home-encounter').getByRole('link', { name: /Border post 7/ }).click();
    await page.getByRole('link', { name: 'Dawit Alem' }).click();
    await page.getByRole('heading', { name: 'Dawit Alem', level: 1 }).waitFor();
    const section = page.getByTestId('detention-section');
    await section.getByTestId('consular-choice').waitFor();
    // The notification is the officer's: the first responder is told so, not offered a form.
    expect(await section.getByTestId('notification-form').count()).toBe(0);
    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('connectivity-state').innerText()).toBe('Offline');
    const detention = section.getByTestId('detention-form');
    await openPanel(detention);
    await detention.getByLabel('Place of detention').fill('Border post 7');
    await detention.getByLabel('Legal basis').fill('Art. 14, Immigration Act');
    await detention.getByRole('button', { name: 'Record the detention' }).click();
    const saved = detention.getByTestId('field-record-saved');
    await saved.waitFor();
    expect(await saved.getAttribute('data-saved')).toBe('queued');
    expect(await saved.innerText()).toContain('Kept on this device');
    expect(Number(await page.getByTestId('pending-changes').getAttribute('data-count'))).toBe(1);
    expect(await officer.get(`/api/persons/${persons.dawit}/consular`).then((a) => a.body.detentions)).toEqual([]);

    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('pending-changes').getAttribute('data-count'), { timeout: 30_000 }).toBe('0');
    const current = section.getByTestId('detentions').locator('li[data-open=true]');
    await current.waitFor({ timeout: 15_000 });
    expect(await current.innerText()).toContain(`Recorded by ${RESPONDER}`);
    const stored = await officer.get(`/api/persons/${persons.dawit}/consular`);
    expect(stored.body.detentions).toHaveLength(1);
    expect(stored.body.detentions[0]).toMatchObject({ place: 'Border post 7', until: null, recordedBy: RESPONDER });
    // Released while still without a network: the end, on the version she read, syncs too.
    await context.setOffline(true);
    const end = section.getByTestId('detention-end-form');
    await openPanel(end);
    expect(await end.getByLabel('End of detention').inputValue()).not.toBe('');
    await end.getByRole('button', { name: 'Record the end of the detention' }).click();
    expect(await end.getByTestId('field-record-saved').getAttribute('data-saved')).toBe('queued');
    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('pending-changes').getAttribute('data-count'), { timeout: 30_000 }).toBe('0');
    await section.getByTestId('detentions').locator('li[data-open=false]').waitFor({ timeout: 15_000 });
    expect(await section.getByTestId('detentions').innerText()).toContain('Ended');
    expect((await officer.get(`/api/persons/${persons.dawit}/consular`)).body.detentions[0]).toMatchObject({ version: 2, until: expect.any(String) });
    expect(web.pageErrors).toEqual([]);
  });
});
