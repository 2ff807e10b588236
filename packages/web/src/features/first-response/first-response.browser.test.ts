import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionFor, type Caller } from '../../../../server/src/test-support/server.js';
import { describeViolations, expectFormDoesNotWait, saveScreenshot, seriousAccessibilityViolations, startWebTest, submitRegistration, TEST_PASSWORD, type WebTest } from '../../test-support/browser';

interface Person {
  givenName: string;
  familyName: string;
  sex: 'female' | 'male' | 'unknown';
  age: string;
  accompaniment: 'adult' | 'with_family' | 'unaccompanied' | 'separated';
  /** Every urgent need ticked. */
  urgent: ('medical_emergency' | 'pregnant' | 'injured' | 'fear_of_return')[];
}

const BOAT: Person[] = [
  { givenName: 'Amina', familyName: 'Yusuf', sex: 'female', age: '16', accompaniment: 'unaccompanied', urgent: ['fear_of_return'] },
  { givenName: 'Samir', familyName: 'Haddad', sex: 'male', age: '34', accompaniment: 'adult', urgent: [] },
  { givenName: 'Hawa', familyName: 'Ali', sex: 'female', age: '25', accompaniment: 'with_family', urgent: ['pregnant'] },
];

async function newEncounter(page: Page, place: string): Promise<string> {
  await page.locator('input[name=placeName]').fill(place);
  await page.locator('form[aria-labelledby=new-encounter] button[type=submit]').click();
  await page.getByTestId('registration-form').waitFor();
  return page.url().split('/').pop()!;
}

/** A registration request of the outbox (it asks for likely duplicates: `?duplicates=true`). */
const REGISTRATIONS = /\/api\/encounters\/[^/]+\/persons(\?|$)/;

/** Registers one person and returns the time from submit to the next empty, focused form. */
async function register(page: Page, person: Person): Promise<number> {
  await page.locator('input[name=givenName]').fill(person.givenName);
  await page.locator('input[name=familyName]').fill(person.familyName);
  await page.locator(`input[name=sex][value=${person.sex}]`).check({ force: true });
  await page.locator('input[name=ageClaimed]').fill(person.age);
  await page.locator(`input[name=accompaniment][value=${person.accompaniment}]`).check({ force: true });
  // Through its label, as a finger does: the box itself is drawn, its input hidden.
  for (const need of person.urgent) await page.locator('label.checkbox', { has: page.locator(`input[name=urgent][value=${need}]`) }).click();
  return submitRegistration(page);
}

async function pendingChanges(page: Page): Promise<number> {
  return Number(await page.getByTestId('pending-changes').getAttribute('data-count'));
}

async function encountersAt(caller: Caller, place: string): Promise<{ id: string; registeredPersons: number }[]> {
  const answer = await caller.get('/api/encounters?limit=100');
  return answer.body.items.filter((encounter: { place: { name: string } }) => encounter.place.name === place);
}

describe('a first responder registers a boat with no network', () => {
  let web: WebTest;
  let api: Caller;
  beforeAll(async () => {
    web = await startWebTest();
    const userId = await web.makeUser('first_responder', 'fr.quay');
    api = await sessionFor(web.server, userId);
    await web.signIn('fr.quay');
    // Within the app: a full page load would lock the device's data again (the key lives in memory).
    await web.page.locator('nav a[href="/first-response"]').click();
    await web.page.locator('input[name=placeName]').waitFor();
    // The service worker has cached the app shell and every screen before the network goes.
    await web.page.waitForFunction(() => navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller !== null));
  });
  afterAll(() => web?.close());

  it('registers an encounter and three persons offline, each next form ready without waiting for the network', async () => {
    const { page, context } = web;
    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('connectivity-state').innerText()).toBe('Offline');
    await newEncounter(page, 'Quay 4, night');
    const timings: number[] = [];
    for (const person of BOAT) timings.push(await register(page, person));
    console.log(`offline registration, submit to next empty form: ${timings.join(' ms, ')} ms`);
    expectFormDoesNotWait(timings);
    expect(await pendingChanges(page)).toBe(4);
    const rows = page.getByTestId('registered-persons').locator('tbody tr');
    expect(await rows.count()).toBe(3);
    // The latest first, each marked as waiting.
    expect(await rows.first().innerText()).toContain('Hawa');
    expect((await rows.allInnerTexts()).every((row) => row.includes('Waiting to sync'))).toBe(true);
    expect(await page.getByTestId('registered-waiting').innerText()).toBe('Waiting to sync: 3');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'first-response-offline-registration');
    // Nothing has reached the server.
    expect(await encountersAt(api, 'Quay 4, night')).toEqual([]);
  });

  it('syncs when the network returns, and a lost answer retried creates no duplicate', async () => {
    const { page, context } = web;
    let registrationCalls = 0;
    // The first registration request reaches the server, but its answer never reaches the app.
    await page.route(REGISTRATIONS, async (route) => {
      registrationCalls += 1;
      const response = await route.fetch();
      if (registrationCalls === 1) await route.abort('connectionreset');
      else await route.fulfill({ response });
    });
    await context.setOffline(false);
    await expect.poll(() => pendingChanges(page), { timeout: 30_000 }).toBe(0);
    await page.unroute(REGISTRATIONS);
    expect(registrationCalls).toBe(2);
    const [encounter, ...others] = await encountersAt(api, 'Quay 4, night');
    expect(others).toEqual([]);
    expect(encounter!.registeredPersons).toBe(3);
    // The screen marks the persons the sync sent, without being opened again.
    const rows = page.getByTestId('registered-persons').locator('tbody tr');
    await expect.poll(async () => (await rows.allInnerTexts()).filter((row) => row.includes('Synced')).length, { timeout: 10_000 }).toBe(3);
    expect(await page.getByTestId('registered-waiting').count()).toBe(0);
    // Triage from the server: the unaccompanied child first.
    await page.getByTestId('triage').locator('li').nth(2).waitFor();
    expect(await page.getByTestId('triage').locator('li').first().innerText()).toContain('Amina');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'first-response-triage');
  });

  it('marks every urgent need of a person at once; triage shows every category they fall in, the counts what was entered, and a name opens the case', async () => {
    const { page } = web;
    await page.locator('nav a[href="/first-response"]').click();
    await page.locator('input[name=peopleOnBoard]').fill('3');
    await newEncounter(page, 'Slipway 5');
    const girl: Person = { givenName: 'Salma', familyName: 'Idris', sex: 'female', age: '15', accompaniment: 'unaccompanied', urgent: ['medical_emergency', 'fear_of_return'] };
    const man: Person = { givenName: 'Omar', familyName: 'Said', sex: 'male', age: '40', accompaniment: 'adult', urgent: ['medical_emergency'] };
    for (const person of [man, girl, BOAT[1]!]) await register(page, person);
    await expect.poll(() => pendingChanges(page), { timeout: 30_000 }).toBe(0);
    const [encounter] = await encountersAt(api, 'Slipway 5');
    const triage = (await api.get(`/api/encounters/${encounter!.id}/triage`)).body as { givenName: string; categories: string[] }[];
    expect(triage.find((entry) => entry.givenName === 'Salma')!.categories).toEqual(['medical_emergency', 'unaccompanied_child']);
    // On screen: the girl first (two urgent categories), each category named.
    const first = page.getByTestId('triage').locator('li').first();
    await expect.poll(() => first.innerText(), { timeout: 10_000 }).toContain('Salma');
    expect(await first.innerText()).toContain('Medical emergency');
    expect(await first.innerText()).toContain('Unaccompanied child');
    const count = (key: string) => page.getByTestId('encounter-counts').locator(`[data-count=${key}] dd`).innerText();
    expect(await count('onBoard')).toBe('3');
    await expect.poll(() => count('registered')).toBe('3');
    expect(await count('medical_emergency')).toBe('2');
    expect(await count('unaccompanied_child')).toBe('1');
    expect(await count('other')).toBe('1');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await first.getByRole('link', { name: 'Salma Idris' }).click();
    await page.getByTestId('todo').waitFor();
    await page.getByRole('heading', { name: 'Salma Idris', level: 1 }).waitFor();
    await page.getByTestId('todo-item').first().waitFor();
    expect(await page.getByTestId('todo-item').first().getAttribute('data-code')).toBe('life.emergency_care');
  });

  it('keeps the outbox through a reload in the middle of a sync', async () => {
    const { page, context } = web;
    await page.locator('nav a[href="/first-response"]').click();
    await context.setOffline(true);
    await newEncounter(page, 'Beach 2');
    for (const person of BOAT) await register(page, person);
    // The registration reaches the server; the page is reloaded before it hears back.
    let reached!: () => void;
    const reachedServer = new Promise<void>((resolve) => (reached = resolve));
    // Every registration request, before and after the reload, must be the same one: same key.
    const keys: string[] = [];
    const sent = (request: Request) => {
      if (REGISTRATIONS.test(request.url())) keys.push(request.headers()['idempotency-key'] ?? 'none');
    };
    page.on('request', sent);
    await page.route(REGISTRATIONS, async (route) => {
      await route.fetch();
      reached();
    });
    await context.setOffline(false);
    await reachedServer;
    // Reloaded with the route still held: removing it first would let the held request go on to
    // the server and finish the sync before the reload, and nothing would be left to resume.
    await page.reload();
    await page.unroute(REGISTRATIONS);
    // The key stayed on no disk: after a reload the user unlocks with the password, then sync resumes.
    await page.goto(`${web.baseUrl}/sync`);
    await page.locator('input[name=password]').fill(TEST_PASSWORD);
    await page.locator('form[aria-labelledby=unlock-title] button[type=submit]').click();
    await expect.poll(() => pendingChanges(page), { timeout: 30_000 }).toBe(0);
    page.off('request', sent);
    // Once before the reload, once after it: the very same request.
    expect(keys.length).toBe(2);
    expect(new Set(keys).size).toBe(1);
    const [encounter, ...others] = await encountersAt(api, 'Beach 2');
    expect(others).toEqual([]);
    expect(encounter!.registeredPersons).toBe(3);
    // The replayed answer is the one stored before the duplicates were searched: the outbox asks
    // for each person's afterwards, so the three registered again (same names as at Quay 4) are flagged.
    await page.locator('nav a[href="/first-response"]').click();
    await page.locator('a.tile', { hasText: 'Beach 2' }).click();
    await expect.poll(() => page.getByTestId('duplicate-notices').getAttribute('data-count'), { timeout: 10_000 }).toBe('3');
    expect(await page.getByTestId('duplicate-notice').first().getByTestId('duplicate-reasons').first().innerText()).toContain('same');
  });

  it('keeps the outbox through a server restart in the middle of a sync', async () => {
    const { page, context } = web;
    await page.locator('nav a[href="/first-response"]').click();
    await context.setOffline(true);
    await newEncounter(page, 'Harbour 7');
    for (const person of BOAT) await register(page, person);
    let restarted = false;
    await page.route(REGISTRATIONS, async (route) => {
      if (restarted) return route.continue();
      await route.fetch();
      restarted = true;
      await web.restartServer();
      await route.abort('connectionreset');
    });
    await context.setOffline(false);
    await expect.poll(() => pendingChanges(page), { timeout: 30_000 }).toBe(0);
    await page.unroute(REGISTRATIONS);
    expect(restarted).toBe(true);
    const [encounter, ...others] = await encountersAt(api, 'Harbour 7');
    expect(others).toEqual([]);
    expect(encounter!.registeredPersons).toBe(3);
  });

  it('runs the same registration in Arabic, with the layout mirrored', async () => {
    const { page, context } = web;
    await page.locator('.language-switcher button').click();
    await page.getByRole('option', { name: 'العربية' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
    await page.locator('nav a[href="/first-response"]').click();
    await context.setOffline(true);
    await newEncounter(page, 'ميناء 3');
    const timings: number[] = [];
    for (const person of [
      { ...BOAT[0]!, givenName: 'أمينة', familyName: 'يوسف' },
      { ...BOAT[1]!, givenName: 'سمير', familyName: 'حداد' },
      { ...BOAT[2]!, givenName: 'حواء', familyName: 'علي' },
    ])
      timings.push(await register(page, person));
    console.log(`offline registration in Arabic: ${timings.join(' ms, ')} ms`);
    expectFormDoesNotWait(timings);
    expect(await page.getByTestId('connectivity-state').innerText()).toBe('غير متصل');
    // Mirrored, not only right-aligned: navigation at the right edge, content to its left, and
    // within the form the first field of a row on the right.
    const viewport = page.viewportSize()!.width;
    const nav = (await page.locator('nav.sidenav').boundingBox())!;
    const main = (await page.locator('main#main').boundingBox())!;
    expect(nav.x + nav.width).toBeCloseTo(viewport, 0);
    expect(main.x).toBeLessThan(nav.x);
    const given = (await page.locator('input[name=givenName]').boundingBox())!;
    const family = (await page.locator('input[name=familyName]').boundingBox())!;
    expect(given.x).toBeGreaterThan(family.x);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'first-response-arabic');
    await context.setOffline(false);
    await expect.poll(() => pendingChanges(page), { timeout: 30_000 }).toBe(0);
    const [encounter, ...others] = await encountersAt(api, 'ميناء 3');
    expect(others).toEqual([]);
    expect(encounter!.registeredPersons).toBe(3);
  });

  it('shows a correction made offline on a record changed meanwhile as a conflict, and applies it only when the user says so', async () => {
    const { page, context } = web;
    await page.locator('nav a[href="/first-response"]').click();
    await newEncounter(page, 'Pier 9');
    await page.getByTestId('counts-form').waitFor({ timeout: 30_000 });
    const { id } = (await encountersAt(api, 'Pier 9'))[0]!;
    await context.setOffline(true);
    await page.locator('input[name=dead]').fill('2');
    await page.locator('input[name=missing]').fill('5');
    await page.getByTestId('counts-form').locator('button[type=submit]').click();
    // Meanwhile, at the office, someone corrects the same encounter.
    expect((await api.patch(`/api/encounters/${id}`, { version: 1, missing: 3 })).status).toBe(200);
    await context.setOffline(false);
    await page.getByTestId('pending-changes').click();
    const conflict = page.locator('[data-testid=outbox-item][data-state=conflict]');
    await conflict.waitFor({ timeout: 30_000 });
    // Not overwritten: the server still has the office's figure.
    expect((await api.get(`/api/encounters/${id}`)).body).toMatchObject({ missing: 3, dead: 0, version: 2 });
    expect(await pendingChanges(page)).toBe(1);
    expect(await conflict.getByTestId('my-change').innerText()).toContain('missing = 5');
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await saveScreenshot(page, 'sync-conflict');
    await conflict.locator('button').first().click();
    await expect.poll(() => pendingChanges(page), { timeout: 30_000 }).toBe(0);
    expect((await api.get(`/api/encounters/${id}`)).body).toMatchObject({ missing: 5, dead: 2, version: 3 });
  });

  it('opens with no network after a reload, once the password unlocks the device', async () => {
    const { page, context } = web;
    await context.setOffline(true);
    // The service worker serves the app; the server cannot be asked, so the device asks for the password.
    await page.reload();
    const unlock = page.locator('form[aria-labelledby=unlock-title]');
    await unlock.locator('input[name=username]').fill('fr.quay');
    await unlock.locator('input[name=password]').fill('not-the-password');
    await unlock.locator('button[type=submit]').click();
    await unlock.getByRole('alert').waitFor();
    await unlock.locator('input[name=password]').fill(TEST_PASSWORD);
    await unlock.locator('button[type=submit]').click();
    await page.locator('main#main.content').waitFor();
    expect(await page.getByTestId('connectivity-state').innerText()).toBe('غير متصل');
    await page.locator('nav a[href="/first-response"]').click();
    await page.locator('input[name=placeName]').waitFor();
    await context.setOffline(false);
  });

  it('lists only the latest of a large boat, with the rest a press away, and marks them as they sync', async () => {
    // The app is in Arabic since the tests before: what is checked here does not depend on it.
    const { page, context } = web;
    await context.setOffline(true);
    await newEncounter(page, 'Quay 9, large boat');
    const count = 26;
    for (let i = 1; i <= count; i += 1) {
      await page.locator('input[name=givenName]').fill(`Person${i}`);
      await page.getByTestId('register-person').click();
      await page.locator(`[data-testid=registered-persons][data-count="${i}"]`).waitFor();
    }
    const rows = page.getByTestId('registered-persons').locator('tbody tr');
    expect(await rows.count()).toBe(25);
    expect(await rows.first().innerText()).toContain(`Person${count}`);
    const shown = await page.locator('#registered-shown').innerText();
    expect(shown).toContain('25');
    expect(shown).toContain('26');
    const waiting = await rows.first().locator('td').last().innerText();
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
    await page.getByTestId('registered-more').click();
    await expect.poll(() => rows.count()).toBe(count);
    expect(await rows.last().innerText()).toMatch(/^Person1\s/);
    expect(await page.getByTestId('registered-more').count()).toBe(0);
    await context.setOffline(false);
    await expect.poll(() => pendingChanges(page), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('registered-waiting').count(), { timeout: 10_000 }).toBe(0);
    const states = await rows.locator('td:last-child').allInnerTexts();
    expect(states).toHaveLength(count);
    expect(new Set(states).size).toBe(1);
    expect(states[0]).not.toBe(waiting);
  });

  it('keeps nothing personal in clear on the device', async () => {
    const stored = (await web.page.evaluate(`(async () => {
      const db = await new Promise((resolve, reject) => { const r = indexedDB.open('haven-offline'); r.onsuccess = () => resolve(r.result); r.onerror = reject; });
      const dump = [];
      for (const name of db.objectStoreNames) {
        const rows = await new Promise((resolve) => { const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => resolve(r.result); });
        dump.push(JSON.stringify(rows, (key, value) => (value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? new TextDecoder('utf-8', { fatal: false }).decode(value) : value)));
      }
      return dump.join('\\n');
    })()`)) as string;
    for (const word of ['Amina', 'Yusuf', 'أمينة', 'Quay 4', 'Beach 2', 'fear_of_return']) expect(stored).not.toContain(word);
  });

  it('ran without a console error or a Content-Security-Policy violation', () => {
    expect(web.pageErrors.filter((error) => !error.includes('net::ERR_'))).toEqual([]);
  });
});
