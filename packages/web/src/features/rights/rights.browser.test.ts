import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionFor, type Caller } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

describe('the rights-information sheets in Chromium', () => {
  let web: WebTest;
  let officer: Caller;
  let personId: string;
  beforeAll(async () => {
    web = await startWebTest();
    const userId = await web.makeUser('protection_officer', 'officer.rights');
    officer = await sessionFor(web.server, userId);
    const encounter = await officer.post('/api/encounters', { type: 'border_check', occurredAt: new Date(Date.now() - 600_000).toISOString(), place: { name: 'Quay' } });
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, { persons: [{ sex: 'male', ageClaimed: 30, languages: ['ti'] }] });
    personId = registered.body.persons[0].id;
    await web.signIn('officer.rights');
  });
  afterAll(() => web?.close());

  it('shows the Tigrinya sheet in Ge\'ez script, with the unreviewed notice in Tigrinya and in English, and passes axe', async () => {
    const { page } = web;
    await page.goto(`${web.baseUrl}/persons/${personId}/rights?language=ti`);
    const sheet = page.locator('article.rights-sheet[lang=ti]');
    // The first screen opened fetches its chunk while the service worker precaches the app: slow on a busy machine.
    await sheet.waitFor({ timeout: 60_000 });
    expect(await sheet.getAttribute('dir')).toBe('ltr');
    expect(await sheet.locator('h3').count()).toBe(6);
    expect(await sheet.locator('[role=note]').innerText()).toContain('This translation has not yet been reviewed by a native legal translator');
    expect(await sheet.evaluate((el) => getComputedStyle(el).fontFamily)).toContain('Noto Sans Ethiopic');
    // The app around the sheet stays in the officer's language.
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'rights-tigrinya');
  });

  it('turns right to left, Nastaliq first, when the person points to Urdu', async () => {
    const { page } = web;
    await page.getByRole('radio', { name: /اردو/ }).click({ force: true });
    const sheet = page.locator('article.rights-sheet[lang=ur]');
    await sheet.waitFor();
    expect(await sheet.getAttribute('dir')).toBe('rtl');
    expect(await sheet.evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/^"Noto Nastaliq Urdu"/);
    expect(new URL(page.url()).searchParams.get('language')).toBe('ur');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'rights-urdu');
  });

  it('records the Tigrinya sheet as given, which fulfils info.rights for a Tigrinya speaker', async () => {
    const { page } = web;
    await page.getByRole('radio', { name: /ትግርኛ/ }).click({ force: true });
    await page.locator('article.rights-sheet[lang=ti]').waitFor();
    const answer = page.waitForResponse((r) => r.url().endsWith(`/api/persons/${personId}/assistance`) && r.request().method() === 'POST');
    await page.getByTestId('rights-sheet-given').click();
    expect((await answer).status()).toBe(201);
    await page.locator('.rights-give [role=status]').waitFor();
    const log = await officer.get(`/api/persons/${personId}/assistance`);
    expect(log.body).toEqual([expect.objectContaining({ type: 'rights_information', language: 'ti' })]);
    const obligations = (await officer.get(`/api/persons/${personId}/obligations`)).body as { code: string; status: string }[];
    expect(obligations.find((o) => o.code === 'info.rights')?.status).toBe('fulfilled');
  });

  it('opens the sheet of a language on the record, and warns when the sheet chosen would not count', async () => {
    const { page } = web;
    await page.goto(`${web.baseUrl}/persons/${personId}/rights`);
    await page.locator('article.rights-sheet[lang=ti]').waitFor();
    expect(await page.getByTestId('rights-not-on-record').count()).toBe(0);
    await page.getByRole('radio', { name: /Français/ }).click({ force: true });
    await page.locator('article.rights-sheet[lang=fr]').waitFor();
    await page.getByTestId('rights-not-on-record').waitFor();
  });

  it('shows the sheets without a person, with nothing to record', async () => {
    const { page } = web;
    await page.goto(`${web.baseUrl}/rights?language=so`);
    await page.locator('article.rights-sheet[lang=so]').waitFor();
    expect(await page.getByTestId('rights-sheet-given').count()).toBe(0);
  });

  it('ran without a console error or a Content-Security-Policy violation', () => {
    expect(web.pageErrors).toEqual([]);
  });
});
