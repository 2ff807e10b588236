import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionFor } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

// A supervisor's intake queue: the agency's cases nobody has, most urgent first, given to an
// officer several at a time.

describe('the intake queue in Chromium', () => {
  let web: WebTest;

  beforeAll(async () => {
    web = await startWebTest();
    const supervisorId = await web.makeUser('supervisor', 'supervisor.intake');
    await web.makeUser('protection_officer', 'officer.amina');
    const supervisor = await sessionFor(web.server, supervisorId);
    const encounter = await supervisor.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: new Date(web.server.clock.now().getTime() - 600_000).toISOString(), place: { name: 'Southern coast' } });
    expect(encounter.status).toBe(201);
    const registered = await supervisor.post(`/api/encounters/${encounter.body.id}/persons`, {
      persons: [
        { givenName: 'Dawit', familyName: 'Kidane', sex: 'male', ageClaimed: 34, accompaniment: 'adult' },
        { givenName: 'Selam', familyName: 'Tesfay', sex: 'female', ageClaimed: 27, accompaniment: 'adult', indicators: ['pregnant'] },
        { givenName: 'Amal', familyName: 'Haile', sex: 'female', ageClaimed: 15, accompaniment: 'unaccompanied', indicators: ['medical_emergency'] },
      ],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    // The receiving agency's cases start with nobody.
    for (const { id } of registered.body.persons as { id: string }[]) {
      const kase = (await supervisor.get(`/api/persons/${id}/case`)).body;
      expect((await supervisor.patch(`/api/cases/${kase.id}`, { version: kase.version, officerId: null })).status).toBe(200);
    }
    await web.page.clock.install({ time: web.server.clock.now() });
  });
  afterAll(() => web?.close());

  it('lists the unassigned cases most urgent first and assigns two to an officer, who leave the queue', async () => {
    const { page } = web;
    await web.signIn('supervisor.intake');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Intake' }).click();
    await page.getByRole('heading', { name: 'Intake', exact: true, level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Cases without an officer' });
    const rows = table.locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.locator('th').allInnerTexts()).toEqual([expect.stringContaining('Amal Haile'), expect.stringContaining('Selam Tesfay'), expect.stringContaining('Dawit Kidane')]);
    // Every triage category that applies, in words; where she was met.
    expect(await rows.first().innerText()).toContain('Medical emergency');
    expect(await rows.first().innerText()).toContain('Unaccompanied child');
    expect(await rows.first().innerText()).toContain('Rescue at sea, Southern coast');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');

    // The box drawn over the hidden input is what a finger presses.
    const choose = (name: string) => page.locator('label.checkbox').filter({ has: page.getByRole('checkbox', { name: `Choose the case of ${name}` }) });
    await choose('Amal Haile').click();
    await choose('Selam Tesfay').click();
    expect(await page.getByRole('checkbox', { name: 'Choose the case of Amal Haile' }).isChecked()).toBe(true);
    const form = page.getByRole('form', { name: 'Assign the chosen cases' });
    await form.locator('button.select-button').click();
    await page.getByRole('option', { name: 'officer.amina (0 open cases)' }).click();
    await form.getByRole('button', { name: 'Assign 2 cases' }).click();
    await page.getByRole('status').filter({ hasText: '2 cases assigned to officer.amina.' }).waitFor();
    await expect.poll(() => rows.locator('th').allInnerTexts()).toEqual([expect.stringContaining('Dawit Kidane')]);
    await saveScreenshot(page, 'supervision-intake');

    const officer = await web.server.platform.database.db.selectFrom('users').select('id').where('username', '=', 'officer.amina').executeTakeFirstOrThrow();
    const assigned = await web.server.platform.database.db.selectFrom('cases').select('person_id').where('officer_id', '=', officer.id).execute();
    expect(assigned).toHaveLength(2);
  });
});
