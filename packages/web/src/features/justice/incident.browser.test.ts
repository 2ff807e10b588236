import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionFor, type Caller } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

const REFERENCE = 'PPO-2026/0311';

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
}

/** The day `days` before the server's clock, as a date field takes it. */
const dayBefore = (web: WebTest, days: number): string => new Date(web.server.clock.now().getTime() - days * 86_400_000).toISOString().slice(0, 10);

// Justice on screen (issue 18, point 4): an investigator records an incident with a victim and a
// witness from the investigation page, protects the witness and keeps her reachable; a protection
// officer records, from the case page's To do, the death of a person's relative.
describe('an incident with a victim and a witness in Chromium', () => {
  let web: WebTest;
  let officer: Caller;
  let investigationId: string;
  let bereavedId: string;

  beforeAll(async () => {
    web = await startWebTest();
    officer = await sessionFor(web.server, await web.makeUser('protection_officer', 'officer.incident'));
    for (const person of [
      { givenName: 'Amina', familyName: 'Yusuf', sex: 'female', ageClaimed: 31, nationality: 'SO' },
      { givenName: 'Rahel', familyName: 'Haile', sex: 'female', ageClaimed: 24, nationality: 'ER' },
    ]) {
      expect((await officer.post('/api/persons', person)).status).toBe(201);
    }
    const bereaved = await officer.post('/api/persons', { givenName: 'Selam', familyName: 'Tesfay', sex: 'male', ageClaimed: 27, nationality: 'ER', indicators: ['relative_missing_or_dead'] });
    expect(bereaved.status, JSON.stringify(bereaved.body)).toBe(201);
    bereavedId = bereaved.body.id as string;
    const investigator = await sessionFor(web.server, await web.makeUser('investigator', 'investigator.incident'));
    const investigation = await investigator.post('/api/investigations', { reference: REFERENCE, aggravating: ['endangering_life'] });
    expect(investigation.status).toBe(201);
    investigationId = investigation.body.id as string;
  });
  afterAll(() => web?.close());

  it('records an incident from the investigation page with Amina as victim and Rahel as witness, chosen by name', async () => {
    const { page } = web;
    await web.signIn('investigator.incident');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Investigations' }).click();
    await page.getByRole('link', { name: REFERENCE }).click();
    await page.getByRole('heading', { name: `Investigation ${REFERENCE}`, level: 1 }).waitFor();
    const form = page.getByTestId('incident-form');
    await form.locator('input[name=date]').fill(dayBefore(web, 3));
    await form.locator('input[name=place]').fill('Landing beach, north cove');
    await form.getByRole('searchbox', { name: 'Find a person by name' }).fill('amina');
    await form.getByRole('group', { name: 'Victims' }).getByText('Amina Yusuf').click();
    await form.getByRole('searchbox', { name: 'Find a person by name' }).fill('Rahel');
    await form.getByRole('group', { name: 'Witnesses' }).getByText('Rahel Haile').click();
    // Amina, a victim, is not offered as a witness of the same incident.
    expect(await form.getByRole('group', { name: 'Witnesses' }).innerText()).not.toContain('Amina Yusuf');
    await form.getByRole('button', { name: 'Record the incident' }).click();
    const table = page.getByTestId('incident-table');
    await table.getByRole('row', { name: /Assault.*Amina Yusuf.*Landing beach/ }).waitFor();
    await page.getByRole('region', { name: 'Amina Yusuf · victim' }).waitFor();
    await page.getByRole('region', { name: 'Rahel Haile · witness' }).waitFor();
    const stored = await web.server.platform.database.db.selectFrom('justice_links').select('role').where('investigation_id', '=', investigationId).execute();
    expect(stored.map((l) => l.role).sort()).toEqual(['victim', 'witness']);
  });

  it('protects the witness with a measure whose review is overdue, said in words, and records how to reach her', async () => {
    const { page } = web;
    const witness = page.getByRole('region', { name: 'Rahel Haile · witness' });
    await witness.locator('.field').filter({ has: page.getByText('Measure', { exact: true }) }).locator('button.select-button').click();
    await page.getByRole('option', { name: 'Police protection' }).click();
    await witness.locator('form[aria-label="Request a protection measure for the witness"] input[name=reviewOn]').fill(dayBefore(web, 1));
    await witness.getByRole('button', { name: 'Request the measure' }).click();
    await witness.getByRole('button', { name: 'Grant Police protection' }).click();
    await expect.poll(() => witness.locator('.measure-list').innerText()).toMatch(/Police protection · granted · .* · review overdue since/);
    await witness.getByRole('textbox', { name: 'How to reach them' }).fill('Through her sister, +000 555 0199');
    await witness.getByRole('button', { name: 'Save and confirm reachable now' }).click();
    await expect.poll(() => witness.getByTestId('reachability').innerText()).toContain('Last confirmed');
    expect(await witness.getByRole('textbox', { name: 'How to reach them' }).inputValue()).toBe('Through her sister, +000 555 0199');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'investigation-incident');
    await signOut(page);
  });

  it('lets a protection officer record the relative’s death from the case page’s To do, which fulfils it', async () => {
    const { page } = web;
    await web.signIn('officer.incident');
    await page.goto(`${web.baseUrl}/cases/${bereavedId}`);
    await page.getByRole('heading', { name: 'Selam Tesfay', level: 1 }).waitFor();
    await page.getByTestId('todo-record-incident').click();
    const form = page.getByTestId('incident-form');
    await expect.poll(() => form.locator('button.select-button').first().innerText()).toContain('Death');
    await form.locator('input[name=place]').fill('Central Mediterranean');
    await form.locator('input[name=date]').fill(dayBefore(web, 10));
    await form.getByRole('button', { name: 'Record the incident' }).click();
    await form.getByRole('status').waitFor();
    await expect.poll(() => page.getByTestId('justice-incidents').innerText()).toContain('Death');
    await expect.poll(() => page.getByTestId('todo-record-incident').count()).toBe(0);
    const obligation = await web.server.platform.database.db.selectFrom('obligations').select('status').where('person_id', '=', bereavedId).where('code', '=', 'life.death_or_disappearance').executeTakeFirstOrThrow();
    expect(obligation.status).toBe('fulfilled');
    // The investigation he can be linked to is chosen by its reference and agency.
    await page.getByTestId('justice-link-form').locator('summary').click();
    await page.getByTestId('justice-link-form').locator('.field').filter({ has: page.getByText('Investigation', { exact: true }) }).locator('button.select-button').click();
    await page.getByRole('option', { name: new RegExp(`^${REFERENCE} · `) }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('justice-section').scrollIntoViewIfNeeded();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'case-justice');
  });

  it('ran without a console error or a Content-Security-Policy violation', () => {
    expect(web.pageErrors).toEqual([]);
  });
});
