import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

// The receiving agency's intake queue (GET /api/queues/intake) and a supervisor's assignment of
// several cases at once (POST /api/cases/assignments).

interface IntakeItem {
  caseId: string;
  personId: string;
  caseVersion: number;
  person: { givenName?: string };
  encounter: { type: string; place: string; occurredAt: string } | null;
  triage: string[];
  obligations: { open: number; nextDueBy: string | null };
}

describe.each(await databaseKinds())('the intake queue and bulk assignment on %s', (kind) => {
  let server: TestServer;
  let supervisor: Caller;
  let officer: Caller;
  let outsider: Caller;
  const ids = { supervisor: '', officer: '', colleague: '', responder: '', disabled: '', outsider: '' };
  const persons: Record<'amal' | 'yonas' | 'sara' | 'dawit', string> = { amal: '', yonas: '', sara: '', dawit: '' };
  let occurredAt: string;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Protection Unit');
    const other = await makeAgency(server.platform, 'Other Unit');
    ids.supervisor = await makeUser(server.platform, agency, 'supervisor', 'sana.supervisor');
    ids.officer = await makeUser(server.platform, agency, 'protection_officer', 'omar.officer');
    ids.colleague = await makeUser(server.platform, agency, 'protection_officer', 'chloe.officer');
    ids.responder = await makeUser(server.platform, agency, 'first_responder', 'rui.responder');
    ids.disabled = await makeUser(server.platform, agency, 'protection_officer', 'gone.officer');
    ids.outsider = await makeUser(server.platform, other, 'protection_officer', 'outsider');
    await server.platform.database.db.updateTable('users').set({ disabled: 1 }).where('id', '=', ids.disabled).execute();
    supervisor = await sessionFor(server, ids.supervisor);
    officer = await sessionFor(server, ids.officer);
    outsider = await sessionFor(server, ids.outsider);
    occurredAt = new Date(server.clock.now().getTime() - 60_000).toISOString();
    const encounter = await supervisor.post('/api/encounters', { type: 'rescue_at_sea', occurredAt, place: { name: 'Southern coast' } });
    expect(encounter.status).toBe(201);
    const registered = await supervisor.post(`/api/encounters/${encounter.body.id}/persons`, {
      persons: [
        { givenName: 'Dawit', sex: 'male', ageClaimed: 30, accompaniment: 'adult' },
        { givenName: 'Sara', sex: 'female', ageClaimed: 25, accompaniment: 'adult', indicators: ['pregnant'] },
        { givenName: 'Yonas', sex: 'male', ageClaimed: 8, accompaniment: 'with_family' },
        { givenName: 'Amal', sex: 'female', ageClaimed: 15, accompaniment: 'unaccompanied', indicators: ['medical_emergency'] },
      ],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    [persons.dawit, persons.sara, persons.yonas, persons.amal] = registered.body.persons.map((p: { id: string }) => p.id);
    // Registration assigns the registering user; the receiving agency's cases start with nobody.
    for (const personId of Object.values(persons)) {
      const current = (await supervisor.get(`/api/persons/${personId}/case`)).body;
      expect((await supervisor.patch(`/api/cases/${current.id}`, { version: current.version, officerId: null })).status).toBe(200);
    }
  });
  afterAll(() => server.close());

  async function queue(caller = supervisor): Promise<IntakeItem[]> {
    const answer = await caller.get('/api/queues/intake');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  }
  const item = async (personId: string) => (await queue()).find((i) => i.personId === personId)!;

  it('lists the unassigned cases in triage order, with every triage category that applies, the encounter and the obligations', async () => {
    const items = await queue();
    expect(items.map((i) => i.person.givenName)).toEqual(['Amal', 'Yonas', 'Sara', 'Dawit']);
    const amal = items[0]!;
    expect(amal.triage).toEqual(['medical_emergency', 'unaccompanied_child']);
    expect(amal.encounter).toEqual({ type: 'rescue_at_sea', place: 'Southern coast', occurredAt });
    // Emergency care is due an hour after the encounter: the earliest of her open obligations.
    expect(amal.obligations.open).toBeGreaterThan(1);
    expect(amal.obligations.nextDueBy).toBe(new Date(Date.parse(occurredAt) + 3_600_000).toISOString().replace('.000Z', 'Z'));
    expect(items.map((i) => i.triage)).toEqual([['medical_emergency', 'unaccompanied_child'], ['child'], ['pregnant'], ['other']]);
    expect(await queue(outsider)).toEqual([]);
  });

  it('lists who a case may be assigned to: active officers and supervisors of the agency, by name, with their open cases', async () => {
    const answer = await supervisor.get('/api/agency/officers');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      { id: ids.colleague, displayName: 'chloe.officer', role: 'protection_officer', openCases: 0 },
      { id: ids.officer, displayName: 'omar.officer', role: 'protection_officer', openCases: 0 },
      { id: ids.supervisor, displayName: 'sana.supervisor', role: 'supervisor', openCases: 0 },
    ]);
  });

  it('assigns two cases to an officer in one request: they leave the queue, reach the officer, and each is audited as a single assignment', async () => {
    const [amal, yonas] = [await item(persons.amal), await item(persons.yonas)];
    const assigned = await supervisor.post('/api/cases/assignments', {
      officerId: ids.officer,
      cases: [
        { caseId: amal.caseId, version: amal.caseVersion },
        { caseId: yonas.caseId, version: yonas.caseVersion },
      ],
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body.map((c: { officerId: string }) => c.officerId)).toEqual([ids.officer, ids.officer]);
    expect((await queue()).map((i) => i.person.givenName)).toEqual(['Sara', 'Dawit']);
    const mine = (await officer.get('/api/cases?assigned=me')).body.items.map((i: { personId: string }) => i.personId);
    expect(mine.sort()).toEqual([persons.amal, persons.yonas].sort());
    // Their open obligations are now the officer's work.
    const myObligations = (await officer.get('/api/queues/my-obligations')).body as { personId: string }[];
    expect(new Set(myObligations.map((o) => o.personId))).toEqual(new Set([persons.amal, persons.yonas]));
    const events = await server.platform.database.db
      .selectFrom('audit_events')
      .select(['record_id', 'fields', 'actor_user_id'])
      .where('action', '=', 'case.update')
      .where('record_id', 'in', [amal.caseId, yonas.caseId])
      .where('actor_user_id', '=', ids.supervisor)
      .where('fields', 'like', '%officerId%')
      .execute();
    // One when the case was left to nobody in the set-up, one for this assignment.
    expect(events.length).toBe(4);
    const officers = (await supervisor.get('/api/agency/officers')).body as { id: string; openCases: number }[];
    expect(officers.find((o) => o.id === ids.officer)?.openCases).toBe(2);
  });

  it('assigns none when one case is stale or unknown', async () => {
    const [sara, dawit] = [await item(persons.sara), await item(persons.dawit)];
    const stale = await supervisor.post('/api/cases/assignments', {
      officerId: ids.colleague,
      cases: [
        { caseId: sara.caseId, version: sara.caseVersion },
        { caseId: dawit.caseId, version: dawit.caseVersion - 1 },
      ],
    });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(dawit.caseVersion);
    const unknown = await supervisor.post('/api/cases/assignments', {
      officerId: ids.colleague,
      cases: [
        { caseId: sara.caseId, version: sara.caseVersion },
        { caseId: '00000000-0000-4000-8000-000000000000', version: 1 },
      ],
    });
    expect(unknown.status).toBe(404);
    expect((await queue()).map((i) => i.person.givenName)).toEqual(['Sara', 'Dawit']);
  });

  it.each([
    ['an officer of another agency', 'outsider'],
    ['a first responder', 'responder'],
    ['a disabled account', 'disabled'],
  ] as const)('refuses an assignment to %s with 422 naming officerId', async (_words, who) => {
    const sara = await item(persons.sara);
    const refused = await supervisor.post('/api/cases/assignments', { officerId: ids[who], cases: [{ caseId: sara.caseId, version: sara.caseVersion }] });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['officerId']);
    expect((await item(persons.sara)).caseVersion).toBe(sara.caseVersion);
  });

  it("answers another agency's case like one that does not exist, refuses a list naming a case twice, and lets only a supervisor assign in bulk", async () => {
    const elsewhere = (await outsider.post('/api/persons', { givenName: 'Other', sex: 'male' })).body.id as string;
    const foreignCase = (await outsider.get(`/api/persons/${elsewhere}/case`)).body;
    const foreign = await supervisor.post('/api/cases/assignments', { officerId: ids.colleague, cases: [{ caseId: foreignCase.id, version: foreignCase.version }] });
    expect(foreign.status).toBe(404);
    expect(foreign.body.type).toContain('not-found');
    const sara = await item(persons.sara);
    const twice = await supervisor.post('/api/cases/assignments', {
      officerId: ids.colleague,
      cases: [
        { caseId: sara.caseId, version: sara.caseVersion },
        { caseId: sara.caseId, version: sara.caseVersion },
      ],
    });
    expect(twice.status).toBe(400);
    expect(JSON.stringify(twice.body.errors)).toContain('cases');
    const byOfficer = await officer.post('/api/cases/assignments', { officerId: ids.colleague, cases: [{ caseId: sara.caseId, version: sara.caseVersion }] });
    expect(byOfficer.status).toBe(403);
  });
});
