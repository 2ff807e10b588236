import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgency, makeUser, sessionFor } from '../../../../server/src/test-support/server.js';
import { startWebTest, type WebTest } from '../../test-support/browser';

const AREA = 'South Harbour';

/** The GETs to the API the page sends from now on, path and query as requested. */
function watchReads(page: Page): { reads: string[]; stop: () => void } {
  const reads: string[] = [];
  const listen = (request: Request) => {
    const url = new URL(request.url());
    if (request.method() === 'GET' && url.pathname.startsWith('/api/')) reads.push(url.pathname + url.search);
  };
  page.on('request', listen);
  return { reads, stop: () => page.off('request', listen) };
}

function repeated(reads: string[]): string[] {
  return [...new Set(reads.filter((read, index) => reads.indexOf(read) !== index))];
}

// Every read of a person's record is audited and costs the server a decryption: a screen asks for
// each thing it shows once, and after a change only for what the change touched.
describe('what a case page and a referral page ask the server', () => {
  let web: WebTest;
  let personId: string;
  let referralId: string;

  beforeAll(async () => {
    web = await startWebTest();
    const { platform } = web.server;
    await platform.database.db.updateTable('agencies').set({ area: AREA }).where('id', '=', web.agencyId).execute();
    const asylumOffice = await makeAgency(platform, 'Asylum Office South', 'government');
    const admin = await sessionFor(web.server, await makeUser(platform, await makeAgency(platform, 'Ministry'), 'admin', 'admin.requests'));
    const provider = await admin.post('/api/directory/providers', { agencyId: asylumOffice, name: 'Asylum Office South', serviceTypes: ['asylum'], area: AREA, languages: ['en', 'ar'] });
    expect(provider.status, JSON.stringify(provider.body)).toBe(201);
    const officer = await sessionFor(web.server, await web.makeUser('protection_officer', 'officer.requests'));
    await web.makeUser('service_provider', 'asylum.requests', asylumOffice);
    const now = web.server.clock.now().getTime();
    const landing = await officer.post('/api/encounters', { type: 'land_apprehension', occurredAt: new Date(now - 10 * 60_000).toISOString(), place: { name: 'South Harbour pier' } });
    const registered = await officer.post(`/api/encounters/${landing.body.id}/persons`, {
      persons: [{ givenName: 'Hawa', familyName: 'Ahmed', sex: 'female', ageClaimed: 22, languages: ['ar'], indicators: ['asylum_intent'] }],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    personId = registered.body.persons[0].id;
    const consent = await officer.post(`/api/persons/${personId}/consents`, { recipientAgencyId: asylumOffice, purpose: 'asylum', status: 'given', language: 'ar', interpreter: true });
    const draft = await officer.post('/api/referrals', { personId, providerId: provider.body.id, service: 'asylum', consentId: consent.body.id });
    const sent = await officer.post(`/api/referrals/${draft.body.id}/send`, { version: draft.body.version });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    referralId = sent.body.id;
  });
  afterAll(() => web?.close());

  it('opens a case asking for each of its records once', async () => {
    const { page } = web;
    await web.signIn('officer.requests');
    const watch = watchReads(page);
    await page.goto(`${web.baseUrl}/cases/${personId}`);
    await page.getByTestId('case-stage').waitFor({ timeout: 60_000 });
    await page.getByTestId('referrals').locator('li').first().waitFor();
    await page.waitForLoadState('networkidle');
    watch.stop();
    expect(watch.reads).toContain(`/api/persons/${personId}/obligations`);
    expect(repeated(watch.reads)).toEqual([]);
  });

  it('after recording assistance reads again only the log, the obligations and what follows from them', async () => {
    const { page } = web;
    await page.getByText('Record assistance given').click();
    const watch = watchReads(page);
    await page.getByRole('button', { name: 'Record it, given now' }).click();
    await page.getByRole('status').filter({ hasText: 'recorded' }).waitFor();
    await page.waitForLoadState('networkidle');
    // Whatever answers are still on their way land before the count.
    await page.waitForTimeout(500);
    watch.stop();
    const base = `/api/persons/${personId}`;
    expect([...watch.reads].sort()).toEqual([`${base}/assessment`, `${base}/assistance`, `${base}/guards`, `${base}/obligations`]);
  });

  it('opens a referral in the provider inbox asking for each shared record once', async () => {
    const { page } = web;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    await web.signIn('asylum.requests');
    const watch = watchReads(page);
    await page.goto(`${web.baseUrl}/referrals/${referralId}`);
    await page.getByTestId('shared-person').waitFor({ timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    watch.stop();
    expect(watch.reads).toContain(`/api/referrals/${referralId}`);
    expect(repeated(watch.reads)).toEqual([]);
  });
});
