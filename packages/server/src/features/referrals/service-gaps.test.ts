import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

// No dead end in a referral (issue 17, point 6): when no provider offers a service in an area, the
// officer records a service gap. The obligation stays open (the State still owes it); the gap is on
// the supervisor's list and notifications, and counted in the statistics by service and area.

const AREA = 'Hill district';

describe.each(await databaseKinds())('service gaps on %s', (kind) => {
  let server: TestServer;
  let ids: { officer: string; supervisor: string; outsider: string; coordinator: string };
  let officer: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Protection Unit');
    const other = await makeAgency(server.platform, 'Other Unit');
    const provider = await makeAgency(server.platform, 'Hill Clinic', 'service_provider');
    ids = {
      officer: await makeUser(server.platform, agency, 'protection_officer', 'officer'),
      supervisor: await makeUser(server.platform, agency, 'supervisor', 'supervisor'),
      outsider: await makeUser(server.platform, other, 'protection_officer', 'outsider'),
      coordinator: await makeUser(server.platform, other, 'coordinator', 'coordinator'),
    };
    officer = await sessionFor(server, ids.officer);
    // The area is the jurisdiction's: a provider works there, though not for child protection.
    const admin = await sessionFor(server, await makeUser(server.platform, other, 'admin', 'admin'));
    expect((await admin.post('/api/directory/providers', { agencyId: provider, name: 'Hill clinic', serviceTypes: ['health'], area: AREA, languages: ['en'] })).status).toBe(201);
  });
  afterAll(() => server.close());

  async function children(count: number): Promise<string[]> {
    server.clock.advance(1000);
    const encounter = await officer.post('/api/encounters', { type: 'inland', occurredAt: server.clock.now().toISOString(), place: { name: 'Station' } });
    expect(encounter.status).toBe(201);
    const persons = Array.from({ length: count }, (_, i) => ({ givenName: `Child ${i}`, sex: 'female', ageClaimed: 15, accompaniment: 'unaccompanied' }));
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, { persons });
    expect(registered.status).toBe(201);
    return registered.body.persons.map((p: { id: string }) => p.id);
  }

  it('records a gap that leaves the obligation open, tells the supervisors and lists it for them', async () => {
    const [personId] = await children(1);
    const proposal = await officer.get(`/api/referrals/proposal?personId=${personId}&service=child_protection&area=${encodeURIComponent(AREA)}`);
    expect(proposal.body).toMatchObject({ provider: null, area: AREA });

    const gap = await officer.post('/api/service-gaps', { personId, serviceType: 'child_protection', area: AREA, note: 'Nearest shelter is full until Friday' });
    expect(gap.status).toBe(201);
    expect(gap.body).toMatchObject({ personId, personName: 'Child 0', serviceType: 'child_protection', area: AREA, note: 'Nearest shelter is full until Friday', openObligations: ['children.best_interests'] });

    // The obligation is still owed.
    const obligations = await officer.get(`/api/persons/${personId}/obligations`);
    expect(obligations.body.find((o: { code: string }) => o.code === 'children.best_interests').status).toBe('open');

    // The note is encrypted at rest.
    const row = await server.platform.database.db.selectFrom('service_gaps').selectAll().where('id', '=', gap.body.id).executeTakeFirstOrThrow();
    expect(row.note_enc).not.toContain('shelter');

    const supervisor = await sessionFor(server, ids.supervisor);
    const listed = await supervisor.get('/api/service-gaps');
    expect(listed.status).toBe(200);
    expect(listed.body.map((g: { id: string }) => g.id)).toContain(gap.body.id);
    const told = (await supervisor.get('/api/notifications')).body.find((n: { kind: string; personId: string }) => n.kind === 'service_gap_recorded' && n.personId === personId);
    expect(told).toMatchObject({ person: { name: 'Child 0' }, link: `/cases/${personId}` });

    const audit = await server.platform.database.db.selectFrom('audit_events').select('action').where('record_id', '=', personId!).execute();
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['service_gap.record', 'service_gap.read']));
  });

  it('refuses an area the jurisdiction does not know, naming the field; another agency neither records nor sees a gap', async () => {
    const [personId] = await children(1);
    const unknown = await officer.post('/api/service-gaps', { personId, serviceType: 'child_protection', area: 'Atlantis' });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toContain('area');

    const outsider = await sessionFor(server, ids.outsider);
    expect((await outsider.post('/api/service-gaps', { personId, serviceType: 'child_protection', area: AREA })).status).toBe(404);
    expect((await outsider.get(`/api/service-gaps?personId=${personId}`)).status).toBe(404);
    expect((await outsider.get('/api/service-gaps')).body).toEqual([]);
  });

  it('counts gaps in the statistics by service type and area, small cells suppressed', async () => {
    // A later period: only the persons met in it.
    server.clock.advance(86_400_000);
    officer = await sessionFor(server, ids.officer);
    const from = server.clock.now().toISOString();
    for (const personId of await children(11)) {
      expect((await officer.post('/api/service-gaps', { personId, serviceType: 'guardianship', area: AREA })).status).toBe(201);
    }
    const [single] = await children(1);
    expect((await officer.post('/api/service-gaps', { personId: single, serviceType: 'family_tracing', area: AREA })).status).toBe(201);
    const coordinator = await sessionFor(server, ids.coordinator);
    const gapsFrom = async (query: string) => {
      const report = await coordinator.get(`/api/stats/indicators?${query}`);
      expect(report.status).toBe(200);
      return report.body.tables.find((t: { id: string }) => t.id === 'service_gaps_by_service_and_area');
    };
    // Eleven guardianship gaps and one family-tracing gap in the period: the single one is below
    // k, and the other is hidden with it, or the column total would give it away.
    const both = await gapsFrom(`from=${encodeURIComponent(from)}`);
    expect(both.rows).toEqual(['guardianship', 'family_tracing']);
    expect(both.columns).toEqual([AREA]);
    expect(both.cells).toEqual([[null], [null]]);
    // The same period without the last encounter (a second after the first): eleven guardianship gaps, shown.
    const to = new Date(Date.parse(from) + 1500).toISOString();
    const eleven = await gapsFrom(`from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(eleven.rows).toEqual(['guardianship']);
    expect(eleven.cells).toEqual([[11]]);
  });
});
