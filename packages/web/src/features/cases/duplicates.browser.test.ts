import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, expectFormDoesNotWait, saveScreenshot, seriousAccessibilityViolations, startWebTest, submitRegistration, TEST_PASSWORD, type WebTest } from '../../test-support/browser';

// A person registered again under another spelling of the same name (Somali orthography,
// then Arabic script; synthetic names) is flagged to the officer at registration, with the
// matcher's reasons, online and after an offline sync; a supervisor merges the two records with a
// written reason, sees what moved, and undoes it.

interface Registration {
  givenName: string;
  familyName: string;
}

async function register(page: Page, person: Registration): Promise<number> {
  await page.locator('input[name=givenName]').fill(person.givenName);
  await page.locator('input[name=familyName]').fill(person.familyName);
  await page.locator('input[name=sex][value=male]').check({ force: true });
  await page.locator('input[name=ageClaimed]').fill('29');
  return submitRegistration(page);
}

async function pendingChanges(page: Page): Promise<number> {
  return Number(await page.getByTestId('pending-changes').getAttribute('data-count'));
}

describe('likely duplicates at registration, and a supervisor’s merge, in Chromium', () => {
  let web: WebTest;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    web = await startWebTest();
    await web.makeUser('protection_officer', 'officer.quay');
    await web.makeUser('supervisor', 'supervisor.north');
  });
  afterAll(() => web?.close());

  it('tells the officer that a person just registered may already be on record, and why', async () => {
    const { page } = web;
    await web.signIn('officer.quay');
    await page.locator('nav a[href="/first-response"]').click();
    await page.locator('input[name=placeName]').fill('Quay 2, morning');
    await page.locator('form[aria-labelledby=new-encounter] button[type=submit]').click();
    await page.getByTestId('registration-form').waitFor({ timeout: 60_000 });

    const timings = [await register(page, { givenName: 'Maxamed', familyName: 'Cabdi Xasan' })];
    await expect.poll(() => pendingChanges(page), { timeout: 30_000 }).toBe(0);
    expect(await page.getByTestId('duplicate-notices').getAttribute('data-count')).toBe('0');

    // The same man, his name written as an English-speaking clerk would.
    timings.push(await register(page, { givenName: 'Mohamed', familyName: 'Abdi Hassan' }));
    // The registration made while the first one's answer (with its search) came back does not
    // wait for it; the very first submit of a freshly opened screen also pays for warming up.
    expectFormDoesNotWait(timings.slice(1));
    const notice = page.getByTestId('duplicate-notice');
    await notice.waitFor({ timeout: 30_000 });
    ids.mohamed = (await notice.getAttribute('data-person-id'))!;
    ids.maxamed = (await notice.getByTestId('duplicate-candidate').getAttribute('data-person-id'))!;
    const { db } = web.server.platform.database;
    expect(await db.selectFrom('persons').select('id').where('id', 'in', [ids.mohamed, ids.maxamed]).execute()).toHaveLength(2);
    expect(await notice.innerText()).toContain('Mohamed Abdi Hassan');
    const reasons = await notice.getByTestId('duplicate-reasons').innerText();
    expect(reasons).toMatch(/given name sounds alike: (Mohamed ~ Maxamed|Maxamed ~ Mohamed)/);
    expect(reasons).toMatch(/family name sounds alike: (Hassan ~ Xasan|Xasan ~ Hassan)/);
    expect(await notice.getByTestId('duplicate-registered-link').getAttribute('href')).toBe(`/cases/${ids.mohamed}`);
    expect(await notice.getByTestId('duplicate-stored-link').getAttribute('href')).toBe(`/cases/${ids.maxamed}`);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'registration-duplicates');
  });

  it('shows the notice when a registration queued offline syncs', async () => {
    const { page, context } = web;
    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('connectivity-state').innerText()).toBe('Offline');
    // His name in Arabic script, registered at the quay with no network.
    expectFormDoesNotWait([await register(page, { givenName: 'محمد', familyName: 'عبدي حسن' })]);
    expect(await pendingChanges(page)).toBe(1);
    expect(await page.getByTestId('duplicate-notice').count()).toBe(1);
    await context.setOffline(false);
    await expect.poll(() => pendingChanges(page), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('duplicate-notice').count(), { timeout: 10_000 }).toBe(2);
    const notice = page.locator(`[data-testid=duplicate-notice]:not([data-person-id="${ids.mohamed}"])`);
    expect(await notice.innerText()).toContain('محمد عبدي حسن');
    const candidates = await notice.getByTestId('duplicate-candidate').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-person-id')));
    expect(new Set(candidates)).toEqual(new Set([ids.maxamed, ids.mohamed]));
    expect(await notice.getByTestId('duplicate-reasons').first().innerText()).toMatch(/given name sounds alike: (محمد ~ M(ohamed|axamed)|M(ohamed|axamed) ~ محمد)/);

    // Put away, it stays away (the device remembers, sealed with the rest).
    await notice.getByTestId('duplicate-put-away').click();
    await expect.poll(() => page.getByTestId('duplicate-notice').count()).toBe(1);
    await page.locator('nav a[href="/first-response"]').click();
    await page.locator('a[href^="/first-response/encounters/"]').first().click();
    await expect.poll(() => page.getByTestId('duplicate-notice').count(), { timeout: 10_000 }).toBe(1);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
  });

  it('lets a supervisor merge the two records with a written reason, and undo the merge', async () => {
    const { page } = web;
    const { db } = web.server.platform.database;
    await web.signIn('supervisor.north');
    await page.goto(`${web.baseUrl}/cases/${ids.mohamed}`);
    const section = page.getByTestId('duplicates');
    const candidate = section.locator(`[data-testid=duplicate][data-person-id="${ids.maxamed}"]`);
    await candidate.waitFor({ timeout: 60_000 });
    // The other record's name comes with its own read.
    await expect.poll(() => candidate.innerText(), { timeout: 10_000 }).toContain('Maxamed Cabdi Xasan');
    expect(await candidate.getByTestId('duplicate-score').innerText()).toMatch(/\d+%/);
    expect(await candidate.getByTestId('duplicate-reasons').innerText()).toContain('Mohamed ~ Maxamed');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');

    // This record (Mohamed) stays; Maxamed goes into it, after a confirmation naming both.
    await candidate.getByTestId('merge-panel').locator('summary').click();
    await candidate.getByTestId('review-merge').click();
    await candidate.locator('textarea[name=reason]').waitFor();
    expect(await candidate.locator('[data-testid=merge-confirm]').count()).toBe(0);
    await candidate.locator('textarea[name=reason]').fill('Same man: registered twice at Quay 2, names in two spellings, same age.');
    await candidate.getByTestId('review-merge').click();
    const confirm = candidate.getByTestId('merge-confirm');
    await confirm.waitFor();
    expect(await confirm.innerText()).toMatch(/Mohamed Abdi Hassan \(ref\. \w{8}\) stays\. Maxamed Cabdi Xasan \(ref\. \w{8}\) is merged into it\./);
    await saveScreenshot(page, 'case-merge-confirm');
    await confirm.getByTestId('confirm-merge').click();

    const result = section.getByTestId('merge-result');
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 30_000 }).toBe('merged');
    expect(await result.innerText()).toContain('Merged: Maxamed Cabdi Xasan');
    await result.getByTestId('merge-moved').waitFor();
    const merge = await db.selectFrom('person_merges').selectAll().where('merged_id', '=', ids.maxamed).executeTakeFirstOrThrow();
    expect(merge.survivor_id).toBe(ids.mohamed);
    expect(await result.getAttribute('data-merge-id')).toBe(merge.id);
    expect((await db.selectFrom('persons').select('merged_into').where('id', '=', ids.maxamed).executeTakeFirstOrThrow()).merged_into).toBe(ids.mohamed);
    // The merged record is not a candidate any more; the Arabic-script record still is.
    await expect.poll(() => section.locator(`[data-testid=duplicate][data-person-id="${ids.maxamed}"]`).count()).toBe(0);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'case-merged');

    await result.getByTestId('unmerge').click();
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 30_000 }).toBe('unmerged');
    expect((await db.selectFrom('persons').select('merged_into').where('id', '=', ids.maxamed).executeTakeFirstOrThrow()).merged_into).toBeNull();
    await candidate.waitFor({ timeout: 10_000 });
  });

  it('says on a merged-away record where it went, and undoes the merge from there', async () => {
    const { page } = web;
    const { db } = web.server.platform.database;
    // This time the other record stays: the screen open is the one merged away.
    const candidate = page.getByTestId('duplicates').locator(`[data-testid=duplicate][data-person-id="${ids.maxamed}"]`);
    await candidate.getByTestId('merge-panel').locator('summary').click();
    await candidate.locator('input[name=survivor][value=other]').check({ force: true });
    await candidate.locator('textarea[name=reason]').fill('Same man; the first record is the one the clinic knows.');
    await candidate.getByTestId('review-merge').click();
    const confirm = candidate.getByTestId('merge-confirm');
    await confirm.waitFor();
    expect(await confirm.innerText()).toMatch(/Maxamed Cabdi Xasan \(ref\. \w{8}\) stays\. Mohamed Abdi Hassan \(ref\. \w{8}\) is merged into it\./);
    await confirm.getByTestId('confirm-merge').click();

    const banner = page.getByTestId('merged-into');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.getByTestId('merged-into-link').getAttribute('href')).toBe(`/cases/${ids.maxamed}`);
    expect((await db.selectFrom('persons').select('merged_into').where('id', '=', ids.mohamed).executeTakeFirstOrThrow()).merged_into).toBe(ids.maxamed);
    // Opened afresh, the merged-away record still says where it went, and shows no case of its own.
    await page.reload();
    await banner.waitFor({ timeout: 60_000 });
    await page.getByTestId('person-facts').waitFor();
    expect(await page.getByTestId('duplicates').count()).toBe(0);
    expect(await page.locator('[data-testid^=guard-]').count()).toBe(0);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await banner.getByTestId('merged-into-undo').click();
    await expect.poll(() => banner.count(), { timeout: 30_000 }).toBe(0);
    expect((await db.selectFrom('persons').select('merged_into').where('id', '=', ids.mohamed).executeTakeFirstOrThrow()).merged_into).toBeNull();
    await page.getByTestId('duplicates').locator(`[data-testid=duplicate][data-person-id="${ids.maxamed}"]`).waitFor({ timeout: 10_000 });
  });

  it('keeps a boat of one common name readable: the latest notices, the best few records each', async () => {
    const { page, context } = web;
    await page.locator('nav a[href="/first-response"]').click();
    // The case screen was opened by address (a full page load): the device's data is locked again.
    const unlock = page.locator('form[aria-labelledby=unlock-title]');
    await Promise.race([unlock.waitFor(), page.locator('input[name=placeName]').waitFor()]);
    if (await unlock.isVisible()) {
      await unlock.locator('input[name=password]').fill(TEST_PASSWORD);
      await unlock.locator('button[type=submit]').click();
    }
    await page.locator('input[name=placeName]').fill('Quay 5, evening');
    await page.locator('form[aria-labelledby=new-encounter] button[type=submit]').click();
    await page.getByTestId('registration-form').waitFor({ timeout: 30_000 });
    await context.setOffline(true);
    const timings: number[] = [];
    for (let i = 0; i < 11; i += 1) timings.push(await register(page, { givenName: 'Maxamed', familyName: 'Cabdi Xasan' }));
    console.log(`eleven of one name offline, submit to next empty form: ${timings.join(' ms, ')} ms`);
    expectFormDoesNotWait(timings.slice(1));
    await context.setOffline(false);
    await expect.poll(() => pendingChanges(page), { timeout: 30_000 }).toBe(0);
    const notices = page.getByTestId('duplicate-notices');
    await expect.poll(() => notices.getAttribute('data-count'), { timeout: 10_000 }).toBe('11');
    // Ten drawn, the rest a press away; each lists its five likeliest and counts the others.
    expect(await page.getByTestId('duplicate-notice').count()).toBe(10);
    const first = page.getByTestId('duplicate-notice').first();
    expect(await first.getByTestId('duplicate-candidate').count()).toBe(5);
    expect(await first.getByTestId('duplicate-unlisted').innerText()).toMatch(/^And \d+ other records/);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await page.getByTestId('duplicate-more').click();
    await expect.poll(() => page.getByTestId('duplicate-notice').count()).toBe(11);
    await page.getByTestId('duplicate-put-away-all').click();
    await expect.poll(() => notices.getAttribute('data-count')).toBe('0');
  });

  it('gives the matcher’s reasons in the officer’s language, each name as written in its record', async () => {
    const { page } = web;
    await page.goto(`${web.baseUrl}/cases/${ids.mohamed}`);
    const section = page.getByTestId('duplicates');
    const latin = section.locator(`[data-testid=duplicate][data-person-id="${ids.maxamed}"]`);
    await latin.waitFor({ timeout: 60_000 });
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'Français' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
    await expect.poll(() => latin.getByTestId('duplicate-reasons').innerText(), { timeout: 10_000 }).toContain('prénom qui se prononce de la même façon : Mohamed ~ Maxamed');
    expect(await latin.getByTestId('duplicate-reasons').innerText()).toContain('même sexe (homme)');
    // Each name in an element of its own that takes its direction from the name, and nothing
    // marks the French sentence as English.
    const alike = latin.locator('li[data-reason=name_alike]').first();
    expect(await alike.locator('bdi[dir=auto]').allInnerTexts()).toEqual(['Mohamed', 'Maxamed']);
    expect(await alike.evaluate((node) => node.closest('[lang]')?.getAttribute('lang'))).toBe('fr');
    // The record in Arabic script keeps its script inside the French sentence.
    const arabic = section.locator('[data-testid=duplicate]').filter({ has: page.locator('bdi', { hasText: 'محمد' }) });
    await expect.poll(() => arabic.count(), { timeout: 10_000 }).toBe(1);
    expect(await arabic.getByTestId('duplicate-reasons').innerText()).toContain('prénom qui se prononce de la même façon : Mohamed ~ محمد');

    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'العربية' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
    await expect.poll(() => latin.getByTestId('duplicate-reasons').innerText(), { timeout: 10_000 }).toContain('تشابه الاسم الأول في النطق: Mohamed ~ Maxamed');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
  });

  it('ran without a console error or a Content-Security-Policy violation', () => {
    expect(web.pageErrors.filter((error) => !error.includes('net::ERR_'))).toEqual([]);
  });
});
