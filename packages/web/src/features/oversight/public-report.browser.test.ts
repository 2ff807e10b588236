import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, makeAgency } from '../../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

const RECEIPT = /^HVN-[A-Z2-7]{16}$/;
/** What a reporter might type, markup included: it must reach oversight as text and run nowhere. */
const WHAT_HAPPENED = 'On 3 May at dawn the patrol boat passed our dinghy taking water and left without calling a rescue. <script>window.__pwned = 1</script>';
const STAFF_REPORT = 'The detention post at the harbour refused water to twelve people for a whole day, 4 May.';
const TOUCH = 44;

/** What breaks a phone layout: a sideways scroll, or a control smaller than a finger (see app/phone.browser.test.ts). */
function phoneDefects(touch: number): string[] {
  const defects: string[] = [];
  if (document.documentElement.scrollWidth > window.innerWidth) defects.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px`);
  for (const element of document.body.querySelectorAll('a[href], button, input:not([type=hidden]), textarea, [role=button]')) {
    const rect = element.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) continue;
    if (rect.height < touch - 0.5 || rect.width < touch - 0.5) defects.push(`${element.tagName} "${(element.textContent ?? '').trim().slice(0, 30)}" is ${Math.round(rect.width)}×${Math.round(rect.height)}`);
    if (rect.right > window.innerWidth + 0.5 || rect.left < -0.5) defects.push(`${element.tagName} runs past the edge`);
  }
  return defects;
}

async function expectAccessible(page: Page): Promise<void> {
  expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
}

async function chooseLanguage(page: Page, name: string): Promise<void> {
  await page.getByTestId('report-language').getByRole('button').click();
  await page.getByRole('option', { name }).click();
}

// Issue 18, point 5: anyone reports a failure to assist on a public page, anonymously, on a phone;
// the receipt code shows the status and nothing else; the oversight body reads the report.
describe('complaints of failure to assist in Chromium', () => {
  let web: WebTest;
  let receipt: string;
  /** Every request the public pages made, to check they stay on the origin and never ask for a session. */
  const requests: string[] = [];

  beforeAll(async () => {
    web = await startWebTest();
    const ombudsman = await makeAgency(web.server.platform, 'National Ombudsman', 'oversight');
    await web.makeUser('oversight', 'ombudsman.report', ombudsman);
    await web.makeUser('first_responder', 'responder.report');
  });
  afterAll(() => web?.close());

  it('takes an anonymous report on a phone and gives a receipt code, shown once, with advice to keep it', async () => {
    const { page } = web;
    await page.setViewportSize({ width: 360, height: 740 });
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${web.baseUrl}/report`);
    await page.getByRole('heading', { name: 'Report a failure to assist', level: 1 }).waitFor();
    expect(await page.getByTestId('anonymity').innerText()).toContain('You do not need to give your name.');
    expect(await page.evaluate(phoneDefects, TOUCH)).toEqual([]);
    await expectAccessible(page);
    await saveScreenshot(page, 'public-report');

    // Too short: said beside the field, in the page's language, nothing sent.
    await page.getByRole('textbox', { name: 'What happened' }).fill('boat');
    await page.getByRole('button', { name: 'Send the complaint' }).click();
    await page.getByText('Say what happened, in at least 10 characters.').waitFor();

    await page.getByRole('textbox', { name: 'What happened' }).fill(WHAT_HAPPENED);
    await page.getByRole('button', { name: 'Send the complaint' }).click();
    await page.getByRole('heading', { name: 'Your complaint was received' }).waitFor();
    receipt = (await page.getByTestId('receipt-code').innerText()).trim();
    expect(receipt).toMatch(RECEIPT);
    expect(await page.getByTestId('receipt').innerText()).toContain('It is shown only this once');
    expect(await page.evaluate(phoneDefects, TOUCH)).toEqual([]);
    await expectAccessible(page);
    await saveScreenshot(page, 'public-report-receipt');
  });

  it('shows the status and the last change for the receipt code, and nothing of what was typed', async () => {
    const { page } = web;
    await page.getByRole('link', { name: 'See where a complaint stands' }).click();
    await page.getByRole('heading', { name: 'Where does my complaint stand?' }).waitFor();
    await page.getByRole('textbox', { name: 'Receipt code' }).fill(receipt.toLowerCase());
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByTestId('follow-up').waitFor();
    expect(await page.getByTestId('follow-up-status').innerText()).toBe('Received');
    const shown = await page.locator('body').innerText();
    expect(shown).not.toContain('patrol boat');
    expect(shown).not.toContain('dinghy');
    expect(await page.evaluate(phoneDefects, TOUCH)).toEqual([]);
    await expectAccessible(page);

    // A code nobody was given: said beside the field.
    await page.getByRole('textbox', { name: 'Receipt code' }).fill('HVN-AAAAAAAAAAAAAAAA');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByText('No complaint has this receipt code.').waitFor();
  });

  it('reads in Arabic, mirrored, and leaves nothing on the device: no cookie, no session asked for, no service worker, no other origin', async () => {
    const { page } = web;
    await page.goto(`${web.baseUrl}/report`);
    await chooseLanguage(page, 'العربية');
    await page.getByRole('heading', { name: 'الإبلاغ عن تقصير في المساعدة', level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await page.evaluate(phoneDefects, TOUCH)).toEqual([]);
    await expectAccessible(page);
    await saveScreenshot(page, 'public-report-arabic');
    // Too many characters said in Arabic, beside the field, before anything is sent.
    await page.getByRole('textbox', { name: 'ماذا حدث' }).fill('x'.repeat(5001));
    await page.getByRole('button', { name: 'أرسل الشكوى' }).click();
    await page.getByText('النص طويل جدًا').waitFor();
    // The choice is not remembered: a new page opens in the browser's language.
    await page.goto(`${web.baseUrl}/report/status`);
    await page.getByRole('heading', { name: 'Where does my complaint stand?' }).waitFor();
    await chooseLanguage(page, 'العربية');
    await page.getByRole('heading', { name: 'أين وصلت شكواي؟' }).waitFor();
    await expectAccessible(page);

    expect(await web.context.cookies()).toEqual([]);
    expect(await page.evaluate(() => localStorage.getItem('haven.language'))).toBeNull();
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
    const origin = new URL(web.baseUrl).origin;
    expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    const apiCalls = requests.map((url) => new URL(url).pathname).filter((path) => path.startsWith('/api/'));
    expect(apiCalls.length).toBeGreaterThan(0);
    expect(apiCalls.filter((path) => !path.startsWith('/api/public/allegations'))).toEqual([]);
    expect(web.pageErrors).toEqual([]);
  });

  it('offers a language as soon as its rights sheet is reviewed, with that sheet’s "How to complain" in it', async () => {
    const { page } = web;
    // The Tigrinya sheet as it will be once a native legal translator has reviewed it.
    let rewritten = false;
    await page.route('**/assets/ti-*.js', async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace(/\{status:`machine_or_unreviewed`,notice:`[^`]*`,noticeEnglish:`[^`]*`\}/, () => {
        rewritten = true;
        return '{status:`reviewed`,by:`a native legal translator`}';
      });
      await route.fulfill({ response, body });
    });
    await page.goto(`${web.baseUrl}/report`);
    await page.getByRole('heading', { name: 'Report a failure to assist', level: 1 }).waitFor();
    await page.getByTestId('report-language').getByRole('button').click();
    await page.getByRole('option', { name: 'ትግርኛ' }).click();
    const sheet = page.getByTestId('sheet-complaints');
    await sheet.waitFor();
    expect(rewritten).toBe(true);
    expect(await sheet.getAttribute('lang')).toBe('ti');
    expect(await sheet.getByRole('heading').innerText()).toBe('ከመይ ጌርኩም ከም እትጠርዑ');
    expect(await page.getByTestId('report-language').getByRole('button').innerText()).toContain('ትግርኛ');
    await expectAccessible(page);
    await page.unroute('**/assets/ti-*.js');
  });

  it('is linked from the sign-in page', async () => {
    const { page } = web;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${web.baseUrl}/sign-in`);
    await page.getByRole('heading', { name: 'Sign in to Haven' }).waitFor();
    await page.getByRole('link', { name: 'Report a failure to assist, without signing in' }).click();
    await page.waitForURL('**/report');
    await page.getByRole('heading', { name: 'Report a failure to assist', level: 1 }).waitFor();
  });

  it('lets every role report under their name from the app, and the oversight body reads both, the markup as text', async () => {
    const { page } = web;
    await web.signIn('responder.report');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Report a failure to assist' }).click();
    await page.getByRole('heading', { name: 'Report a failure to assist', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: 'What happened' }).fill(STAFF_REPORT);
    await expectAccessible(page);
    await saveScreenshot(page, 'staff-allegation-form');
    await page.getByRole('button', { name: 'Send the complaint' }).click();
    await page.getByRole('heading', { name: 'Your complaint was received' }).waitFor();
    expect((await page.getByTestId('receipt-code').innerText()).trim()).toMatch(RECEIPT);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');

    await web.signIn('ombudsman.report');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Complaints', exact: true }).click();
    await page.getByRole('heading', { name: 'Complaints of failure to assist' }).waitFor();
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    const anonymousRow = rows.filter({ hasText: 'patrol boat' });
    expect(await anonymousRow.innerText()).toContain('anonymously');
    expect(await anonymousRow.innerText()).toContain('<script>window.__pwned = 1</script>');
    expect(await rows.filter({ hasText: 'harbour refused water' }).innerText()).toContain('by a signed-in user');
    await anonymousRow.getByRole('link').click();
    await page.getByRole('heading', { name: 'Complaint of failure to assist', level: 1 }).waitFor();
    expect(await page.locator('main').innerText()).toContain(WHAT_HAPPENED);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(web.pageErrors).toEqual([]);
  });

  it('says in the page’s language that this connection sent too many, keeping what was typed', async () => {
    const { page } = web;
    // One complaint went from this address already; four more reach the hour's limit.
    for (let i = 1; i <= 4; i += 1) expect((await anonymous(web.server).post('/api/public/allegations', { description: `${STAFF_REPORT} Copy ${i}.` })).status).toBe(201);
    await page.goto(`${web.baseUrl}/report`);
    await chooseLanguage(page, 'Français');
    await page.getByRole('heading', { name: 'Signaler un manquement à l’assistance', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: 'Ce qui s’est passé' }).fill(WHAT_HAPPENED);
    await page.getByRole('button', { name: 'Envoyer la réclamation' }).click();
    expect(await page.getByRole('alert').innerText()).toBe('Trop de réclamations ont été envoyées depuis cette connexion. Réessayez dans une heure.');
    expect(await page.getByRole('textbox', { name: 'Ce qui s’est passé' }).inputValue()).toBe(WHAT_HAPPENED);
    await expectAccessible(page);
  });
});
