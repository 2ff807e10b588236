import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../../server/src/platform/auth/totp.js';
import { makeAgency, makeUser, sessionFor } from '../../../server/src/test-support/server.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, TEST_PASSWORD, type WebTest } from '../test-support/browser';

/** The phones of the people in the field: the narrowest common one and a current one. */
const PHONES = [
  { width: 360, height: 740 },
  { width: 390, height: 844 },
] as const;
/** WCAG 2.5.5 (AAA) and the platforms' own guidance: a finger, on a moving deck, needs this much. */
const TOUCH = 44;
const AREA = 'Southern coast';
const NEW_PASSWORD = 'a new password for the deck';

/**
 * What is wrong with the screen as laid out now, one line per defect: the page scrolling
 * sideways, a visible element past the viewport's edge (left or right, so Arabic is held to the
 * same), and a control smaller than a finger. Content inside a container that scrolls sideways
 * (a wide table) is seen by scrolling that container, so only the part of it shown counts; a
 * link inside a sentence takes the line's height (WCAG 2.5.8's inline exception).
 */
function layoutDefects(touch: number): string[] {
  const defects: string[] = [];
  const width = window.innerWidth;
  const name = (element: Element) => {
    const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
    const classes = typeof element.className === 'string' && element.className ? `.${element.className.trim().split(/\s+/).join('.')}` : '';
    return `${element.tagName.toLowerCase()}${classes}${text ? ` "${text}"` : ''}`;
  };
  if (document.documentElement.scrollWidth > width) defects.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in ${width} px`);
  /** The part of an element left visible by its ancestors that clip (scroll or hide) what overflows them. */
  const shown = (element: Element, rect: DOMRect) => {
    let left = rect.left;
    let right = rect.right;
    let top = rect.top;
    let bottom = rect.bottom;
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      const style = getComputedStyle(parent);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const box = parent.getBoundingClientRect();
      left = Math.max(left, box.left);
      right = Math.min(right, box.right);
      top = Math.max(top, box.top);
      bottom = Math.min(bottom, box.bottom);
    }
    return { left, right, width: right - left, height: bottom - top };
  };
  const visible = (element: Element) => {
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || style.display === 'contents') return undefined;
    const rect = element.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) return undefined;
    // Above the page (the skip link until it has the focus).
    if (rect.bottom + window.scrollY <= 0) return undefined;
    const part = shown(element, rect);
    return part.width < 2 || part.height < 2 ? undefined : { rect, part };
  };
  for (const element of document.body.querySelectorAll('*')) {
    const box = visible(element);
    if (!box) continue;
    if (box.part.right > width + 0.5) defects.push(`${name(element)} runs past the right edge: ${Math.round(box.part.right)} > ${width}`);
    if (box.part.left < -0.5) defects.push(`${name(element)} runs past the left edge: ${Math.round(box.part.left)} < 0`);
  }
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], label.choice-option, label.checkbox';
  for (const element of document.body.querySelectorAll(controls)) {
    const box = visible(element);
    if (!box) continue;
    const { rect } = box;
    if (element.tagName === 'A' && getComputedStyle(element).display === 'inline') {
      const sentence = (element.parentElement?.textContent ?? '').trim().length > (element.textContent ?? '').trim().length;
      if (sentence) continue;
    }
    if (rect.height < touch - 0.5) defects.push(`${name(element)} is ${Math.round(rect.height)} px high (< ${touch})`);
    if (rect.width < touch - 0.5) defects.push(`${name(element)} is ${Math.round(rect.width)} px wide (< ${touch})`);
  }
  return [...new Set(defects)];
}

/** The screen as it is now, at each phone size: no defect, and nothing axe calls serious. */
async function expectFitsPhones(page: Page, screen: string): Promise<void> {
  for (const phone of PHONES) {
    await page.setViewportSize(phone);
    // Two frames: the resize laid out and painted before measuring.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const defects = await page.evaluate(layoutDefects, TOUCH);
    // Soft: one run lists every screen's defects, not only the first screen's.
    expect.soft(defects, `${screen} at ${phone.width}×${phone.height}`).toEqual([]);
  }
  expect.soft(describeViolations(await seriousAccessibilityViolations(page)), screen).toBe('');
}

async function menu(page: Page) {
  return page.getByTestId('menu-button');
}

/** Opens the compact header's menu and follows one of its links, as a thumb would. */
async function go(page: Page, href: string): Promise<void> {
  await (await menu(page)).click();
  await page.locator(`nav#main-menu a[href="${href}"]`).click();
}

async function signOut(page: Page): Promise<void> {
  await (await menu(page)).click();
  await page.getByTestId('sign-out').click();
  await page.waitForURL('**/sign-in');
}

for (const locale of ['en-GB', 'ar'] as const) {
  const arabic = locale === 'ar';
  const shot = (name: string) => `phone-${name}${arabic ? '-arabic' : ''}`;

  describe(`the field's screens on a phone (${locale})`, () => {
    let web: WebTest;
    let referralId: string;

    beforeAll(async () => {
      web = await startWebTest({ locale });
      await web.page.setViewportSize(PHONES[0]);
      const { platform } = web.server;
      await platform.database.db.updateTable('agencies').set({ area: AREA }).where('id', '=', web.agencyId).execute();
      const clinic = await makeAgency(platform, 'Harbour Clinic', 'ngo');
      const admin = await sessionFor(web.server, await makeUser(platform, await makeAgency(platform, 'Ministry'), 'admin', 'admin.phone'));
      const provider = await admin.post('/api/directory/providers', { agencyId: clinic, name: 'Harbour Clinic', serviceTypes: ['health'], area: AREA, languages: ['en', 'ar'] });
      expect(provider.status, JSON.stringify(provider.body)).toBe(201);
      // A code of conduct in force: its acceptance is one of the sign-in steps measured below.
      expect((await admin.post('/api/admin/conduct', { text: 'Standards of conduct for officials: do no harm, share only what the person agreed to.' })).status).toBe(201);

      // The user's name is long on purpose: on the issue's phone it wrapped over five lines.
      const responderId = await makeUser(platform, web.agencyId, 'first_responder', 'responder.phone');
      await platform.database.db.updateTable('users').set({ display_name: 'Maria Fernanda Castellanos-Villanueva' }).where('id', '=', responderId).execute();
      const officerId = await web.makeUser('protection_officer', 'officer.phone');
      await web.makeUser('service_provider', 'clinic.phone', clinic);
      const officer = await sessionFor(web.server, officerId);
      const boat = await officer.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: new Date(web.server.clock.now().getTime() - 3_600_000).toISOString(), place: { name: 'Southern coast, sector 4' } });
      expect(boat.status, JSON.stringify(boat.body)).toBe(201);
      const registered = await officer.post(`/api/encounters/${boat.body.id}/persons`, {
        persons: [{ givenName: 'Nadia', familyName: 'Abdelrahman Osman', sex: 'female', ageClaimed: 15, nationality: 'SD', languages: ['ar'], accompaniment: 'unaccompanied', indicators: ['medical_emergency'], phone: '+39 320 555 0142' }],
      });
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
      const nadia = registered.body.persons[0].id;
      const consent = await officer.post(`/api/persons/${nadia}/consents`, { recipientAgencyId: clinic, purpose: 'health', status: 'given', language: 'ar', interpreter: true });
      expect(consent.status, JSON.stringify(consent.body)).toBe(201);
      const draft = await officer.post('/api/referrals', { personId: nadia, providerId: provider.body.id, service: 'health', consentId: consent.body.id });
      expect(draft.status, JSON.stringify(draft.body)).toBe(201);
      const sent = await officer.post(`/api/referrals/${draft.body.id}/send`, { version: draft.body.version });
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
      referralId = draft.body.id;
      // The first responder is asked for a new password at the first sign-in, as a new account is.
      await platform.database.db.updateTable('users').set({ must_change_password: 1 }).where('id', '=', responderId).execute();
    });
    afterAll(() => web?.close());

    it('walks every sign-in step on a phone: password, second factor, recovery codes, new password, code of conduct', async () => {
      const { page } = web;
      await page.goto(`${web.baseUrl}/sign-in`);
      await page.locator('input[name=username]').waitFor();
      await expectFitsPhones(page, 'sign-in');
      if (!arabic) await saveScreenshot(page, shot('sign-in'), { fullPage: false });
      await page.locator('input[name=username]').fill('responder.phone');
      await page.locator('input[name=password]').fill(TEST_PASSWORD);
      await page.locator('form button[type=submit]').click();
      const secret = page.getByTestId('totp-secret');
      await secret.waitFor();
      await expectFitsPhones(page, 'second-factor enrolment');
      await page.locator('input[name=code]').fill(totpCode((await secret.innerText()).replace(/\s+/g, ''), web.server.clock.now()));
      await page.locator('form button[type=submit]').click();
      await page.locator('.recovery-codes').waitFor();
      await expectFitsPhones(page, 'recovery codes');
      await page.locator('section[aria-labelledby=recovery-title] button').click();
      await page.locator('input[name=newPassword]').waitFor();
      await expectFitsPhones(page, 'new password');
      await page.locator('input[name=newPassword]').fill(NEW_PASSWORD);
      await page.locator('input[name=repeat]').fill(NEW_PASSWORD);
      await page.locator('form button[type=submit]').click();
      const conduct = page.locator('section[aria-labelledby=conduct-title] button');
      await conduct.waitFor();
      await expectFitsPhones(page, 'code of conduct');
      await conduct.click();
      await page.locator('main#main.content').waitFor();
      await expectFitsPhones(page, 'home');
    });

    it('shows a compact header whose menu holds the navigation, the user and sign-out', async () => {
      const { page } = web;
      const button = await menu(page);
      const header = (await page.locator('header.topbar').boundingBox())!;
      // One line: on the issue's phone the header took a third of the screen.
      expect(header.height).toBeLessThanOrEqual(96);
      // The content starts right below the header: no empty band in between.
      const main = (await page.locator('main#main').boundingBox())!;
      expect(main.y - (header.y + header.height)).toBeLessThanOrEqual(1);
      expect(await page.locator('nav#main-menu a[href="/first-response"]').isVisible()).toBe(false);
      expect(await button.getAttribute('aria-expanded')).toBe('false');
      await button.click();
      expect(await button.getAttribute('aria-expanded')).toBe('true');
      // The focus moves into the menu, on its first link.
      await expect.poll(() => page.evaluate(() => document.activeElement?.closest('#main-menu') !== null)).toBe(true);
      expect(await page.getByTestId('menu-user').innerText()).toContain('Maria Fernanda Castellanos-Villanueva');
      expect(await page.getByTestId('sign-out').isVisible()).toBe(true);
      await expectFitsPhones(page, 'the menu open');
      if (!arabic) await saveScreenshot(page, shot('menu'), { fullPage: false });
      // The language list opened from the menu closes on its own Escape, and leaves the menu open.
      await page.locator('#main-menu .language-switcher button').click();
      await page.getByRole('listbox').waitFor();
      await page.keyboard.press('Escape');
      await page.getByRole('listbox').waitFor({ state: 'detached' });
      expect(await button.getAttribute('aria-expanded')).toBe('true');
      // Escape closes it and gives the focus back to the button.
      await page.keyboard.press('Escape');
      expect(await button.getAttribute('aria-expanded')).toBe('false');
      expect(await page.locator('nav#main-menu a[href="/first-response"]').isVisible()).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('menu-button');
      // A press on the screen below closes it.
      await button.click();
      await page.locator('main#main h1').click();
      expect(await button.getAttribute('aria-expanded')).toBe('false');
      // Following a link closes it too, and the focus goes on to the screen it opened.
      await go(page, '/first-response');
      await page.locator('input[name=placeName]').waitFor();
      expect(await button.getAttribute('aria-expanded')).toBe('false');
      expect(await page.evaluate(() => document.activeElement?.closest('#main-menu') ?? null)).toBeNull();
    });

    it("fits every first responder's screen: encounters, registration with one hand, triage, offline, sync, rights sheets, notifications, unlock", async () => {
      const { page } = web;
      await expectFitsPhones(page, 'encounters');
      await page.locator('input[name=placeName]').fill(arabic ? 'الساحل الجنوبي، القطاع 4' : 'Southern coast, sector 4, night');
      await page.locator('form[aria-labelledby=new-encounter] button[type=submit]').click();
      const form = page.getByTestId('registration-form');
      await form.waitFor();
      // Ages open the numeric keyboard.
      expect(await page.locator('input[name=ageClaimed]').getAttribute('inputmode')).toBe('numeric');
      await expectFitsPhones(page, 'registration');
      // One column: each input takes the form's whole width, the given name above the family name.
      const given = (await page.locator('input[name=givenName]').boundingBox())!;
      const family = (await page.locator('input[name=familyName]').boundingBox())!;
      expect(family.y).toBeGreaterThan(given.y + given.height);
      // The primary action stays at the bottom of the screen, within the thumb's reach, wherever the form is scrolled.
      const submit = page.getByTestId('register-person');
      const viewport = page.viewportSize()!;
      const box = (await submit.boundingBox())!;
      expect(box.y + box.height).toBeGreaterThan(viewport.height - 100);
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
      await saveScreenshot(page, shot('registration'), { fullPage: false });
      // With the thumb: each choice is pressed where it shows, scrolled to as a user would.
      const choose = (name: string, value: string) => page.locator('label.choice-option', { has: page.locator(`input[name=${name}][value=${value}]`) }).click();
      await page.locator('input[name=givenName]').fill(arabic ? 'أميرة' : 'Amira');
      await page.locator('input[name=familyName]').fill(arabic ? 'حسن' : 'Hassan');
      await choose('sex', 'female');
      await page.locator('input[name=ageClaimed]').fill('15');
      await choose('accompaniment', 'unaccompanied');
      // Urgent needs are boxes to tick, several at once; the finger presses the label.
      await page.locator('label.checkbox', { has: page.locator('input[name=urgent][value=medical_emergency]') }).click();
      await submit.click();
      await expect.poll(() => page.getByTestId('registered-persons').getAttribute('data-count')).toBe('1');
      await page.getByTestId('triage').locator('li').first().waitFor({ timeout: 30_000 });
      await expectFitsPhones(page, 'registered and triage');
      // Offline, the header says so in a pill that stands out, still on one line.
      await web.context.setOffline(true);
      await expect.poll(() => page.getByTestId('connectivity').getAttribute('class')).toContain('is-offline');
      await expectFitsPhones(page, 'registration, offline');
      expect((await page.locator('header.topbar').boundingBox())!.height).toBeLessThanOrEqual(96);
      await web.context.setOffline(false);
      await expect.poll(() => page.getByTestId('connectivity').getAttribute('class')).toContain('is-online');
      await page.getByTestId('pending-changes').click();
      await page.waitForURL('**/sync');
      await page.locator('main#main h1').waitFor();
      await expectFitsPhones(page, 'sync');
      await go(page, '/rights');
      await page.locator('article.rights-sheet').waitFor({ timeout: 60_000 });
      await expectFitsPhones(page, 'rights sheets');
      await go(page, '/notifications');
      await page.locator('main#main h1').waitFor();
      await expectFitsPhones(page, 'notifications');
      // A reload locks the device's data again: the password unlocks it, on a phone too.
      await page.goto(`${web.baseUrl}/sync`);
      const unlock = page.locator('form[aria-labelledby=unlock-title]');
      await unlock.waitFor();
      await expectFitsPhones(page, 'unlock');
      await page.locator('input[name=password]').fill(NEW_PASSWORD);
      await unlock.locator('button[type=submit]').click();
      await unlock.waitFor({ state: 'detached' });
      await signOut(page);
    });

    it('fits the case list and the case page', async () => {
      const { page } = web;
      await web.signIn('officer.phone');
      await go(page, '/cases');
      await page.getByTestId('case-list').waitFor({ timeout: 60_000 });
      await expectFitsPhones(page, 'case list');
      await page.getByRole('link', { name: 'Nadia Abdelrahman Osman' }).click();
      await page.getByTestId('person-facts').waitFor();
      await page.getByTestId('obligations').locator('li').first().waitFor();
      await expectFitsPhones(page, 'case page');
      if (!arabic) await saveScreenshot(page, shot('case-page'), { fullPage: false });
      // Every folded form opened: the screening, the case change, assistance, the guarded action.
      await page.evaluate(() => document.querySelectorAll('details').forEach((details) => (details.open = true)));
      await expectFitsPhones(page, 'case page, every form open');
      await signOut(page);
    });

    it('fits the referral inbox and a referral', async () => {
      const { page } = web;
      await web.signIn('clinic.phone');
      await go(page, '/referrals/inbox');
      await page.getByTestId('inbox').waitFor({ timeout: 60_000 });
      // The provider's home is the inbox: the menu's link to it, the screen already shown, closed the menu too.
      expect(await page.getByTestId('menu-button').getAttribute('aria-expanded')).toBe('false');
      await expectFitsPhones(page, 'referral inbox');
      // Every value of a referral in view, not in columns scrolled off the screen: its deadline above all.
      const width = page.viewportSize()!.width;
      for (const cell of await page.getByTestId('inbox').locator('tbody tr').first().locator('th, td').all()) {
        const box = (await cell.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(width);
      }
      if (!arabic) await saveScreenshot(page, shot('referrals-inbox'), { fullPage: false });
      await page.locator(`a[href="/referrals/${referralId}"]`).click();
      await page.getByTestId('referral-facts').waitFor();
      await expectFitsPhones(page, 'referral');
    });

    it('ran without a console error or a Content-Security-Policy violation', () => {
      expect(web.pageErrors).toEqual([]);
    });
  });
}
