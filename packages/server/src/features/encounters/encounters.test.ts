import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

// Encounters, mass registration in one transaction, the triage list, and
// quick assistance for everyone at an encounter.

const HOUR = 3_600_000;

describe.each(await databaseKinds())('encounters and mass registration on %s', (kind) => {
  let server: TestServer;
  let responder: Caller;
  let otherAgencyResponder: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Coast Guard Sector 4');
    const other = await makeAgency(server.platform, 'Rescue NGO', 'ngo');
    responder = await sessionFor(server, await makeUser(server.platform, agency, 'first_responder', 'responder1'));
    otherAgencyResponder = await sessionFor(server, await makeUser(server.platform, other, 'first_responder', 'responder2'));
  });
  afterAll(() => server.close());

  const db = () => server.platform.database.db;

  async function count(table: 'persons' | 'cases' | 'screenings' | 'audit_events' | 'obligations' | 'assistance' | 'encounters'): Promise<number> {
    const row = await db().selectFrom(table).select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function snapshot(): Promise<Record<string, number>> {
    return {
      persons: await count('persons'),
      cases: await count('cases'),
      screenings: await count('screenings'),
      obligations: await count('obligations'),
      audit: await count('audit_events'),
    };
  }

  async function newEncounter(type = 'rescue_at_sea'): Promise<string> {
    const answer = await responder.post('/api/encounters', {
      type,
      occurredAt: new Date(server.clock.now().getTime() - 2 * HOUR).toISOString(),
      place: { name: 'Central Mediterranean, 34 nm south of Lampedusa', latitude: 35.0, longitude: 12.6 },
      vessel: 'Rubber boat, grey',
      peopleOnBoard: 1000,
      dead: 2,
      missing: 5,
      notes: 'Boat taking on water when sighted.',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.id as string;
  }

  it('records an encounter and reads it back, to its own agency only', async () => {
    const id = await newEncounter();
    const read = await responder.get(`/api/encounters/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id,
      type: 'rescue_at_sea',
      place: { name: 'Central Mediterranean, 34 nm south of Lampedusa', latitude: 35.0, longitude: 12.6 },
      vessel: 'Rubber boat, grey',
      peopleOnBoard: 1000,
      dead: 2,
      missing: 5,
      notes: 'Boat taking on water when sighted.',
      registeredPersons: 0,
      version: 1,
    });
    expect((await otherAgencyResponder.get(`/api/encounters/${id}`)).status).toBe(404);
  });

  it('refuses an encounter in the future and one of an unknown type, naming the field', async () => {
    const future = await responder.post('/api/encounters', { type: 'inland', occurredAt: new Date(server.clock.now().getTime() + 2 * HOUR).toISOString(), place: { name: 'X' } });
    // Documented as refused: a time after now is not a fact yet.
    expect([400, 422]).toContain(future.status);
    expect(future.body.errors.map((e: { field: string }) => e.field)).toContain('occurredAt');
    const unknown = await responder.post('/api/encounters', { type: 'teleportation', occurredAt: server.clock.now().toISOString(), place: { name: 'X' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { field: string }) => e.field)).toContain('type');
  });

  it('registers 1,000 persons in one request, each with a case and the obligations the engine derives', async () => {
    const encounterId = await newEncounter('rescue_at_sea');
    const persons = Array.from({ length: 1000 }, (_, i) => ({
      givenName: `Person ${i}`,
      sex: i % 3 === 0 ? 'female' : 'male',
      ageClaimed: 14 + (i % 40),
      ...(i % 50 === 0 ? { indicators: ['medical_emergency'] } : {}),
      ...(i % 7 === 0 ? { languages: ['ar'] } : {}),
    }));
    const answer = await responder.post(`/api/encounters/${encounterId}/persons`, { persons });
    expect(answer.status, JSON.stringify(answer.body).slice(0, 500)).toBe(201);
    expect(answer.body.encounterId).toBe(encounterId);
    expect(answer.body.persons).toHaveLength(1000);
    const ids = answer.body.persons.map((p: { id: string }) => p.id) as string[];
    expect(new Set(ids).size).toBe(1000);
    expect(answer.body.persons[4].fields).toMatchObject({ givenName: 'Person 4', sex: 'male', ageClaimed: 18 });

    const cases = await db().selectFrom('cases').select(['person_id', 'stage']).where('person_id', 'in', ids).execute();
    expect(cases).toHaveLength(1000);
    expect(cases.filter((c) => c.stage === 'screened')).toHaveLength(20);
    const obligations = await db().selectFrom('obligations').select(['person_id', 'code', 'status']).where('person_id', 'in', ids).execute();
    const byPerson = new Map<string, Set<string>>();
    for (const o of obligations) byPerson.set(o.person_id, (byPerson.get(o.person_id) ?? new Set()).add(o.code));
    expect(byPerson.size).toBe(1000);
    for (const id of ids) {
      const codes = byPerson.get(id)!;
      // A rescue at sea endangers everyone on board; every person is owed information and non-criminalisation.
      expect(codes.has('assist.basic_needs')).toBe(true);
      expect(codes.has('info.rights')).toBe(true);
      expect(codes.has('protection.non_criminalization')).toBe(true);
    }
    const emergencies = obligations.filter((o) => o.code === 'life.emergency_care');
    expect(emergencies).toHaveLength(20);
    expect(new Set(emergencies.map((o) => o.person_id))).toEqual(new Set(ids.filter((_, i) => i % 50 === 0)));
    const children = new Set(obligations.filter((o) => o.code === 'children.best_interests').map((o) => o.person_id));
    expect(children).toEqual(new Set(ids.filter((_, i) => 14 + (i % 40) < 18)));
    const encounter = await responder.get(`/api/encounters/${encounterId}`);
    expect(encounter.body.registeredPersons).toBe(1000);
  });

  it('refuses 1,001 persons in one request with 400 naming persons, and stores nothing', async () => {
    const encounterId = await newEncounter();
    const before = await snapshot();
    const answer = await responder.post(`/api/encounters/${encounterId}/persons`, { persons: Array.from({ length: 1001 }, () => ({ sex: 'male' })) });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain('persons');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses the whole batch when one person among many has an unknown indicator, naming persons.7, and stores nothing', async () => {
    const encounterId = await newEncounter();
    const before = await snapshot();
    const persons: Record<string, unknown>[] = Array.from({ length: 20 }, (_, i) => ({ sex: 'female', ageClaimed: 20 + i, indicators: ['pregnant'] }));
    persons[7] = { sex: 'male', indicators: ['medical_emergency', 'vampirism'] };
    const answer = await responder.post(`/api/encounters/${encounterId}/persons`, { persons });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain('persons.7.indicators.1');
    expect(await snapshot()).toEqual(before);
    expect((await responder.get(`/api/encounters/${encounterId}`)).body.registeredPersons).toBe(0);
  });

  it('refuses the whole batch when one person was born in the future, naming persons.7.birthDate, and stores nothing', async () => {
    const encounterId = await newEncounter();
    const before = await snapshot();
    const persons: Record<string, unknown>[] = Array.from({ length: 20 }, () => ({ sex: 'male', indicators: ['medical_emergency'] }));
    persons[7] = { sex: 'male', birthDate: '2026-03-02', birthDatePrecision: 'day' };
    const answer = await responder.post(`/api/encounters/${encounterId}/persons`, { persons });
    expect(answer.status).toBe(422);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['persons.7.birthDate']);
    expect(await snapshot()).toEqual(before);
  });

  it('names persons.0.birthDate when the only person of a mass registration was born in the future', async () => {
    const encounterId = await newEncounter();
    const answer = await responder.post(`/api/encounters/${encounterId}/persons`, { persons: [{ sex: 'male', birthDate: '2030-01-01' }] });
    expect(answer.status).toBe(422);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['persons.0.birthDate']);
  });

  it('puts medical emergencies first, then unaccompanied and separated children, other children, pregnant women, others', async () => {
    const encounterId = await newEncounter('land_apprehension');
    const mix = [
      { givenName: 'Other A', sex: 'male', ageClaimed: 30 },
      { givenName: 'Pregnant', sex: 'female', ageClaimed: 25, indicators: ['pregnant'] },
      { givenName: 'Child with family', sex: 'male', ageClaimed: 9, accompaniment: 'with_family' },
      { givenName: 'Separated child', sex: 'female', ageClaimed: 15, accompaniment: 'separated' },
      { givenName: 'Emergency adult', sex: 'male', ageClaimed: 40, indicators: ['medical_emergency'] },
      { givenName: 'Other B', sex: 'female', ageClaimed: 33 },
      { givenName: 'Unaccompanied child', sex: 'male', ageClaimed: 16, accompaniment: 'unaccompanied' },
      { givenName: 'Emergency child', sex: 'female', ageClaimed: 6, accompaniment: 'unaccompanied', indicators: ['medical_emergency'] },
      { givenName: 'Pregnant child', sex: 'female', ageClaimed: 16, accompaniment: 'with_family', indicators: ['pregnant'] },
    ];
    const registered = await responder.post(`/api/encounters/${encounterId}/persons`, { persons: mix });
    expect(registered.status).toBe(201);
    const triage = await responder.get(`/api/encounters/${encounterId}/triage`);
    expect(triage.status).toBe(200);
    expect(triage.body).toHaveLength(mix.length);
    const categories = triage.body.map((e: { category: string }) => e.category);
    expect(categories).toEqual(['medical_emergency', 'medical_emergency', 'unaccompanied_child', 'unaccompanied_child', 'child', 'child', 'pregnant', 'other', 'other']);
    const names = (from: number, to: number) => new Set(triage.body.slice(from, to).map((e: { givenName: string }) => e.givenName));
    expect(names(0, 2)).toEqual(new Set(['Emergency adult', 'Emergency child']));
    expect(names(2, 4)).toEqual(new Set(['Separated child', 'Unaccompanied child']));
    expect(names(4, 6)).toEqual(new Set(['Child with family', 'Pregnant child']));
    expect(names(6, 7)).toEqual(new Set(['Pregnant']));
    expect(names(7, 9)).toEqual(new Set(['Other A', 'Other B']));
    const emergencyChild = triage.body.find((e: { givenName: string }) => e.givenName === 'Emergency child');
    expect(emergencyChild.flags).toEqual(expect.arrayContaining(['child', 'unaccompanied_child', 'medical_emergency', 'female']));
    expect((await otherAgencyResponder.get(`/api/encounters/${encounterId}/triage`)).status).toBe(404);
  });

  it('gives every urgent category a person falls in, the most urgent first, and orders by the first', async () => {
    const encounterId = await newEncounter('land_apprehension');
    const mix = [
      { givenName: 'Adult', sex: 'male', ageClaimed: 30, indicators: ['fear_of_return'] },
      { givenName: 'Girl of 15', sex: 'female', ageClaimed: 15, accompaniment: 'unaccompanied', indicators: ['medical_emergency', 'pregnant', 'fear_of_return'] },
      { givenName: 'Pregnant woman', sex: 'female', ageClaimed: 24, indicators: ['pregnant', 'medical_emergency'] },
      { givenName: 'Boy with family', sex: 'male', ageClaimed: 8, accompaniment: 'with_family' },
    ];
    expect((await responder.post(`/api/encounters/${encounterId}/persons`, { persons: mix })).status).toBe(201);
    const triage = await responder.get(`/api/encounters/${encounterId}/triage`);
    expect(triage.status).toBe(200);
    const byName = new Map(triage.body.map((e: { givenName: string; category: string; categories: string[] }) => [e.givenName, e]));
    expect(byName.get('Girl of 15')).toMatchObject({ category: 'medical_emergency', categories: ['medical_emergency', 'unaccompanied_child', 'pregnant'] });
    expect(byName.get('Pregnant woman')).toMatchObject({ category: 'medical_emergency', categories: ['medical_emergency', 'pregnant'] });
    expect(byName.get('Boy with family')).toMatchObject({ category: 'child', categories: ['child'] });
    expect(byName.get('Adult')).toMatchObject({ category: 'other', categories: ['other'] });
    expect(triage.body.map((e: { givenName: string }) => e.givenName)).toEqual(['Girl of 15', 'Pregnant woman', 'Boy with family', 'Adult']);
  });

  it('corrects an encounter: its persons’ obligations follow the type and time; a stale version or a future time is refused', async () => {
    const encounterId = await newEncounter('land_apprehension');
    const registered = await responder.post(`/api/encounters/${encounterId}/persons`, { persons: [{ sex: 'male', ageClaimed: 30 }, { sex: 'female', ageClaimed: 31 }] });
    const ids = registered.body.persons.map((p: { id: string }) => p.id) as string[];
    const codes = async () => (await db().selectFrom('obligations').select(['person_id', 'code', 'due_by']).where('person_id', 'in', ids).execute());
    expect((await codes()).filter((o) => o.code === 'assist.basic_needs')).toHaveLength(0);

    const occurredAt = new Date(server.clock.now().getTime() - 5 * HOUR).toISOString();
    const corrected = await responder.patch(`/api/encounters/${encounterId}`, { version: 1, type: 'rescue_at_sea', occurredAt });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    expect(corrected.body).toMatchObject({ type: 'rescue_at_sea', version: 2, registeredPersons: 2 });
    const after = await codes();
    const basic = after.filter((o) => o.code === 'assist.basic_needs');
    expect(basic).toHaveLength(2);
    for (const o of basic) expect(Date.parse(o.due_by!)).toBe(Date.parse(occurredAt) + 12 * HOUR);
    for (const o of after.filter((x) => x.code === 'info.rights')) expect(Date.parse(o.due_by!)).toBe(Date.parse(occurredAt) + 24 * HOUR);

    const stale = await responder.patch(`/api/encounters/${encounterId}`, { version: 1, dead: 4 });
    expect(stale.status).toBe(409);
    const future = await responder.patch(`/api/encounters/${encounterId}`, { version: 2, occurredAt: new Date(server.clock.now().getTime() + 5 * HOUR).toISOString() });
    expect(future.status).toBe(422);
    expect(future.body.errors.map((e: { field: string }) => e.field)).toEqual(['occurredAt']);
    // A correction changes only what it names: the dead and the missing stay counted.
    expect((await responder.get(`/api/encounters/${encounterId}`)).body).toMatchObject({ version: 2, dead: 2, missing: 5, occurredAt });
    const recount = await responder.patch(`/api/encounters/${encounterId}`, { version: 2, dead: 4 });
    expect(recount.status).toBe(200);
    expect(recount.body).toMatchObject({ version: 3, dead: 4, missing: 5, type: 'rescue_at_sea' });
  });

  it('logs water for everyone at an encounter in one request: one assistance row per person, none for others', async () => {
    const encounterId = await newEncounter();
    const elsewhere = await newEncounter();
    const persons = Array.from({ length: 25 }, (_, i) => ({ sex: i % 2 ? 'male' : 'female', ageClaimed: 20 + i }));
    const registered = await responder.post(`/api/encounters/${encounterId}/persons`, { persons });
    expect(registered.status).toBe(201);
    await responder.post(`/api/encounters/${elsewhere}/persons`, { persons: [{ sex: 'male' }] });
    const givenAt = new Date(server.clock.now().getTime() - HOUR).toISOString();
    const answer = await responder.post(`/api/encounters/${encounterId}/assistance`, { type: 'water', givenAt, place: 'Quay 2' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toEqual({ recorded: 25 });
    const rows = await db().selectFrom('assistance').select(['person_id', 'type', 'encounter_id', 'given_at']).where('encounter_id', '=', encounterId).execute();
    expect(rows).toHaveLength(25);
    expect(new Set(rows.map((r) => r.person_id))).toEqual(new Set(registered.body.persons.map((p: { id: string }) => p.id)));
    expect(rows.every((r) => r.type === 'water' && Date.parse(r.given_at) === Date.parse(givenAt))).toBe(true);
    expect(await db().selectFrom('assistance').select('id').where('encounter_id', '=', elsewhere).execute()).toHaveLength(0);
    // Water alone does not meet basic needs: food and shelter are owed too.
    const basic = await db().selectFrom('obligations').select('status').where('code', '=', 'assist.basic_needs').where('person_id', 'in', registered.body.persons.map((p: { id: string }) => p.id)).execute();
    expect(basic.every((o) => o.status === 'open')).toBe(true);
  });
});
