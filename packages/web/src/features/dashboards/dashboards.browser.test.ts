import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticWorld } from '../../../../server/src/features/stats/test-support/world.js';
import { describeViolations, saveScreenshot, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

describe('the indicators dashboard in Chromium', () => {
  let web: WebTest;
  beforeAll(async () => {
    web = await startWebTest();
    await syntheticWorld(web.server.platform, 800, 3);
    await web.makeUser('coordinator', 'coordinator.dash');
    await web.signIn('coordinator.dash');
  });
  afterAll(() => web?.close());

  it('draws the suppressed indicators with a table beside each chart, and passes axe', async () => {
    const { page } = web;
    await page.goto(`${web.baseUrl}/dashboards`);
    await page.getByRole('heading', { name: 'Arrivals by age and sex' }).waitFor();
    expect(await page.locator('.dashboard-chart svg').count()).toBeGreaterThan(3);
    // Every figure has its numbers as a captioned table; a hidden value is said in words, never shown as a number.
    const tables = page.locator('.dashboard-table table');
    expect(await tables.count()).toBe(await page.locator('.dashboard-figure .dashboard-chart').count());
    await page.locator('.dashboard-table summary').first().click();
    const cells = await page.locator('.dashboard-table td').allInnerTexts();
    for (const text of cells) {
      const value = Number(text.replace(/[^\d.]/g, ''));
      if (/^\d/.test(text) && !text.includes('%') && !text.includes('h')) expect(value === 0 || value >= 11).toBe(true);
    }
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'dashboards');
  });

  it('names every row and column in words: obligation titles, months, types of encounter, never a code', async () => {
    const { page } = web;
    const figure = (id: string) => page.locator(`figure[data-figure="${id}"]`);
    const inTime = figure('obligations_share_fulfilled_in_time');
    const rows = await inTime.locator('tbody th').allTextContents();
    expect(rows).toContain('Information on rights in a language understood');
    // A standing protection has no deadline: it is not in the deadline measures, and the chart says so.
    expect(rows).not.toContain('Non-refoulement (no return to danger)');
    expect(await inTime.locator('.dashboard-about').innerText()).toContain('Standing protections (such as non-refoulement), which have no deadline, are left out.');
    // At least one published share (a number, not the dash of a hidden value) for a titled row.
    const published = await inTime.locator('tbody tr').evaluateAll((trs) => trs.filter((tr) => /\d/.test(tr.querySelector('td')?.textContent ?? '')).length);
    expect(published).toBeGreaterThan(0);
    const months = figure('arrivals_by_month_and_encounter_type');
    expect(await months.locator('tbody th').allTextContents()).toContain('January 2026');
    expect(await months.locator('thead th').allTextContents()).toContain('Rescue at sea');
    expect(await months.locator('.dashboard-about').innerText()).toMatch(/^Each bar is a month/);
    // No label anywhere is a code with its dots or underscores turned into spaces.
    const labels = await page.locator('.dashboard-table th, .recharts-cartesian-axis-tick-value, .recharts-legend-item-text').allTextContents();
    for (const code of ['info rights', 'life emergency care', 'rescue at sea', 'fulfilled in time', 'value']) expect(labels).not.toContain(code);
    // The filter is a row of labelled fields at the page's start, not a column pushed to one side.
    const from = await page.locator('#dashboard-from').boundingBox();
    const type = await page.locator('#dashboard-encounterType').boundingBox();
    expect(Math.abs(from!.y - type!.y)).toBeLessThan(4);
    expect(from!.x).toBeLessThan(400);
  });

  it('narrows to one type of encounter', async () => {
    const { page } = web;
    await page.locator('#dashboard-encounterType').selectOption('rescue_at_sea');
    const answer = page.waitForResponse((response) => response.url().includes('/api/stats/indicators?encounterType=rescue_at_sea'));
    await page.getByRole('button', { name: 'Show' }).click();
    expect((await answer).status()).toBe(200);
  });

  it('exports a CSV in the background, showing its progress', async () => {
    const { page } = web;
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'CSV (with HXL hashtags)' }).click();
    await page.locator('#dashboard-export-bar').waitFor();
    expect((await download).suggestedFilename()).toMatch(/^haven-indicators-.*\.csv$/);
    await expect.poll(() => page.locator('.dashboard-export-progress label').innerText()).toContain('Ready');
  });

  it('mirrors the charts in Arabic', async () => {
    const { page } = web;
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'العربية' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
    await page.getByRole('heading', { name: 'المؤشرات', level: 1 }).waitFor();
    const inTime = page.locator('figure[data-figure="obligations_share_fulfilled_in_time"]');
    await inTime.getByRole('heading', { name: 'الالتزامات المنجزة قبل موعدها (%)' }).waitFor();
    expect(await inTime.locator('tbody th').allTextContents()).toContain('معلومات عن الحقوق بلغة مفهومة');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'dashboards-arabic');
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'English' }).click();
  });

  it('ran without a console error or a Content-Security-Policy violation', () => {
    expect(web.pageErrors.join('\n')).toBe('');
  });
});
