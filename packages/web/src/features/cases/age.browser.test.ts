import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionFor, type Caller } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

/** The page asks the server again after each change: give it time on a busy machine. */
const WAIT = { timeout: 20_000 };

async function choose(page: Page, scope: string, label: string, option: string): Promise<void> {
  // The select's label is not a <label> (there is no native control to label): find the field by its text.
  const field = page.locator(`${scope} .field`).filter({ has: page.getByText(label, { exact: true }) });
  await field.locator('button.select-button').click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

async function language(page: Page, name: string, dir: 'rtl' | 'ltr'): Promise<void> {
  await page.locator('.language-switcher button').click();
  await page.getByRole('option', { name }).click();
  await expect.poll(() => page.locator('html').getAttribute('dir'), WAIT).toBe(dir);
}

// The disputed child's age assessment (issue 18, point 2): a boy who claims 17 is assessed at
// 20–22 and appeals. While the appeal is pending the page says the claimed age is used and why, his
// child obligations stay and the detain guard still refuses; once the appeal is decided (assessment
// upheld) he is treated as an adult.
describe('the disputed child’s age assessment in Chromium', () => {
  let web: WebTest;
  let officer: Caller;
  let personId: string;

  beforeAll(async () => {
    web = await startWebTest();
    officer = await sessionFor(web.server, await web.makeUser('protection_officer', 'officer.age'));
    const encounter = await officer.post('/api/encounters', { type: 'land_apprehension', occurredAt: web.server.clock.now().toISOString(), place: { name: 'Border road' } });
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, {
      persons: [{ givenName: 'Yonas', familyName: 'Tesfay', sex: 'male', ageClaimed: 17, ageDisputed: true, accompaniment: 'unaccompanied', nationality: 'ER' }],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    personId = registered.body.persons[0].id;
  });
  afterAll(() => web?.close());

  it('records the assessment from the to-do, keeps the benefit of the doubt while he appeals, and treats him as an adult once it is upheld', async () => {
    const { page } = web;
    await web.signIn('officer.age');
    await page.goto(`${web.baseUrl}/cases/${personId}`);
    await page.getByRole('heading', { name: 'Yonas Tesfay', level: 1 }).waitFor();
    const section = page.getByTestId('age-section');
    await section.getByTestId('age-used').waitFor();
    expect(await section.getByTestId('age-claimed').innerText()).toBe('17');
    expect(await section.getByTestId('age-used').innerText()).toContain('the claimed age, 17');
    expect(await section.getByTestId('age-treated').innerText()).toBe('Treated as a child.');

    // The to-do says the age is disputed; its button opens the assessment form, focused.
    const todo = page.getByTestId('todo').locator('[data-code=age_disputed]');
    expect(await todo.innerText()).toContain('Age disputed');
    await todo.getByTestId('todo-record-age_assessment').click();
    const form = page.getByTestId('age-assessment-form');
    await expect.poll(() => form.evaluate((el) => (el as HTMLDetailsElement).open && el.contains(document.activeElement)), WAIT).toBe(true);
    await choose(page, '[data-testid=age-assessment-form]', 'Method', 'Medical examination');
    await form.getByRole('textbox', { name: 'Lowest age of the range (years)' }).fill('20');
    await form.getByRole('textbox', { name: 'Highest age of the range (years)' }).fill('22');
    await form.getByRole('textbox', { name: 'Assessed by' }).fill('Dr. L. Ferri, radiologist');
    await form.getByTestId('save-age-assessment').click();
    await expect.poll(() => section.getByTestId('age-used').innerText(), WAIT).toContain('the assessed age, 20');
    expect(await section.getByTestId('age-assessment').innerText()).toMatch(/20–22 years · Medical examination · .* · assessed by Dr\. L\. Ferri, radiologist/);
    await expect.poll(() => section.getByTestId('age-treated').innerText(), WAIT).toBe('Treated as an adult.');

    // He appeals, through his legal representative.
    const challenge = page.getByTestId('age-challenge-form');
    await challenge.locator('summary').click();
    await choose(page, '[data-testid=age-challenge-form]', 'Lodged by', 'the legal representative');
    await challenge.getByTestId('save-age-challenge').click();
    await section.getByTestId('age-challenge').waitFor();
    expect(await section.getByTestId('age-challenge').innerText()).toContain('Appeal lodged on');
    expect(await section.getByTestId('age-challenge').innerText()).toContain('by the legal representative — Pending: not decided yet');

    // Benefit of the doubt: the claimed age, and why; his child obligations and the detain guard stand.
    await expect.poll(() => section.getByTestId('age-used').innerText(), WAIT).toContain('the claimed age, 17. The assessment is contested and the appeal is pending');
    expect(await section.getByTestId('age-used').innerText()).toContain('the benefit of the doubt');
    await expect.poll(() => section.getByTestId('age-treated').innerText(), WAIT).toBe('Treated as a child.');
    await page.locator('[data-testid=obligation][data-code="children.guardian"]').waitFor();
    expect(await page.getByTestId('guard-detain').getAttribute('data-allowed')).toBe('false');
    expect(await page.getByTestId('todo').locator('[data-code=age_disputed]').count()).toBe(1);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'case-age-assessment');

    // The same, in Arabic (mirrored).
    await language(page, 'العربية', 'rtl');
    await expect.poll(() => section.getByTestId('age-used').innerText(), WAIT).toContain('قرينة الشك');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'case-age-arabic');
    await language(page, 'English', 'ltr');

    // The appeal is decided: the assessment upheld.
    const decision = page.getByTestId('age-decision-form');
    await decision.getByRole('textbox', { name: 'Decided by' }).fill('Juvenile Court of Catania');
    await decision.getByTestId('save-age-decision').click();
    await expect.poll(() => section.getByTestId('age-challenge').getAttribute('data-outcome'), WAIT).toBe('upheld');
    expect(await section.getByTestId('age-challenge').innerText()).toContain('by Juvenile Court of Catania: assessment upheld');
    await expect.poll(() => section.getByTestId('age-used').innerText(), WAIT).toContain('the assessed age, 20');
    expect(await section.getByTestId('age-used').innerText()).toContain('the determination is final');
    await expect.poll(() => section.getByTestId('age-treated').innerText(), WAIT).toBe('Treated as an adult.');
    await expect.poll(() => page.getByTestId('guard-detain').getAttribute('data-allowed'), WAIT).toBe('true');
    expect(await page.locator('[data-testid=obligation][data-code="children.guardian"]').count()).toBe(0);
    expect(await page.getByTestId('todo').locator('[data-code=age_disputed]').count()).toBe(0);
    expect(web.pageErrors).toEqual([]);
  });

  it('shows the conflict when someone else decided the appeal first, and what was decided', async () => {
    const { page } = web;
    const [latest] = ((await officer.get(`/api/persons/${personId}/age-assessments`)).body as { id: string }[]).slice(-1);
    const lodged = await officer.post(`/api/persons/${personId}/age-assessments/${latest!.id}/challenges`, { kind: 'review', lodgedOn: new Date().toISOString().slice(0, 10), lodgedBy: 'guardian' });
    expect(lodged.status, JSON.stringify(lodged.body)).toBe(201);
    await page.reload();
    const decision = page.getByTestId('age-decision-form');
    await decision.waitFor();
    // Meanwhile a colleague records the review's decision.
    const decided = await officer.post(`/api/persons/${personId}/age-challenges/${lodged.body.id}/decision`, { version: 1, outcome: 'claimed_age_accepted', decidedOn: new Date().toISOString().slice(0, 10), decidedBy: 'Age review panel' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    await decision.getByRole('textbox', { name: 'Decided by' }).fill('Age review panel');
    await decision.getByTestId('save-age-decision').click();
    const section = page.getByTestId('age-section');
    await expect.poll(() => section.getByRole('alert').innerText(), WAIT).toContain('changed by someone else');
    await expect.poll(() => section.getByTestId('age-used').innerText(), WAIT).toContain('the claimed age, 17: the decision on the review accepted it');
    expect(web.pageErrors).toEqual([]);
  });
});
