import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser, sessionFor, type Caller } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

describe('investigations in Chromium', () => {
  let web: WebTest;
  let officer: Caller;
  let personId: string;

  beforeAll(async () => {
    web = await startWebTest();
    officer = await sessionFor(web.server, await makeUser(web.server.platform, web.agencyId, 'protection_officer', 'officer.justice'));
    const person = await officer.post('/api/persons', { givenName: 'Rahel', familyName: 'Haile', sex: 'female', ageClaimed: 24, nationality: 'ER' });
    expect(person.status).toBe(201);
    personId = person.body.id as string;
    await web.makeUser('investigator', 'investigator.desk');
    await web.signIn('investigator.desk');
  });
  afterAll(() => web?.close());

  it('opens an investigation by its case reference, refusing a name-like reference beside the field', async () => {
    const { page } = web;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Investigations' }).click();
    await page.getByRole('heading', { name: 'Investigations and prosecutions', level: 1 }).waitFor();
    const form = page.locator('form[aria-labelledby=new-investigation]');
    await form.locator('input[name=reference]').fill('Dr. Ahmed, boat of 12 March');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => form.locator('input[name=reference]').getAttribute('aria-invalid')).toBe('true');
    await form.locator('input[name=reference]').fill('PPO-2026/0142');
    await form.locator('label').filter({ hasText: 'Endangering life or safety' }).click();
    await form.locator('button[type=submit]').click();
    await page.getByRole('heading', { name: 'Investigation PPO-2026/0142', level: 1 }).waitFor();
    const stored = await web.server.platform.database.db.selectFrom('investigations').select(['reference', 'aggravating']).executeTakeFirstOrThrow();
    expect(stored.reference).toBe('PPO-2026/0142');
    expect(JSON.parse(stored.aggravating)).toEqual(['endangering_life']);
  });

  it('shows a linked witness, requests a protection measure for her and grants it', async () => {
    const { page } = web;
    const investigationId = page.url().split('/').pop()!;
    const linked = await officer.post(`/api/persons/${personId}/justice-links`, { investigationId, role: 'witness' });
    expect(linked.status, JSON.stringify(linked.body)).toBe(201);
    await page.reload();
    const witness = page.getByRole('region', { name: 'Rahel Haile · witness' });
    await witness.waitFor();
    await witness.locator('input[name=notes]').fill('Threatened by the boat’s organiser after the landing');
    await witness.locator('.field').filter({ has: page.getByText('Measure', { exact: true }) }).locator('button.select-button').click();
    await page.getByRole('option', { name: 'Police protection' }).click();
    await witness.getByRole('button', { name: 'Request the measure' }).click();
    await witness.getByRole('button', { name: 'Grant Police protection' }).click();
    await expect.poll(() => witness.locator('.measure-list').innerText()).toContain('Police protection · granted');
    await witness.getByRole('button', { name: 'Mark not reachable' }).click();
    await page.getByRole('region', { name: 'Rahel Haile · witness' }).getByText('No longer reachable for proceedings.').waitFor();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'investigation');
  });

  it('lists the agency’s investigations', async () => {
    const { page } = web;
    await page.getByRole('link', { name: 'Back to investigations' }).click();
    await page.getByRole('link', { name: 'PPO-2026/0142' }).waitFor();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'investigations');
  });

  it('ran without a console error or a Content-Security-Policy violation', () => {
    expect(web.pageErrors).toEqual([]);
  });
});
