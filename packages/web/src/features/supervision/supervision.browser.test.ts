import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendReminders } from '../../../../server/src/features/obligations/reminders.js';
import { makeAgency, makeUser, sessionFor } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const REASON = 'Night arrival: no foster place until the morning, and he ran from the open shelter twice';
const ALTERNATIVES = 'The night shelter, an emergency foster family and a guardian on call were tried; none could take him before 08:00.';

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
}

describe('supervision and oversight in Chromium', () => {
  let web: WebTest;
  let personId: string;
  let waivedCode: string;
  let officerId: string;

  beforeAll(async () => {
    web = await startWebTest();
    const { platform } = web.server;
    const ombudsman = await makeAgency(platform, 'Ombudsman', 'oversight');
    officerId = await makeUser(platform, web.agencyId, 'protection_officer', 'officer.case');
    const officer = await sessionFor(web.server, officerId);
    await web.makeUser('supervisor', 'supervisor.desk');
    await web.makeUser('oversight', 'inspector.desk', ombudsman);
    // A man who fears return: non-refoulement holds his return back.
    const person = await officer.post('/api/persons', { givenName: 'Yonas', familyName: 'Tesfaye', sex: 'male', ageClaimed: 29, nationality: 'ER', indicators: ['fear_of_return'] });
    expect(person.status, JSON.stringify(person.body)).toBe(201);
    personId = person.body.id as string;
    const filed = await officer.post('/api/allegations', { description: 'Nobody brought water to the people held at the harbour for a whole day.' });
    expect(filed.status).toBe(201);
    // Four days on, the deadlines counted in hours have passed; the reminder pass tells the officer and the supervisors.
    web.server.clock.advance(4 * DAY);
    const sent = await sendReminders(platform, undefined);
    expect(sent.overdue).toBeGreaterThan(0);
    // The page's clock moves on with the server's, so "how late" reads as it would that day.
    await web.page.clock.install({ time: web.server.clock.now() });
  });
  afterAll(() => web?.close());

  it('shows the supervisor the overdue work and lets them waive an obligation with a reason', async () => {
    const { page } = web;
    await web.signIn('supervisor.desk');
    // The header says how many notifications are unread.
    await page.getByRole('link', { name: /^Notifications \(\d+ unread\)$/ }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overdue work' }).click();
    await page.getByRole('heading', { name: 'Overdue work', level: 1 }).waitFor();
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'supervision-overdue');

    expect(await rows.first().innerText()).toMatch(/late: due \d+ (hours|days) ago/);
    // Named in the reader's language, with the code the law and the audit trail use.
    const code = await rows.first().locator('th code').innerText();
    const name = await rows.first().locator('th .obligation-name').innerText();
    expect(name).not.toBe(code);
    await page.getByRole('button', { name: `Waive ${name}` }).click();
    const form = page.getByRole('form', { name: `Waive ${name}` });
    await form.locator('textarea[name=reason]').fill('too short');
    await form.locator('button[type=submit]').click();
    await form.getByText('Explain why, in at least 10 characters.').waitFor();
    await form.locator('textarea[name=reason]').fill('The person left the reception centre and cannot be reached; recorded by the officer.');
    await form.locator('button[type=submit]').click();
    await page.getByRole('status').filter({ hasText: `${name} waived` }).waitFor();
    const waived = await web.server.platform.database.db.selectFrom('obligations').select('status').where('person_id', '=', personId).where('code', '=', code).executeTakeFirstOrThrow();
    expect(waived.status).toBe('waived');
    waivedCode = code;
  });

  it('offers no override of the return of a person who fears it, and says why', async () => {
    const { page } = web;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Guards and overrides' }).click();
    await page.getByRole('table', { name: 'Cases with a guarded action held back' }).waitFor();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await page.getByRole('link', { name: 'Open case Yonas Tesfaye' }).first().click();
    await page.getByRole('heading', { name: 'Guarded actions for Yonas Tesfaye' }).waitFor();
    // The case's open obligations are listed beside the guards, each waivable; the one waived is gone.
    const obligations = page.getByRole('table', { name: 'Open obligations' });
    await obligations.getByRole('rowheader', { name: 'Non-refoulement (no return to danger) protection.non_refoulement' }).waitFor();
    expect(await obligations.getByRole('rowheader').filter({ hasText: waivedCode }).count()).toBe(0);
    // A standing protection is not offered for waiver: the server would refuse it.
    const standingRow = obligations.getByRole('row').filter({ hasText: 'protection.non_refoulement' });
    expect(await standingRow.getByRole('button', { name: /Waive/ }).count()).toBe(0);
    expect(await standingRow.innerText()).toContain('Standing protection: never waived');
    const returnGuard = page.locator('.guard-list li').filter({ hasText: 'Return' });
    await expect.poll(() => returnGuard.innerText()).toContain('protection.non_refoulement');
    expect(await returnGuard.locator('.guard-override').innerText()).toBe(
      'No one may override this: the person fears persecution or torture in the State they would be sent to (non-refoulement).',
    );
    // The form says so, and offers neither a reason to give nor a button to override.
    const form = page.locator('form[aria-labelledby=perform-action]');
    const rule = form.getByTestId('override-rule');
    await rule.getByText('Return is refused by a guard.').waitFor();
    expect(await rule.getAttribute('data-override')).toBe('never');
    expect(await rule.innerText()).toContain('No one may override this: the person fears persecution or torture');
    expect(await form.locator('textarea[name=overrideReason]').count()).toBe(0);
    expect(await form.getByRole('button', { name: 'Override the guard and record the action' }).count()).toBe(0);
    expect(await web.server.platform.database.db.selectFrom('guard_overrides').select('id').execute()).toHaveLength(0);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
  });

  it('overrides the detention of a child only as a measure of last resort, with the alternatives considered and the planned end', async () => {
    const { page } = web;
    // A session opened now: the one of the setup ended while the clock moved four days on.
    const officer = await sessionFor(web.server, officerId);
    const child = await officer.post('/api/persons', { givenName: 'Dawit', familyName: 'Kidane', sex: 'male', ageClaimed: 15, nationality: 'ER', accompaniment: 'separated' });
    expect(child.status, JSON.stringify(child.body)).toBe(201);
    const dawit = child.body.id as string;
    await page.goto(`${web.baseUrl}/supervision/persons/${dawit}`);
    await page.getByRole('heading', { name: 'Guarded actions for Dawit Kidane' }).waitFor();
    const form = page.locator('form[aria-labelledby=perform-action]');
    await form.locator('.field').filter({ has: page.getByText('Action', { exact: true }) }).locator('button.select-button').click();
    await page.getByRole('option', { name: 'Detain' }).click();
    const rule = form.getByTestId('override-rule');
    await rule.getByText('Detain is refused by a guard.').waitFor();
    expect(await rule.innerText()).toContain('A child is detained only as a measure of last resort and for the shortest time.');
    // datetime-local takes wall-clock time; the page's clock is the server's, four days on.
    const now = web.server.clock.now().getTime();
    const local = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await form.locator('input[name=place]').fill('Harbour police station');
    await form.locator('input[name=since]').fill(local(now - HOUR));
    await form.locator('input[name=legalBasis]').fill('Art. 13 (identification)');
    await form.locator('textarea[name=overrideReason]').fill(REASON);
    // The reason alone is not enough for a child: the alternatives considered and the planned end are asked for.
    await form.getByRole('button', { name: 'Override the guard and record the action' }).click();
    await form.getByText('Explain why, in at least 10 characters.').waitFor();
    expect(await web.server.platform.database.db.selectFrom('guard_overrides').select('id').execute()).toHaveLength(0);
    await form.locator('textarea[name="lastResort.alternativesConsidered"]').fill(ALTERNATIVES);
    await form.locator('input[name="lastResort.plannedEnd"]').fill(local(now + 3 * HOUR));
    await form.getByRole('button', { name: 'Override the guard and record the action' }).click();
    await page.getByRole('status').filter({ hasText: 'Detain recorded as a measure of last resort' }).waitFor();
    const stored = await web.server.platform.database.db.selectFrom('guard_overrides').select(['action', 'person_id']).execute();
    expect(stored).toEqual([{ action: 'detain', person_id: dawit }]);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'supervision-override');
    // The agency's own decisions list it, with the reason, as a last resort.
    await page.getByRole('link', { name: 'Back to guards and overrides' }).click();
    const decisions = page.getByRole('table', { name: 'Waivers and overrides of the agency' });
    await decisions.getByText(REASON).waitFor();
    expect(await decisions.innerText()).toContain('A child’s detention, as a measure of last resort');
  });

  it('mirrors the guarded actions of a case in Arabic, and passes axe there too', async () => {
    const { page } = web;
    await page.goto(`${web.baseUrl}/supervision/persons/${personId}`);
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'العربية' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
    await page.getByRole('heading', { name: 'الإجراءات الخاضعة لضمانات بشأن Yonas Tesfaye', level: 1 }).waitFor();
    await page.locator('form[aria-labelledby=perform-action]').getByText('الترحيل: مرفوض بموجب ضمانة.').waitFor();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('ltr');
  });

  it('lists the supervisor’s notifications and marks them read, the header count following', async () => {
    const { page } = web;
    const badge = page.locator('.notifications-link');
    const before = Number(await badge.getAttribute('data-unread'));
    expect(before).toBeGreaterThan(0);
    await badge.click();
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    const items = page.locator('.notification.is-unread');
    await expect.poll(() => items.count()).toBe(before);
    expect(await items.first().innerText()).toContain('past its deadline');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'notifications');
    await items.first().getByRole('button', { name: /^Mark read/ }).click();
    await expect.poll(() => page.locator('.notification.is-unread').count()).toBe(before - 1);
    await expect.poll(async () => Number(await badge.getAttribute('data-unread'))).toBe(before - 1);
  });

  it('puts the override, with its reason, in front of the oversight body, with its audit trail', async () => {
    const { page } = web;
    await signOut(page);
    await web.signIn('inspector.desk');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Waivers, overrides and access changes' }).click();
    await page.getByRole('heading', { name: 'Waivers, overrides and access changes', level: 1 }).waitFor();
    const override = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Override of a guard' }) });
    await expect.poll(() => override.innerText()).toContain(REASON);
    expect(await override.innerText()).toContain('detain (blocked by children.no_detention), as a last resort until');
    expect(await override.getByTestId('last-resort').innerText()).toContain(`A child’s detention, as a measure of last resort, planned to end`);
    expect(await override.getByTestId('last-resort').innerText()).toContain(ALTERNATIVES);
    expect(await page.getByRole('rowheader', { name: 'Waiver of an obligation' }).count()).toBe(1);
    // Who decided and in which agency, by name; the waived obligation by its title, not its code.
    const waiver = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Waiver of an obligation' }) });
    expect(await override.innerText()).not.toMatch(/\buser [0-9a-f]{8}\b/);
    expect(await waiver.innerText()).not.toMatch(/\b(user|agency) [0-9a-f]{8}\b/);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'oversight-queue');

    await override.getByRole('link', { name: 'Trail of the override' }).click();
    await page.getByRole('heading', { name: /^History of guard_override / }).waitFor();
    // The record's own trail (the whole trail is below it).
    const recordTrail = page.locator('table[aria-labelledby="trail"]');
    expect(await recordTrail.innerText()).toContain('guard.overridden');
    // The trail says who by name: the history opens from the queue, with no id to type.
    expect(await recordTrail.innerText()).not.toMatch(/\b[0-9a-f]{8}\b/);
    await page.getByRole('button', { name: 'Verify the trail' }).click();
    await page.getByRole('status').filter({ hasText: 'The trail verifies' }).waitFor();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
  });

  it('lets the oversight body investigate an allegation of failure to assist', async () => {
    const { page } = web;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Complaints' }).click();
    await page.getByRole('heading', { name: 'Complaints of failure to assist' }).waitFor();
    await page.locator('tbody tr th a').first().waitFor();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await page.locator('tbody tr th a').first().click();
    await page.getByText('Nobody brought water to the people held at the harbour for a whole day.').waitFor();
    const form = page.locator('form[aria-labelledby=investigate]');
    await form.locator('.field').filter({ has: page.getByText('Status', { exact: true }) }).locator('button.select-button').click();
    await page.getByRole('option', { name: 'Under investigation' }).click();
    await form.locator('textarea[name=findings]').fill('Harbour log of 12 March shows no distribution that day.');
    await form.locator('button[type=submit]').click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const stored = await web.server.platform.database.db.selectFrom('allegations').select('status').executeTakeFirstOrThrow();
    expect(stored.status).toBe('under_investigation');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
  });

  it('ran without a console error or a Content-Security-Policy violation', () => {
    expect(web.pageErrors).toEqual([]);
  });
});
