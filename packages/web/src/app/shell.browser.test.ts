import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../test-support/browser';

describe('the app shell in Chromium', () => {
  let web: WebTest;
  beforeAll(async () => {
    web = await startWebTest();
    await web.makeUser('admin', 'admin.shell');
  });
  afterAll(() => web?.close());

  it('sends a visitor to sign in, with a page that passes axe', async () => {
    const { page } = web;
    await page.goto(`${web.baseUrl}/`);
    await page.waitForURL('**/sign-in');
    await page.locator('input[name=username]').waitFor();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'sign-in');
  });

  it('signs in with password and a newly enrolled second factor, and shows status and navigation', async () => {
    const { page } = web;
    await web.signIn('admin.shell');
    await expect.poll(() => page.getByTestId('connectivity-state').innerText()).toBe('Online');
    expect(await page.getByTestId('pending-changes').getAttribute('data-count')).toBe('0');
    // An administrator starts on their worklist: the users, with access changes waiting on top.
    await page.waitForURL('**/admin/users');
    expect(await page.locator('header .who').innerText()).toContain('admin.shell');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
  });

  it('opens a client route by its address, from the server, as the app', async () => {
    const { page } = web;
    await page.goto(`${web.baseUrl}/no/such/screen`);
    await page.locator('main#main').waitFor();
    expect(await page.locator('h1').innerText()).toBe('This page does not exist.');
  });

  it('mirrors the whole layout in Arabic, not only the text', async () => {
    const { page } = web;
    await page.goto(`${web.baseUrl}/`);
    const navBefore = (await page.locator('nav.sidenav').boundingBox())!;
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'العربية' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');
    expect(await page.getByTestId('connectivity-state').innerText()).toBe('متصل');
    const navAfter = (await page.locator('nav.sidenav').boundingBox())!;
    const main = (await page.locator('main#main').boundingBox())!;
    // The navigation moves from the left edge to the right edge; the content is now on its left.
    expect(navBefore.x).toBe(0);
    expect(navAfter.x + navAfter.width).toBeCloseTo(page.viewportSize()!.width, 0);
    expect(main.x).toBeLessThan(navAfter.x);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'home-arabic');
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('ltr');
  });

  it('keeps the API answering problem+json for unknown paths, and serves hashed files for a year', async () => {
    const api = await fetch(`${web.baseUrl}/api/no-such-route`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    const html = await (await fetch(`${web.baseUrl}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${web.baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const worker = await fetch(`${web.baseUrl}/sw.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${web.baseUrl}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${web.baseUrl}/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('sends the next person to sign in to home after a sign-out, not to the page the last user had open', async () => {
    const { page } = web;
    await page.goto(`${web.baseUrl}/admin/users`);
    await page.locator('main#main.content').waitFor();
    await page.locator('header.topbar button', { hasText: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    await page.locator('input[name=username]').waitFor();
    // react-router keeps a location's state in history.state.usr: a lapsed session leaves `from` there.
    expect(await page.evaluate(() => (window.history.state as { usr?: unknown } | null)?.usr ?? null)).toBeNull();
  });

  it('ran without a console error or a Content-Security-Policy violation', () => {
    expect(web.pageErrors).toEqual([]);
  });
});
