import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionFor } from '../../../server/src/test-support/server.js';
import { startWebTest, type WebTest } from '../test-support/browser';

// Every read of personal data is audited: a screen that asks twice (or asks, cancels and asks
// again) writes two audit events for one look. Each screen sends each GET once.

describe('reads per screen in Chromium', () => {
  let web: WebTest;
  let personId: string;
  const gets: string[] = [];
  const cancelled: string[] = [];

  beforeAll(async () => {
    web = await startWebTest();
    const officerId = await web.makeUser('protection_officer', 'officer.reads');
    const officer = await sessionFor(web.server, officerId);
    const encounter = await officer.post('/api/encounters', { type: 'inland', occurredAt: new Date(web.server.clock.now().getTime() - 60_000).toISOString(), place: { name: 'Ring road' } });
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, { persons: [{ givenName: 'Hana', familyName: 'Bekele', sex: 'female', ageClaimed: 30 }] });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    personId = registered.body.persons[0].id;
    web.page.on('request', (request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname.startsWith('/api/')) gets.push(new URL(request.url()).pathname + new URL(request.url()).search);
    });
    web.page.on('requestfailed', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) cancelled.push(`${request.method()} ${new URL(request.url()).pathname} ${request.failure()?.errorText}`);
    });
  });
  afterAll(() => web?.close());

  const twice = () => [...new Set(gets.filter((path, i) => gets.indexOf(path) !== i))];

  it('opens the case list and a case page with each GET sent once, none cancelled, each read audited once', async () => {
    const { page } = web;
    await web.signIn('officer.reads');
    await page.waitForLoadState('networkidle');
    gets.length = 0;
    cancelled.length = 0;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
    await page.getByTestId('case-list').waitFor({ timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    const listGets = [...gets];
    expect(twice(), [...listGets, ...cancelled].join('\n')).toEqual([]);
    gets.length = 0;
    const before = await web.server.platform.database.db.selectFrom('audit_events').select(['action', 'record_type', 'record_id']).where('record_id', '=', personId).execute();
    await page.getByRole('link', { name: 'Hana Bekele' }).click();
    await page.getByRole('heading', { name: 'Hana Bekele', level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    expect(twice(), gets.join('\n')).toEqual([]);
    expect(cancelled).toEqual([]);
    const after = await web.server.platform.database.db.selectFrom('audit_events').select(['action', 'record_type', 'record_id']).where('record_id', '=', personId).execute();
    // One audit event per read at most: each GET of her record reads it once (the record, its case,
    // screenings, obligations… each say what they read), none twice for one look at the page.
    const reads = after.slice(before.length).map((e) => e.action);
    const ofHer = gets.filter((path) => path.startsWith(`/api/persons/${personId}`));
    expect(reads.length, [...reads, ...ofHer].join('\n')).toBeLessThanOrEqual(ofHer.length);
    expect(reads.filter((a) => a === 'obligation.read').length).toBeLessThanOrEqual(gets.filter((path) => /\/(obligations|guards|assessment)$/.test(path)).length);
  });
});
