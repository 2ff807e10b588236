import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgency, makeUser, sessionFor } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

/** Picks an option of a react-aria select by the field's visible label, as a user does. */
async function choose(page: Page, within: Locator, label: string, option: string): Promise<void> {
  const field = within.locator('.field').filter({ has: page.getByText(label, { exact: true }) });
  await field.locator('button.select-button').click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

async function expectAccessible(page: Page): Promise<void> {
  expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
}

// The person's record on the case page (issue 18, point 3): the officer corrects the record of a
// man registered under his name in Arabic script (a transliteration, an alias, stateless, a second
// language); an edit made meanwhile in another tab shows as a conflict, nothing lost; a passport is
// recorded; his sister is found by her name and linked. Her namesake at another agency never shows.
describe('the person record in Chromium', () => {
  let web: WebTest;
  let personId: string;
  let sisterId: string;

  beforeAll(async () => {
    web = await startWebTest();
    const { platform } = web.server;
    const officer = await sessionFor(web.server, await web.makeUser('protection_officer', 'officer.record'));
    const registered = await officer.post('/api/persons', { givenName: 'محمد', familyName: 'الحسن', nameScript: 'Arab', sex: 'male', ageClaimed: 23, nationality: 'SD', languages: ['ar'] });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    personId = registered.body.id;
    sisterId = (await officer.post('/api/persons', { givenName: 'Fatima', familyName: 'Al-Hassan', sex: 'female', birthDate: '2004-06-02', nationality: 'SD' })).body.id;
    const elsewhere = await sessionFor(web.server, await makeUser(platform, await makeAgency(platform, 'Harbour Shelter', 'ngo'), 'protection_officer', 'officer.elsewhere'));
    expect((await elsewhere.post('/api/persons', { givenName: 'Fatima', familyName: 'Al Hassan', sex: 'female' })).status).toBe(201);
  });
  afterAll(() => web?.close());

  it('edits the record: a transliteration, an alias, stateless, a second language', async () => {
    const { page } = web;
    await web.signIn('officer.record');
    await page.goto(`${web.baseUrl}/cases/${personId}`);
    await page.getByRole('heading', { name: 'محمد الحسن', level: 1 }).waitFor({ timeout: 60_000 });
    const facts = page.getByTestId('person-facts');
    expect(await facts.locator('[data-field=givenName] bdi').getAttribute('dir')).toBe('rtl');
    expect(await facts.locator('[data-field=nameScript]').innerText()).toContain('Arabic');

    await page.getByTestId('edit-person').click();
    const form = page.getByTestId('person-edit');
    // Bad input is said beside its field, and nothing is sent.
    await form.getByRole('textbox', { name: 'Date of birth' }).fill('2099-01-01');
    await form.getByTestId('save-person').click();
    await form.getByText('The date of birth cannot be in the future.').waitFor();
    await form.getByRole('textbox', { name: 'Date of birth' }).fill('');
    await form.getByRole('button', { name: 'Add a transliteration' }).click();
    const transliteration = form.getByRole('group', { name: 'Transliteration 1' });
    await transliteration.getByRole('textbox', { name: 'Given name' }).fill('Mohamed');
    await transliteration.getByRole('textbox', { name: 'Family name' }).fill('El Hassan');
    await form.getByRole('button', { name: 'Add a name they are known by' }).click();
    await form.getByRole('textbox', { name: 'Other name 1' }).fill('Abu Ali');
    await form.getByRole('radio', { name: 'Stateless' }).click({ force: true });
    await form.getByRole('button', { name: 'Add a language' }).click();
    await choose(page, form, 'Language 2', 'English');
    await form.getByTestId('save-person').click();

    await page.getByText('Record saved (version 2).').waitFor();
    expect(await facts.locator('[data-field=transliterations]').innerText()).toContain('Mohamed El Hassan (Latin)');
    expect(await facts.locator('[data-field=transliterations] bdi').getAttribute('dir')).toBe('ltr');
    expect(await facts.locator('[data-field=aliases]').innerText()).toContain('Abu Ali');
    expect(await facts.locator('[data-field=nationality]').innerText()).toContain('Stateless');
    expect(await facts.locator('[data-field=languages]').innerText()).toContain('Arabic, English');
    await expectAccessible(page);
    await saveScreenshot(page, 'case-person-record');
  });

  it('shows a stale edit from a second tab as a conflict, keeps what was typed, and saves it over the other change', async () => {
    const { page } = web;
    await page.getByTestId('edit-person').click();
    const form = page.getByTestId('person-edit');
    await form.getByRole('textbox', { name: 'Age (as said)' }).fill('24');

    const other = await web.context.newPage();
    await other.goto(`${web.baseUrl}/cases/${personId}`);
    await other.getByTestId('edit-person').click();
    await other.getByTestId('person-edit').getByRole('textbox', { name: 'Phone' }).fill('+30 690 111 2222');
    await other.getByTestId('save-person').click();
    await other.getByText('Record saved (version 3).').waitFor();
    await other.close();

    await form.getByTestId('save-person').click();
    const conflict = page.getByTestId('person-conflict');
    await conflict.waitFor();
    expect(await conflict.innerText()).toContain('Someone else changed this record');
    expect(await conflict.getByTestId('person-conflict-theirs').innerText()).toContain('+30 690 111 2222');
    // What this officer typed is still in the form.
    expect(await form.getByRole('textbox', { name: 'Age (as said)' }).inputValue()).toBe('24');
    await expectAccessible(page);
    await saveScreenshot(page, 'case-person-conflict');

    await conflict.getByTestId('keep-mine').click();
    await page.getByText('Record saved (version 4).').waitFor();
    const facts = page.getByTestId('person-facts');
    expect(await facts.locator('[data-field=ageClaimed]').innerText()).toContain('24');
    // The other tab's change stays: only what this officer changed was sent.
    expect(await facts.locator('[data-field=phone]').innerText()).toContain('+30 690 111 2222');
    expect(await facts.locator('[data-field=aliases]').innerText()).toContain('Abu Ali');
  });

  it('records a passport', async () => {
    const { page } = web;
    const panel = page.getByTestId('document-form');
    await panel.locator('summary').click();
    await panel.getByRole('textbox', { name: 'Document number' }).fill('P1234567');
    await choose(page, panel, 'Issuing country', 'Sudan');
    await panel.getByRole('button', { name: 'Record the document' }).click();
    await panel.getByText('Document recorded.').waitFor();
    const listed = page.getByTestId('person-documents').locator('li').first();
    await listed.waitFor();
    expect(await listed.innerText()).toMatch(/Passport · P1234567 · Sudan/);
  });

  it('finds his sister by name within the agency only, and links her', async () => {
    const { page } = web;
    const panel = page.getByTestId('family-link-form');
    await panel.locator('summary').click();
    await panel.getByRole('searchbox', { name: 'Their name' }).fill('Fatima Al Hassan');
    await panel.getByRole('button', { name: 'Search', exact: true }).click();
    const found = panel.getByRole('radio');
    await found.first().waitFor();
    // Her namesake at the Harbour Shelter is outside the officer's scope: never listed.
    expect(await found.count()).toBe(1);
    await panel.getByRole('radio', { name: /Fatima Al-Hassan, 2004/ }).click({ force: true });
    await choose(page, panel, 'Who they are to this person', 'Brother or sister');
    await panel.getByRole('button', { name: 'Link', exact: true }).click();
    await panel.getByText(/Linked: Fatima Al-Hassan/).waitFor();
    const link = page.getByTestId('family-links').locator('li[data-relation=sibling]');
    await link.getByRole('link', { name: 'Fatima Al-Hassan' }).waitFor();
    expect(await link.innerText()).toContain('Brother or sister: Fatima Al-Hassan');
    expect(await link.getByRole('link', { name: 'Fatima Al-Hassan' }).getAttribute('href')).toBe(`/cases/${sisterId}`);
    await expectAccessible(page);
    await saveScreenshot(page, 'case-family-link');

    // From her record the link reads the other way, naming him.
    await link.getByRole('link', { name: 'Fatima Al-Hassan' }).click();
    await page.getByRole('heading', { name: 'Fatima Al-Hassan', level: 1 }).waitFor();
    const back = page.getByTestId('family-links').locator('li[data-relation=sibling]');
    await back.getByText('محمد الحسن').waitFor();
    expect(await back.innerText()).toContain('Brother or sister: محمد الحسن');
    expect(web.pageErrors).toEqual([]);
  });

  it('mirrors the record in Arabic, each name kept in its own direction', async () => {
    const { page } = web;
    await page.goto(`${web.baseUrl}/cases/${personId}`);
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'العربية' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
    await page.getByRole('heading', { name: 'سجل الشخص', level: 2 }).waitFor();
    const facts = page.getByTestId('person-facts');
    expect(await facts.locator('[data-field=nationality]').innerText()).toContain('عديم الجنسية');
    expect(await facts.locator('[data-field=transliterations] bdi').getAttribute('dir')).toBe('ltr');
    expect(await page.getByTestId('family-links').innerText()).toContain('أخ أو أخت');
    await expectAccessible(page);
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('ltr');
  });
});
