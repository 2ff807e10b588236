import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgency, makeUser, sessionFor } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

const HOUR = 3_600_000;
const AREA = 'North Harbour';
const PHONE = '+39 320 555 0199';
const IN_HER_WORDS = 'If I go back they will put me in the army for life. My brother was taken and we never heard from him again.';

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
}

// The protection officer screens an unaccompanied girl who fears return, sees what the
// State owes her and that her return is refused, refers her to asylum with her consent; the asylum
// office sees only what the referral shares, and accepts.
describe('the protection officer and the service provider in Chromium', () => {
  let web: WebTest;
  let amal: string;
  let reference: string;
  let officerId: string;
  let declined: { personId: string; reference: string };

  beforeAll(async () => {
    web = await startWebTest();
    const { platform } = web.server;
    await platform.database.db.updateTable('agencies').set({ area: AREA }).where('id', '=', web.agencyId).execute();
    const asylumOffice = await makeAgency(platform, 'Asylum Office North', 'government');
    const admin = await sessionFor(web.server, await makeUser(platform, await makeAgency(platform, 'Ministry'), 'admin', 'admin.directory'));
    const provider = await admin.post('/api/directory/providers', { agencyId: asylumOffice, name: 'Asylum Office North', serviceTypes: ['asylum'], area: AREA, languages: ['en', 'ti', 'ar'] });
    expect(provider.status, JSON.stringify(provider.body)).toBe(201);
    expect((await admin.post('/api/directory/pathways', { serviceType: 'asylum', area: AREA, providerId: provider.body.id })).status).toBe(201);
    officerId = await web.makeUser('protection_officer', 'officer.cases');
    await web.makeUser('service_provider', 'asylum.caseworker', asylumOffice);
    await web.makeUser('supervisor', 'supervisor.cases');

    const officer = await sessionFor(web.server, officerId);
    const now = web.server.clock.now().getTime();
    const landing = await officer.post('/api/encounters', { type: 'land_apprehension', occurredAt: new Date(now - 10 * 60_000).toISOString(), place: { name: 'North Harbour bus station' } });
    const registered = await officer.post(`/api/encounters/${landing.body.id}/persons`, {
      persons: [{ givenName: 'Amal', familyName: 'Tesfay', sex: 'female', ageClaimed: 16, nationality: 'ER', languages: ['ti'], accompaniment: 'unaccompanied', phone: PHONE }],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    amal = registered.body.persons[0].id;
    // Met thirty hours ago and not yet informed of his rights: that obligation is overdue.
    const earlier = await officer.post('/api/encounters', { type: 'inland', occurredAt: new Date(now - 30 * HOUR).toISOString(), place: { name: 'Ring road' } });
    expect((await officer.post(`/api/encounters/${earlier.body.id}/persons`, { persons: [{ givenName: 'Yonas', familyName: 'Haile', sex: 'male', ageClaimed: 34 }] })).status).toBe(201);
    // A second asylum referral, sent through the API, which the asylum office will decline.
    const selam = (await officer.post(`/api/encounters/${landing.body.id}/persons`, { persons: [{ givenName: 'Selam', sex: 'female', ageClaimed: 24, indicators: ['asylum_intent'] }] })).body.persons[0].id;
    const consent = await officer.post(`/api/persons/${selam}/consents`, { recipientAgencyId: asylumOffice, purpose: 'asylum', status: 'given', language: 'ti', interpreter: true });
    const draft = await officer.post('/api/referrals', { personId: selam, providerId: provider.body.id, service: 'asylum', consentId: consent.body.id });
    const sent = await officer.post(`/api/referrals/${draft.body.id}/send`, { version: draft.body.version });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    declined = { personId: selam, reference: sent.body.reference };
  });
  afterAll(() => web?.close());

  it('lists the cases with the overdue obligations said in words', async () => {
    const { page } = web;
    await web.signIn('officer.cases');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
    // The first screen opened fetches its chunk while the service worker precaches the app: slow on a busy machine.
    await page.getByTestId('case-list').waitFor({ timeout: 60_000 });
    const yonas = page.locator('tbody tr', { hasText: 'Yonas Haile' });
    expect(await yonas.getByTestId('case-obligations').innerText()).toMatch(/1 overdue/);
    expect(await yonas.locator('.case-overdue').count()).toBeGreaterThan(0);
    const girl = page.locator('tbody tr', { hasText: 'Amal Tesfay' });
    expect(await girl.innerText()).toContain('Unaccompanied child');
    expect(await girl.innerText()).toContain('Eritrea');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    // His overdue obligation says so once: the status, then when it was due (not "Overdue · overdue: …").
    await page.getByRole('link', { name: 'Yonas Haile' }).click();
    const late = page.getByTestId('obligations').locator('[data-code="info.rights"]');
    await late.waitFor();
    expect((await late.innerText()).match(/overdue/gi), await late.innerText()).toHaveLength(1);
    expect(await late.innerText()).toMatch(/was due (yesterday|\d+ hours ago)/);
    await page.goBack();
    await page.getByTestId('case-list').waitFor();
  });

  it('screens her in her words, and shows the obligations and the refused return', async () => {
    const { page } = web;
    await page.getByRole('link', { name: 'Amal Tesfay' }).click();
    await page.getByRole('heading', { name: 'Amal Tesfay', level: 1 }).waitFor();
    await page.getByTestId('person-facts').waitFor();
    expect(await page.getByTestId('case-stage').innerText()).toBe('Registered');

    await page.getByTestId('screening-panel').locator('summary').click();
    await page.getByTestId('indicator-fear_of_return').click();
    await page.getByTestId('indicator-asylum_intent').click();
    await page.locator('textarea[name=statement]').fill(IN_HER_WORDS);
    await page.locator('input[name=statementLanguage]').fill('en');
    await page.getByTestId('save-screening').click();
    await page.getByRole('status').filter({ hasText: 'Screening version 1 saved' }).waitFor();
    const history = page.getByTestId('screening-history');
    await history.locator('li[data-version="1"]').waitFor();
    expect(await history.innerText()).toContain(IN_HER_WORDS);
    expect(await history.innerText()).toContain('Fears return');

    // The engine's answer: her referral to asylum, her best interests and a guardian are owed, with deadlines.
    const obligations = page.getByTestId('obligations');
    await obligations.locator('[data-code="protection.asylum_referral"]').waitFor();
    for (const code of ['children.best_interests', 'children.guardian', 'info.rights']) await obligations.locator(`[data-code="${code}"]`).waitFor();
    expect(await obligations.locator('[data-code="protection.asylum_referral"]').innerText()).toMatch(/due in (2|3) days|due in 7\d hours/);
    await page.getByTestId('standing-obligations').locator('[data-code="protection.non_refoulement"]').waitFor();

    const ret = page.getByTestId('guard-return');
    await expect.poll(() => ret.getAttribute('data-allowed')).toBe('false');
    expect(await ret.innerText()).toContain('refused');
    expect(await ret.innerText()).toContain('Non-refoulement');
    expect(await ret.innerText()).toContain('Best interests of the child');
    expect(await page.getByTestId('guard-charge_for_being_smuggled').getAttribute('data-allowed')).toBe('false');

    // Trying to record the return anyway: the server refuses and names what blocks it.
    await page.locator('summary', { hasText: 'Record a guarded action' }).click();
    await page.locator('textarea[name=details]').fill('Removal order 2026/44 of the prefecture');
    await page.getByTestId('record-action').click();
    const refusal = page.getByTestId('guard-refusal');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('Return is refused.');
    expect(await refusal.innerText()).toContain('Non-refoulement');

    // Her best interests determined: that block goes, non-refoulement still holds her return back.
    await page.getByTestId('case-change').locator('summary').click();
    await page.getByRole('checkbox', { name: 'Best interests determined' }).check({ force: true });
    await page.getByTestId('save-case').click();
    await page.getByRole('status').filter({ hasText: 'The case is changed' }).waitFor();
    await expect.poll(() => ret.innerText()).not.toContain('Best interests of the child');
    expect(await ret.getAttribute('data-allowed')).toBe('false');
    expect(await ret.innerText()).toContain('Non-refoulement');
    await page.getByTestId('obligations').locator('[data-code="children.best_interests"]').waitFor({ state: 'detached' });

    // Information on her rights, in Tigrinya (her language, offered first): info.rights is met.
    await page.locator('summary', { hasText: 'Record assistance given' }).click();
    const language = page.locator('section[aria-labelledby=assistance-title] input[name=language]');
    expect(await language.inputValue()).toBe('ti');
    await page.getByRole('button', { name: 'Record it, given now' }).click();
    await page.getByRole('status').filter({ hasText: 'Information on rights recorded.' }).waitFor();
    await page.getByTestId('assistance-log').getByText('Information on rights').waitFor();
    await page.getByTestId('obligations').locator('[data-code="info.rights"]').waitFor({ state: 'detached' });
  });

  it('refers her to asylum once she consents, sharing only what asylum needs', async () => {
    const { page } = web;
    await page.getByTestId('prepare-asylum').click();
    const proposal = page.getByTestId('proposal');
    await proposal.waitFor();
    expect(await page.getByTestId('proposed-provider').innerText()).toContain('Asylum Office North');
    expect(await page.getByTestId('proposed-shared').innerText()).toBe('identity, protection (screening, obligations), statements in their words');
    // Nothing can be sent before her decision is recorded.
    expect(await page.getByTestId('send-referral').count()).toBe(0);
    expect(await page.getByTestId('consent-form').locator('input[name=language]').inputValue()).toBe('ti');
    await page.getByRole('checkbox', { name: 'With an interpreter' }).check({ force: true });
    await page.getByTestId('record-consent').click();
    await page.getByTestId('consent-on-file').waitFor();
    await page.getByTestId('send-form').locator('textarea[name=reason]').fill('Unaccompanied girl, 16, fears forced conscription if returned to Eritrea; wishes to seek asylum.');
    await page.getByTestId('send-referral').click();
    const sent = page.getByTestId('referral-sent');
    await sent.waitFor();
    reference = /HVN-\d{4}-\d+/.exec(await sent.innerText())![0];
    await page.getByTestId('referrals').locator('li[data-service="asylum"][data-status="sent"]').waitFor();
    await expect.poll(() => page.getByTestId('case-stage').innerText()).toBe('Referred');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    // The forms folded away, so the picture shows the case itself.
    const open = page.locator('details[open] > summary');
    while ((await open.count()) > 0) await open.first().click();
    await saveScreenshot(page, 'case-page');

    await page.getByRole('link', { name: 'Back to the cases' }).click();
    await page.getByTestId('case-list').waitFor();
    await page.locator('tbody tr', { hasText: 'Amal Tesfay' }).getByText('Referred').waitFor();
    await saveScreenshot(page, 'case-list');
    await signOut(page);
  });

  it('shows the asylum office only the fields the referral shares, and lets it accept', async () => {
    const { page } = web;
    await web.signIn('asylum.caseworker');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Referrals received' }).click();
    const inbox = page.getByTestId('inbox');
    await inbox.waitFor({ timeout: 60_000 });
    // The inbox names no one: references, services and deadlines.
    expect(await inbox.innerText()).not.toContain('Amal');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'referrals-inbox');

    const personRead = page.waitForResponse((r) => r.url().endsWith(`/api/persons/${amal}`) && r.request().method() === 'GET');
    await page.getByRole('link', { name: reference }).click();
    const person = (await (await personRead).json()) as { fieldGroups: string[]; fields: Record<string, unknown> };
    expect(person.fieldGroups).not.toContain('contact');
    expect(person.fields.phone).toBeUndefined();

    const shared = page.getByTestId('shared-person');
    await shared.waitFor();
    expect(await shared.innerText()).toContain('Amal');
    expect(await page.locator('main').innerText()).not.toContain(PHONE);
    expect(await page.getByTestId('shared-groups').innerText()).toContain('identity, protection (screening, obligations), statements in their words');
    await page.getByTestId('shared-statement').waitFor();
    expect(await page.getByTestId('shared-statement').innerText()).toContain(IN_HER_WORDS);
    // What the referral does not share is not even asked for: no obligations, guards or assistance.
    expect(await page.getByTestId('obligations').count()).toBe(0);
    expect(await page.getByTestId('guards').count()).toBe(0);

    await page.getByTestId('accept').click();
    await page.getByTestId('referral-moved').filter({ hasText: 'Accepted' }).waitFor();
    expect(await page.getByTestId('referral-status').innerText()).toBe('Accepted');
    await page.getByTestId('start').waitFor();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'referral-detail');
  });

  it('records the service delivered, which fulfils her asylum-referral obligation', async () => {
    const { page } = web;
    await page.getByTestId('start').click();
    await page.getByTestId('referral-moved').filter({ hasText: 'In progress' }).waitFor();
    // Feedback is required: an empty one is refused on the form.
    await page.getByTestId('complete').click();
    await page.getByText('Required.').waitFor();
    await page.locator('textarea[name=feedback]').fill('Asylum claim registered on 28 November; interview with a Tigrinya interpreter on 3 December.');
    await page.getByTestId('complete').click();
    await page.getByTestId('referral-moved').filter({ hasText: 'Completed' }).waitFor();
    const officer = await sessionFor(web.server, officerId);
    const obligations = (await officer.get(`/api/persons/${amal}/obligations`)).body as { code: string; status: string; fulfilment: { type: string } | null }[];
    expect(obligations.find((o) => o.code === 'protection.asylum_referral')).toMatchObject({ status: 'fulfilled', fulfilment: { type: 'referral' } });
  });

  it('declines a referral only with a reason, after which the person is no longer shown', async () => {
    const { page } = web;
    const completed = page.url();
    await page.getByRole('link', { name: 'Back to the referrals received' }).click();
    await page.getByRole('link', { name: declined.reference }).click();
    const shared = page.getByTestId('shared-person');
    await shared.waitFor();
    expect(await shared.innerText()).toContain('Selam');
    await page.getByTestId('decline').click();
    await page.getByRole('form', { name: 'Decline' }).getByText('Required.', { exact: true }).waitFor();
    await page.locator('textarea[name=reason]').fill('Our office covers the northern province only; the southern office takes claims from her reception centre.');
    await page.getByTestId('decline').click();
    await page.getByTestId('referral-moved').filter({ hasText: 'Declined' }).waitFor();
    expect(await shared.count()).toBe(0);
    expect(await page.locator('main').innerText()).not.toContain('Selam');
    expect(await page.locator('main').innerText()).toContain('The referral has ended');
    // The server agrees: the grant is gone.
    const read = await page.evaluate(async (id) => (await fetch(`/api/persons/${id}`)).status, declined.personId);
    expect(read).toBe(404);
    // Back to the completed referral for the next picture.
    await page.goto(completed);
    await page.getByTestId('referral-status').waitFor();
  });

  it('mirrors the referral page in Arabic', async () => {
    const { page } = web;
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'العربية' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
    await page.getByRole('heading', { level: 1, name: new RegExp(`الإحالة ${reference}`) }).waitFor();
    expect(await page.getByTestId('referral-status').innerText()).toBe('مكتملة');
    const viewport = page.viewportSize()!.width;
    const nav = (await page.locator('nav.sidenav').boundingBox())!;
    expect(nav.x + nav.width).toBeCloseTo(viewport, 0);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'referral-detail-arabic');
  });

  it('offers the supervisor no override the law forbids, says why, and detains the child only as a last resort', async () => {
    const { page } = web;
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('ltr');
    await signOut(page);
    await web.signIn('supervisor.cases');
    await page.goto(`${web.baseUrl}/cases/${amal}`);
    await page.getByRole('heading', { name: 'Amal Tesfay', level: 1 }).waitFor({ timeout: 60_000 });

    // She fears return and seeks asylum: no one may override her return, sharing with Eritrea, or a smuggling charge.
    const ret = page.getByTestId('guard-return');
    await ret.locator('[data-override]').waitFor();
    expect(await ret.locator('[data-override]').innerText()).toBe(
      'No one may override this: the person fears persecution or torture in the State they would be sent to (non-refoulement).',
    );
    expect(await page.getByTestId('guard-share_with_origin_state').locator('[data-override]').innerText()).toContain(
      'No one may override this: nothing goes to the authorities of the State the person fears',
    );
    expect(await page.getByTestId('guard-charge_for_being_smuggled').locator('[data-override]').innerText()).toContain('no one is prosecuted for having been smuggled');
    expect(await page.getByTestId('guard-detain').locator('[data-override]').getAttribute('data-override')).toBe('last_resort');

    // The form asks for no override reason where none may be given, and says why.
    await page.locator('summary', { hasText: 'Record a guarded action' }).click();
    const form = page.getByTestId('action-form');
    await form.getByTestId('override-rule').filter({ hasText: 'No one may override this' }).waitFor();
    expect(await form.locator('textarea[name=overrideReason]').count()).toBe(0);
    expect(await form.getByTestId('last-resort').count()).toBe(0);

    // Her detention: a supervisor may go ahead only as a last resort, with the alternatives and the planned end.
    await form.locator('.field').filter({ has: page.getByText('Action', { exact: true }) }).locator('button.select-button').click();
    await page.getByRole('option', { name: 'Detention' }).click();
    await form.getByTestId('override-rule').filter({ hasText: 'only as a measure of last resort' }).waitFor();
    const lastResort = form.getByTestId('last-resort');
    await lastResort.waitFor();
    expect(await lastResort.innerText()).toContain('Alternatives to detention considered');
    expect(await lastResort.innerText()).toContain('Planned end of the detention');
    const now = web.server.clock.now().getTime();
    // datetime-local takes the browser's wall-clock time, which is this machine's.
    const local = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await form.locator('input[name=place]').fill('Harbour police station');
    await form.locator('input[name=since]').fill(local(now - HOUR));
    await form.locator('input[name=legalBasis]').fill('Art. 13 (identification)');
    await form.locator('textarea[name=overrideReason]').fill('She arrived at night and the shelter could not take her before the morning.');
    await form.getByTestId('record-action').click();
    // Without the statement of last resort, the form does not send it.
    await lastResort.getByText('Explain why, in at least 10 characters.').waitFor();
    await lastResort.locator('textarea[name="lastResort.alternativesConsidered"]').fill('The night shelter and an emergency foster family were called; neither could take her until 08:00.');
    await lastResort.locator('input[name="lastResort.plannedEnd"]').fill(local(now + 3 * HOUR));
    await form.getByTestId('record-action').click();
    await page.getByTestId('action-done').filter({ hasText: 'Detention recorded as a measure of last resort' }).waitFor();
    const stored = await web.server.platform.database.db.selectFrom('guard_overrides').select(['action', 'planned_end', 'last_resort_enc']).where('person_id', '=', amal).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ action: 'detain' });
    expect(stored[0]!.planned_end).not.toBeNull();
    expect(stored[0]!.last_resort_enc).not.toContain('foster');
    // The obligation to end her detention keeps running.
    await page.getByTestId('obligations').locator('[data-code="children.no_detention"]').waitFor();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await page.getByTestId('guards').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'case-guards-supervisor');
  });

  it('ran without a console error or a Content-Security-Policy violation', () => {
    expect(web.pageErrors).toEqual([]);
  });
});
