import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';
import { pdfText } from '../referrals/test-support/world.js';

const HOUR = 3600 * 1000;

describe.each(await databaseKinds())('the self-assessment on %s', (kind) => {
  let server: TestServer;
  let coordinator: Caller;
  let officer: Caller;
  let admin: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Ministry');
    coordinator = await sessionFor(server, await makeUser(server.platform, agency, 'coordinator', 'coordinator'));
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer'));
    admin = await sessionFor(server, await makeUser(server.platform, agency, 'admin', 'admin'));
  });
  afterAll(async () => server?.close());

  it('measures consular rights given by the deadline from the obligations of detained persons', async () => {
    const encounter = (await officer.post('/api/encounters', { type: 'land_apprehension', occurredAt: '2026-03-01T05:00:00Z', place: { name: 'Border post' } })).body.id;
    const persons = (
      await officer.post(`/api/encounters/${encounter}/persons`, { persons: Array.from({ length: 30 }, (_, i) => ({ givenName: `Detainee ${i}`, sex: 'male', ageClaimed: 30 })) })
    ).body.persons as { id: string }[];
    for (const person of persons) {
      expect((await officer.post(`/api/persons/${person.id}/detentions`, { place: 'Station', since: '2026-03-01T05:30:00Z', legalBasis: 'Immigration Act s 5' })).status).toBe(201);
    }
    // Nineteen are informed in time; eleven are still not informed when the deadline has passed.
    for (const person of persons.slice(0, 19)) {
      const given = await officer.post(`/api/persons/${person.id}/assistance`, { type: 'consular_rights_information', givenAt: '2026-03-01T06:00:00Z', language: 'en' });
      expect(given.status, JSON.stringify(given.body)).toBe(201);
    }
    server.clock.advance(30 * HOUR);
    coordinator = await sessionFor(server, (await server.platform.database.db.selectFrom('users').select('id').where('username', '=', 'coordinator').executeTakeFirstOrThrow()).id);
    const evidence = await coordinator.get('/api/self-assessment/evidence');
    expect(evidence.status).toBe(200);
    expect(evidence.body.threshold).toBe(11);
    expect(evidence.body.measures.find((m: { indicator: string }) => m.indicator === 'consular_rights_in_time')).toMatchObject({ numerator: 19, denominator: 30, suppressed: false });
    // Nothing measured is said as it is (0 of 0), not suppressed.
    expect(evidence.body.measures.find((m: { indicator: string }) => m.indicator === 'incidents_investigated')).toMatchObject({ numerator: 0, denominator: 0, suppressed: false });
    const view = await coordinator.get('/api/self-assessment');
    const item = view.body.items.find((i: { id: string }) => i.id === 'PT-05');
    expect(item).toMatchObject({ status: 'partly', source: 'measure', basis: ['art 16(5)', 'seed 7'], tool: { id: 'toolkit' } });
    expect(view.body.gaps.find((g: { area: string }) => g.area === 'protection').gaps).toContain('PT-05');
  });

  it('never publishes a share with a part under the threshold, nor the status it would suggest', async () => {
    admin = await sessionFor(server, (await server.platform.database.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()).id);
    // Under k = 12 the eleven missed are a small cell: the share is hidden, the 30 measured are not.
    expect((await admin.request('PUT', '/api/stats/threshold', { k: 12, version: 0 })).status).toBe(200);
    const evidence = await coordinator.get('/api/self-assessment/evidence');
    expect(evidence.body.threshold).toBe(12);
    expect(evidence.body.measures.find((m: { indicator: string }) => m.indicator === 'consular_rights_in_time')).toMatchObject({ numerator: null, denominator: 30, suppressed: true });
    const item = (await coordinator.get('/api/self-assessment')).body.items.find((i: { id: string }) => i.id === 'PT-05');
    expect(item).toMatchObject({ status: null, source: 'none', suggestion: null, measure: { suppressed: true, numerator: null } });
    const page = (await coordinator.get('/api/self-assessment/gap-report.html')).body as string;
    expect(page).not.toContain('63.3%');
    // Under k = 31 even the number measured is hidden.
    expect((await admin.request('PUT', '/api/stats/threshold', { k: 31, version: 1 })).status).toBe(200);
    const hidden = await coordinator.get('/api/self-assessment/evidence');
    expect(hidden.body.measures.find((m: { indicator: string }) => m.indicator === 'consular_rights_in_time')).toMatchObject({ numerator: null, denominator: null, suppressed: true });
    expect((await admin.request('PUT', '/api/stats/threshold', { k: 11, version: 2 })).status).toBe(200);
  });

  it('keeps every answer as a version, refuses a stale one, and flags an answer the data contradicts', async () => {
    const first = await coordinator.post('/api/self-assessment/items/PT-05/answers', { status: 'in_place', evidence: 'Custody SOP 12', responsibleBody: 'Border police', reviewDate: '2027-01-31', previousVersion: 0 });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ status: 'in_place', source: 'answer', contradicted: true, answer: { version: 1, responsibleBody: 'Border police' } });
    expect((await coordinator.post('/api/self-assessment/items/PT-05/answers', { status: 'partly', previousVersion: 0 })).status).toBe(409);
    expect((await coordinator.post('/api/self-assessment/items/PT-05/answers', { status: 'partly', previousVersion: 1 })).status).toBe(201);
    const history = await coordinator.get('/api/self-assessment/items/PT-05/answers');
    expect(history.body.map((a: { version: number; status: string }) => [a.version, a.status])).toEqual([[2, 'partly'], [1, 'in_place']]);
    expect(history.body[0].answeredByName).toBeTruthy();
    expect(history.body[0].answeredByName).not.toBe(history.body[0].answeredBy);
    const bad = await coordinator.post('/api/self-assessment/items/PT-05/answers', { status: 'mostly', previousVersion: 2 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('status');
    expect((await coordinator.post('/api/self-assessment/items/XX-99/answers', { status: 'absent', previousVersion: 0 })).status).toBe(400);
    expect((await coordinator.post('/api/self-assessment/items/PR-99/answers', { status: 'absent', previousVersion: 0 })).status).toBe(404);
  });

  it('renders the gap report as HTML without inline script or style, and as a PDF', async () => {
    await coordinator.post('/api/self-assessment/items/PR-04/answers', { status: 'absent', evidence: 'Penal code <s 12> punishes irregular entry', previousVersion: 0 });
    const html = await coordinator.get('/api/self-assessment/gap-report.html');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    const page = html.body as string;
    expect(page).toContain('PR-04');
    expect(page).toContain('Protocol art 5');
    expect(page).toContain('UNODC Model Law against the Smuggling of Migrants');
    expect(page).toContain('&lt;s 12&gt;');
    expect(page).not.toMatch(/<script|<style| style=/i);
    const css = await coordinator.get('/api/self-assessment/report.css');
    expect(css.headers.get('content-type')).toContain('text/css');

    const pdf = await fetch(`${server.baseUrl}/api/self-assessment/gap-report.pdf`, { headers: { cookie: (coordinator as unknown as { credentials: { cookie: string } }).credentials.cookie } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(bytes);
    expect(text).toContain('PR-04');
    expect(text).toContain('Recommended tool: UNODC Model Law');
    const events = await server.platform.database.db.selectFrom('audit_events').select('fields').where('action', '=', 'self_assessment.report').execute();
    // (the suppression test above downloaded the HTML once too)
    expect(events.map((e) => JSON.parse(e.fields)[0]).sort()).toEqual(['html', 'html', 'pdf']);
  });
});
