import { loadProfile } from '@haven/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildHavenApp } from '../../server.js';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';
import { directIndicatorData, normalizeFilter, rollupIndicatorData } from '../stats/indicator-data.js';
import { indicatorReport } from '../stats/service.js';
import { notifyOverdueHandovers } from './service.js';

// Handover by the SOP profile's rules (issue 17 point 1): a case registered by the coast guard or
// the rescue NGO goes at once to the protection unit, which is responsible for its obligations; the
// first contact keeps identity and logging assistance for a while, then loses access.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const RULES = {
  id: 'handover-test',
  handover: [
    { from: 'Coast Guard', to: 'Protection Unit', atOnce: ['unaccompanied_child', 'separated_child', 'child', 'medical_emergency', 'fear_of_return'], within: 'PT6H', keepAccessFor: 'P3D' },
    { from: 'Rescue NGO', area: 'Southern coast', to: 'Protection Unit', atOnce: ['child', 'medical_emergency'], within: 'PT6H', keepAccessFor: 'P1D' },
  ],
};

describe.each(await databaseKinds())('handover by profile rules on %s', (kind) => {
  let server: TestServer;
  let coastGuard: string;
  let protection: string;
  let rescue: string;
  let responder: Caller;
  let rescuer: Caller;
  let officer: Caller;
  let officerId: string;
  let supervisorId: string;
  let police: Caller;
  let admin: Caller;
  const users: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const { platform } = server;
    coastGuard = await makeAgency(platform, 'Coast Guard', 'government', 'Southern coast');
    protection = await makeAgency(platform, 'Protection Unit', 'government', 'National');
    rescue = await makeAgency(platform, 'Rescue NGO', 'ngo', 'Northern coast');
    const policeAgency = await makeAgency(platform, 'Police', 'government', 'Southern coast');
    users.responder = await makeUser(platform, coastGuard, 'first_responder', 'responder');
    users.rescuer = await makeUser(platform, rescue, 'first_responder', 'rescuer');
    officerId = users.officer = await makeUser(platform, protection, 'protection_officer', 'officer');
    supervisorId = await makeUser(platform, protection, 'supervisor', 'supervisor');
    users.police = await makeUser(platform, policeAgency, 'first_responder', 'police');
    users.admin = await makeUser(platform, policeAgency, 'admin', 'admin');
    platform.profile = loadProfile(RULES);
  });
  // Sessions end when idle: tests that move the clock by days sign in again.
  async function signIn(): Promise<void> {
    responder = await sessionFor(server, users.responder!);
    rescuer = await sessionFor(server, users.rescuer!);
    officer = await sessionFor(server, users.officer!);
    police = await sessionFor(server, users.police!);
    admin = await sessionFor(server, users.admin!);
  }
  beforeEach(signIn);
  afterAll(() => server.close());

  const db = () => server.platform.database.db;

  async function boat(caller: Caller, extra: Record<string, unknown> = {}): Promise<string> {
    const answer = await caller.post('/api/encounters', {
      type: 'rescue_at_sea',
      occurredAt: new Date(server.clock.now().getTime() - HOUR).toISOString(),
      place: { name: '34 nm south of the port' },
      peopleOnBoard: 40,
      ...extra,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.id as string;
  }

  const girl = { givenName: 'Amina', familyName: 'Test', sex: 'female', ageClaimed: 15, accompaniment: 'unaccompanied', indicators: ['medical_emergency'] };
  const man = { givenName: 'Yonas', familyName: 'Test', sex: 'male', ageClaimed: 30, accompaniment: 'adult' };

  async function caseOf(personId: string) {
    return db().selectFrom('cases').selectAll().where('person_id', '=', personId).executeTakeFirstOrThrow();
  }

  it('gives an encounter the registering agency area unless one is given, and lets it be changed', async () => {
    const id = await boat(responder);
    expect((await responder.get(`/api/encounters/${id}`)).body.area).toBe('Southern coast');
    const other = await boat(responder, { area: 'Eastern coast' });
    const read = await responder.get(`/api/encounters/${other}`);
    expect(read.body.area).toBe('Eastern coast');
    const changed = await responder.patch(`/api/encounters/${other}`, { version: read.body.version, area: 'Southern coast' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.area).toBe('Southern coast');
  });

  it('hands a mass registration over at once: case, obligations and take-up deadline are the receiver\'s', async () => {
    const encounterId = await boat(responder);
    const at = server.clock.now().toISOString();
    const registered = await responder.post(`/api/encounters/${encounterId}/persons`, { persons: [girl, man] });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const [girlId, manId] = registered.body.persons.map((p: { id: string }) => p.id) as [string, string];
    for (const id of [girlId, manId]) {
      const row = await caseOf(id);
      expect(row.agency_id).toBe(protection);
      expect(row.officer_id).toBeNull();
      const obligations = await db().selectFrom('obligations').select('agency_id').where('person_id', '=', id).execute();
      expect(obligations.length).toBeGreaterThan(0);
      expect(new Set(obligations.map((o) => o.agency_id))).toEqual(new Set([protection]));
    }
    const handovers = await db().selectFrom('handovers').selectAll().where('person_id', 'in', [girlId, manId]).execute();
    const byPerson = new Map(handovers.map((h) => [h.person_id, h]));
    expect(byPerson.get(girlId)).toMatchObject({ from_agency_id: coastGuard, to_agency_id: protection, rule_index: 0, area: 'Southern coast', take_up_by: new Date(Date.parse(at) + 15 * 60_000).toISOString(), taken_up_at: null });
    expect(byPerson.get(manId)!.take_up_by).toBe(new Date(Date.parse(at) + 6 * HOUR).toISOString());
    expect(byPerson.get(manId)!.access_until).toBe(new Date(Date.parse(at) + 3 * DAY).toISOString());
    // Audited on the case.
    const events = await db().selectFrom('audit_events').select(['record_id', 'action']).where('action', '=', 'case.handover').execute();
    expect(events.map((e) => e.record_id)).toEqual(expect.arrayContaining([(await caseOf(girlId)).id, (await caseOf(manId)).id]));

    // The receiver finds them unassigned on its case list, and sees the boat they came on.
    const cases = await officer.get('/api/cases?assigned=nobody');
    expect(cases.status).toBe(200);
    expect(cases.body.items.map((c: { personId: string }) => c.personId)).toEqual(expect.arrayContaining([girlId, manId]));
    expect((await officer.get(`/api/encounters/${encounterId}`)).status).toBe(200);
    expect((await officer.get('/api/encounters')).body.items.map((e: { id: string }) => e.id)).toContain(encounterId);
    expect((await police.get(`/api/encounters/${encounterId}`)).status).toBe(404);
    // The intake queue says by when each must be taken up: the girl at once, the man within 6 h.
    const supervisor = await sessionFor(server, supervisorId);
    const intake = await supervisor.get('/api/queues/intake?limit=500');
    expect(intake.status, JSON.stringify(intake.body)).toBe(200);
    const takeUp = new Map((intake.body as { personId: string; takeUpBy: string | null }[]).map((item) => [item.personId, item.takeUpBy]));
    expect(takeUp.get(girlId)).toBe(new Date(Date.parse(at) + 15 * 60_000).toISOString());
    expect(takeUp.get(manId)).toBe(byPerson.get(manId)!.take_up_by);

    // The first contact keeps the identity only, its triage list, and logs assistance.
    const seen = await responder.get(`/api/persons/${girlId}`);
    expect(seen.status).toBe(200);
    expect(seen.body.fieldGroups).toEqual(['identity']);
    expect(seen.body.fields).not.toHaveProperty('phone');
    expect((await responder.get(`/api/persons/${girlId}/case`)).status).not.toBe(200);
    // The device asks for likely duplicates of what it registered once synced.
    expect((await responder.get(`/api/persons/${girlId}/duplicates`)).status).toBe(200);
    const triage = await responder.get(`/api/encounters/${encounterId}/triage`);
    expect(triage.status).toBe(200);
    expect(triage.body.map((t: { personId: string }) => t.personId)).toEqual([girlId, manId]);
    const water = await responder.post(`/api/persons/${girlId}/assistance`, { type: 'water', givenAt: server.clock.now().toISOString() });
    expect(water.status, JSON.stringify(water.body)).toBe(201);
    const everyone = await responder.post(`/api/encounters/${encounterId}/assistance`, { type: 'food', givenAt: server.clock.now().toISOString() });
    expect(everyone.body).toEqual({ recorded: 2 });
    expect((await police.post(`/api/persons/${girlId}/assistance`, { type: 'water', givenAt: server.clock.now().toISOString() })).status).toBe(404);

    // While its access lasts the first contact also records a detention, its end and consular rights explained.
    const detained = await responder.post(`/api/persons/${manId}/detentions`, { place: 'Port police station', since: server.clock.now().toISOString(), legalBasis: 'Identification' });
    expect(detained.status, JSON.stringify(detained.body)).toBe(201);
    const rights = await responder.post(`/api/persons/${manId}/consular-rights`, { informedAt: server.clock.now().toISOString(), language: 'ti', choice: 'declined' });
    expect(rights.status, JSON.stringify(rights.body)).toBe(201);
    const released = await responder.patch(`/api/persons/${manId}/detentions/${detained.body.id}`, { version: 1, until: server.clock.now().toISOString() });
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect((await police.post(`/api/persons/${manId}/detentions`, { place: 'X', since: server.clock.now().toISOString(), legalBasis: 'Y' })).status).toBe(404);
  });

  it('hands a synced single registration over once, however often the device replays it', async () => {
    const headers = { 'idempotency-key': 'device-1-registration-7' };
    const first = await responder.post('/api/persons', man, headers);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await responder.post('/api/persons', man, headers);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect((await caseOf(first.body.id)).agency_id).toBe(protection);
    const handovers = await db().selectFrom('handovers').select('id').where('person_id', '=', first.body.id).execute();
    expect(handovers).toHaveLength(1);
    const grants = await db().selectFrom('access_grants').select(['agency_id', 'source_type', 'field_groups']).where('person_id', '=', first.body.id).execute();
    expect(grants).toEqual([{ agency_id: coastGuard, source_type: 'handover', field_groups: '["identity"]' }]);
  });

  it('matches the rule by the encounter area: the rescue NGO on the southern coast only', async () => {
    const north = await boat(rescuer);
    const kept = await rescuer.post(`/api/encounters/${north}/persons`, { persons: [man] });
    expect((await caseOf(kept.body.persons[0].id)).agency_id).toBe(rescue);
    const south = await boat(rescuer, { area: 'Southern coast' });
    const handed = await rescuer.post(`/api/encounters/${south}/persons`, { persons: [man] });
    expect((await caseOf(handed.body.persons[0].id)).agency_id).toBe(protection);
  });

  it('changes nothing for an agency no rule names', async () => {
    const registered = await police.post('/api/persons', man);
    expect(registered.status).toBe(201);
    const row = await caseOf(registered.body.id);
    expect(row.agency_id).not.toBe(protection);
    expect(row.officer_id).not.toBeNull();
    expect(await db().selectFrom('handovers').select('id').where('person_id', '=', registered.body.id).execute()).toEqual([]);
  });

  it('ends the first contact\'s access when keepAccessFor has passed', async () => {
    const encounterId = await boat(responder);
    const registered = await responder.post(`/api/encounters/${encounterId}/persons`, { persons: [man] });
    const personId = registered.body.persons[0].id as string;
    expect((await responder.get(`/api/persons/${personId}`)).status).toBe(200);
    server.clock.advance(3 * DAY - 1000);
    await signIn();
    expect((await responder.get(`/api/persons/${personId}`)).status).toBe(200);
    server.clock.advance(1000);
    await signIn();
    expect((await responder.get(`/api/persons/${personId}`)).status).toBe(404);
    expect((await responder.post(`/api/persons/${personId}/assistance`, { type: 'water', givenAt: server.clock.now().toISOString() })).status).toBe(404);
    expect((await responder.post(`/api/persons/${personId}/detentions`, { place: 'Quay', since: server.clock.now().toISOString(), legalBasis: 'Identification' })).status).toBe(404);
    expect((await responder.get(`/api/encounters/${encounterId}/triage`)).body).toEqual([]);
    expect((await responder.get('/api/persons?limit=100')).body.items.map((p: { id: string }) => p.id)).not.toContain(personId);
    // The receiver's access does not end.
    expect((await officer.get(`/api/persons/${personId}`)).status).toBe(200);
  });

  it('records the take-up when a supervisor assigns several cases at once', async () => {
    const encounterId = await boat(responder);
    const registered = await responder.post(`/api/encounters/${encounterId}/persons`, { persons: [girl, man] });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const ids = registered.body.persons.map((p: { id: string }) => p.id) as string[];
    const supervisor = await sessionFor(server, supervisorId);
    const cases = await Promise.all(ids.map((id) => caseOf(id)));
    const assigned = await supervisor.post('/api/cases/assignments', { officerId, cases: cases.map((c) => ({ caseId: c.id, version: c.version })) });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    const handovers = await db().selectFrom('handovers').select(['taken_up_at', 'taken_up_by']).where('person_id', 'in', ids).execute();
    expect(handovers).toEqual(ids.map(() => ({ taken_up_at: server.clock.now().toISOString(), taken_up_by: officerId })));
    const intake = await supervisor.get('/api/queues/intake?limit=500');
    expect((intake.body as { personId: string }[]).filter((item) => ids.includes(item.personId))).toEqual([]);
  });

  it('notifies the receiving supervisors once of a handover not taken up in time, and records the take-up', async () => {
    const registered = await responder.post('/api/persons', man);
    const personId = registered.body.id as string;
    expect(registered.status).toBe(201);
    server.clock.advance(6 * HOUR + 1000);
    await signIn();
    expect(await notifyOverdueHandovers(server.platform)).toBeGreaterThanOrEqual(1);
    expect(await notifyOverdueHandovers(server.platform)).toBe(0);
    const notices = await db().selectFrom('notifications').select(['user_id', 'kind']).where('person_id', '=', personId).execute();
    expect(notices).toEqual([{ user_id: supervisorId, kind: 'handover_overdue' }]);

    const row = await caseOf(personId);
    const assigned = await officer.patch(`/api/cases/${row.id}`, { version: row.version, officerId });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    const handover = await db().selectFrom('handovers').selectAll().where('person_id', '=', personId).executeTakeFirstOrThrow();
    expect(handover.taken_up_at).toBe(server.clock.now().toISOString());
    expect(handover.taken_up_by).toBe(officerId);

    // The case history tells it in names.
    const history = await officer.get(`/api/persons/${personId}/case/history`);
    expect(history.status, JSON.stringify(history.body)).toBe(200);
    expect(history.body).toEqual([
      { at: handover.handed_over_at, kind: 'registered', agency: 'Coast Guard', user: 'responder' },
      {
        at: handover.handed_over_at,
        kind: 'handed_over',
        agency: 'Coast Guard',
        user: null,
        toAgency: 'Protection Unit',
        rule: 0,
        takeUpBy: handover.take_up_by,
        accessUntil: handover.access_until,
      },
      { at: handover.taken_up_at, kind: 'taken_up', agency: 'Protection Unit', user: 'officer', onTime: false },
      { at: handover.taken_up_at, kind: 'case_changed', agency: 'Protection Unit', user: 'officer', fields: ['officerId'] },
    ]);
    // The first contact keeps identity only: the case and its history are not its to read.
    expect((await responder.get(`/api/persons/${personId}/case/history`)).status).toBe(403);
    expect((await police.get(`/api/persons/${personId}/case/history`)).status).toBe(404);
  });

  it('counts handovers in the indicators, agency to agency, by take-up; both readers agree', async () => {
    const { platform } = server;
    const now = platform.clock().toISOString();
    const filter = normalizeFilter({});
    const [direct, rollup] = await Promise.all([directIndicatorData(platform.database.db, platform.database.dialect, filter, now), rollupIndicatorData(platform.database.db, platform.database.dialect, filter, now)]);
    expect(rollup.handovers).toEqual(direct.handovers);
    // Persons met in an encounter: the mass registrations above (two, two assigned at once, then
    // one), and the rescue NGO's southern boat.
    const coast = direct.handovers.find((h) => h.from === 'Coast Guard' && h.to === 'Protection Unit')!;
    expect(coast.inTime + coast.late + coast.overdue + coast.awaiting).toBe(5);
    expect(coast.overdue).toBe(3);
    expect(coast.inTime).toBe(2);
    expect(direct.handovers.find((h) => h.from === 'Rescue NGO')).toMatchObject({ to: 'Protection Unit', overdue: 1 });
    const report = await indicatorReport(platform, {});
    const table = report.tables.find((t) => t.id === 'handovers_by_agencies_and_take_up')!;
    expect(table.rows).toEqual(['Coast Guard → Protection Unit', 'Rescue NGO → Protection Unit']);
    expect(table.columns).toEqual(['taken_up_in_time', 'taken_up_late', 'overdue', 'awaiting']);
  });

  it('refuses to rename an agency a rule names (409), and lets others be renamed', async () => {
    const agency = await admin.get('/api/admin/agencies');
    const find = (name: string) => (agency.body as { id: string; name: string; version: number }[]).find((a) => a.name === name)!;
    const refused = await admin.patch(`/api/admin/agencies/${find('Protection Unit').id}`, { version: find('Protection Unit').version, name: 'Protection Directorate' });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toContain('agency-in-handover-rule');
    expect(refused.body.detail).toContain('handover[0]');
    const other = await admin.patch(`/api/admin/agencies/${find('Police').id}`, { version: find('Police').version, name: 'Police Investigations' });
    expect(other.status).toBe(200);
  });

  it('refuses to start with a rule naming an agency that does not exist, naming the entry', async () => {
    const running = server.platform.profile;
    server.platform.profile = loadProfile({ id: 'bad', handover: [{ from: 'Coast Guard', to: 'Nowhere Unit', within: 'PT6H', keepAccessFor: 'P1D' }] });
    try {
      await expect(buildHavenApp(server.platform)).rejects.toThrow('handover[0].to: no agency named "Nowhere Unit"');
    } finally {
      server.platform.profile = running;
    }
  });
});
