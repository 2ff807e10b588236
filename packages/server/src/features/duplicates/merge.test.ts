import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

describe.each(await databaseKinds())('merging duplicates on %s', (kind) => {
  let server: TestServer;
  let supervisor: Caller;
  let officer: Caller;
  let agency: string;
  let officerId: string;

  beforeAll(async () => {
    server = await startTestServer(kind);
    agency = await makeAgency(server.platform, 'Reception Centre');
    supervisor = await sessionFor(server, await makeUser(server.platform, agency, 'supervisor', 'supervisor1'));
    officerId = await makeUser(server.platform, agency, 'protection_officer', 'officer1');
    officer = await sessionFor(server, officerId);
  });
  afterAll(() => server.close());

  const db = () => server.platform.database.db;
  async function snapshot(personId: string) {
    const screenings = await db().selectFrom('screenings').select(['id', 'screening_version', 'indicators']).where('person_id', '=', personId).orderBy('id').execute();
    const obligations = await db().selectFrom('obligations').select(['id', 'code', 'status']).where('person_id', '=', personId).orderBy('id').execute();
    return { screenings, obligations };
  }

  it('combines screenings and obligations into the survivor, and unmerge restores both records exactly', async () => {
    const survivor = await officer.post('/api/persons', { givenName: 'Mohamed', familyName: 'El Hassan', sex: 'male', birthDate: '2001-03-14', indicators: ['medical_need'] });
    const duplicate = await officer.post('/api/persons', { givenName: 'محمد', familyName: 'الحسن', sex: 'male', birthDate: '2001-03-14', indicators: ['fear_of_return'] });
    expect([survivor.status, duplicate.status]).toEqual([201, 201]);
    const [s, d] = [survivor.body.id as string, duplicate.body.id as string];
    const before = { survivor: await snapshot(s), duplicate: await snapshot(d) };

    expect((await officer.post(`/api/persons/${s}/merge`, { duplicateId: d, reason: 'Same man, registered twice' })).status).toBe(403);
    const merged = await supervisor.post(`/api/persons/${s}/merge`, { duplicateId: d, reason: 'Same man, registered twice' });
    expect(merged.status, JSON.stringify(merged.body)).toBe(201);
    expect(merged.body.moved.screenings).toBe(1);

    const after = await snapshot(s);
    const latest = after.screenings.reduce((a, b) => (a.screening_version > b.screening_version ? a : b));
    expect(JSON.parse(latest.indicators)).toEqual(['fear_of_return', 'medical_need']);
    expect(await snapshot(d)).toEqual({ screenings: [], obligations: [] });
    expect(new Set(after.obligations.map((o) => o.code))).toEqual(new Set([...before.survivor.obligations, ...before.duplicate.obligations].map((o) => o.code)));

    const where = await officer.get(`/api/persons/${d}/merged-into`);
    expect(where.body).toEqual({ personId: d, mergedInto: s, mergeId: merged.body.id });
    // Asking the engine about the merged-away record says where it went and gives it nothing
    // (obligations made for it again would stand in the way of the unmerge below).
    for (const asked of ['assessment', 'guards']) {
      const answer = await supervisor.get(`/api/persons/${d}/${asked}`);
      expect(answer.status, asked).toBe(409);
      expect(answer.body).toMatchObject({ type: expect.stringContaining('person-merged'), mergedInto: s });
    }
    expect(await snapshot(d)).toEqual({ screenings: [], obligations: [] });
    const listed = await officer.get('/api/persons?limit=200');
    expect(listed.body.items.map((p: { id: string }) => p.id)).not.toContain(d);
    expect((await supervisor.post(`/api/persons/${s}/merge`, { duplicateId: d, reason: 'again' })).status).toBe(409);

    const unmerged = await supervisor.post(`/api/person-merges/${merged.body.id}/unmerge`, {});
    expect(unmerged.status, JSON.stringify(unmerged.body)).toBe(200);
    expect(await snapshot(d)).toEqual(before.duplicate);
    expect((await snapshot(s)).screenings).toEqual(before.survivor.screenings);
    expect((await officer.get(`/api/persons/${d}/merged-into`)).body.mergedInto).toBeNull();
    expect((await supervisor.post(`/api/person-merges/${merged.body.id}/unmerge`, {})).status).toBe(409);

    const trail = await db().selectFrom('audit_events').select('action').where('action', 'in', ['person.merged', 'person.unmerged']).execute();
    expect(trail.map((e) => e.action).sort()).toEqual(['person.merged', 'person.merged', 'person.unmerged', 'person.unmerged']);
  });

  /** One row of each record that carries nothing but the person's id, for the person. */
  async function followingRecords(personId: string): Promise<Record<string, string>> {
    const at = '2026-03-01T10:00:00.000Z';
    const ids = Object.fromEntries(
      ['assistance', 'referrals', 'consents', 'identity_documents', 'age_assessments', 'detentions', 'consular_notifications', 'case_actions', 'guard_overrides'].map((t) => [t, randomUUID()]),
    ) as Record<string, string>;
    const provider = randomUUID();
    await db()
      .insertInto('service_providers')
      .values({ id: provider, agency_id: agency, name: 'Shelter', service_types: '["shelter"]', area: 'north', languages: '["en"]', capacity: null, hours: null, contact: null, accepts_from: null, available: null, version: 1, created_at: at, updated_at: at })
      .execute();
    await db().insertInto('assistance').values({ id: ids.assistance!, person_id: personId, encounter_id: null, type: 'water', given_at: at, given_by: officerId, place: null, language: null, notes_enc: null, created_at: at }).execute();
    await db()
      .insertInto('consents')
      .values({ id: ids.consents!, person_id: personId, purpose: 'referral', recipient_agency_id: agency, status: 'given', explained_by: officerId, language: 'en', interpreter: 0, recorded_at: at, withdrawn_at: null, version: 1 })
      .execute();
    await db()
      .insertInto('referrals')
      .values({
        id: ids.referrals!, reference: `R-${ids.referrals!.slice(0, 8)}`, person_id: personId, from_agency_id: agency, sender_id: officerId, provider_id: provider, to_agency_id: agency,
        service_type: 'shelter', urgency: 'routine', obligations: '[]', due_by: null, status: 'draft', consent_id: ids.consents!, vital_interest_by: null, vital_interest_reason_enc: null,
        shared_groups: '[]', reason_enc: null, decline_reason_enc: null, feedback_enc: null, sent_at: null, accepted_at: null, completed_at: null, ended_at: null, version: 1, created_at: at, updated_at: at,
      })
      .execute();
    await db().insertInto('identity_documents').values({ id: ids.identity_documents!, person_id: personId, type: 'passport', number_enc: null, issuing_country: null, expires_on: null, created_by: officerId, created_at: at }).execute();
    await db()
      .insertInto('age_assessments')
      .values({ id: ids.age_assessments!, person_id: personId, method: 'documentary', assessed_on: '2026-03-01', min_age: 20, max_age: 25, assessor: 'A doctor', recorded_by: officerId, created_at: at })
      .execute();
    await db()
      .insertInto('detentions')
      .values({ id: ids.detentions!, person_id: personId, place: 'Centre', since: at, until: at, legal_basis: 'entry', recorded_by: officerId, version: 1, created_at: at, updated_at: at })
      .execute();
    await db().insertInto('consular_notifications').values({ id: ids.consular_notifications!, person_id: personId, post: 'Consulate', sent_at: at, channel: 'email', recorded_by: officerId, created_at: at }).execute();
    await db()
      .insertInto('guard_overrides')
      .values({ id: ids.guard_overrides!, person_id: personId, agency_id: agency, action: 'return', blocked_by: '[]', reason_enc: 'x', overridden_by: officerId, created_at: at, last_resort_enc: null, planned_end: null })
      .execute();
    await db().insertInto('case_actions').values({ id: ids.case_actions!, person_id: personId, action: 'return', override_id: ids.guard_overrides!, details_enc: null, performed_by: officerId, created_at: at }).execute();
    return ids;
  }
  /** Whose each of these rows is now, by table. */
  async function holders(ids: Record<string, string>): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [table, id] of Object.entries(ids)) {
      const row = await db()
        .selectFrom(table as 'assistance')
        .select('person_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      out[table] = row.person_id;
    }
    return out;
  }

  it("moves every record that carries nothing but the person's id to the survivor, counts each, and unmerge gives each back", async () => {
    const survivor = await officer.post('/api/persons', { givenName: 'Yonas', familyName: 'Tesfay', sex: 'male' });
    const duplicate = await officer.post('/api/persons', { givenName: 'Yonas', familyName: 'Tesfai', sex: 'male' });
    const [s, d] = [survivor.body.id as string, duplicate.body.id as string];
    const ids = await followingRecords(d);
    const everyTable = (personId: string) => Object.fromEntries(Object.keys(ids).map((t) => [t, personId]));

    const merged = await supervisor.post(`/api/persons/${s}/merge`, { duplicateId: d, reason: 'Same man, registered twice' });
    expect(merged.status, JSON.stringify(merged.body)).toBe(201);
    expect(merged.body.moved).toMatchObject(Object.fromEntries(Object.keys(ids).map((t) => [t, 1])));
    expect(await holders(ids)).toEqual(everyTable(s));

    const unmerged = await supervisor.post(`/api/person-merges/${merged.body.id}/unmerge`, {});
    expect(unmerged.status, JSON.stringify(unmerged.body)).toBe(200);
    expect(await holders(ids)).toEqual(everyTable(d));
  });

  it('refuses to merge a person with itself, naming the field', async () => {
    const person = await officer.post('/api/persons', { givenName: 'Awa', familyName: 'Sow', sex: 'female' });
    const answer = await supervisor.post(`/api/persons/${person.body.id}/merge`, { duplicateId: person.body.id, reason: 'x' });
    expect(answer.status).toBe(422);
    expect(JSON.stringify(answer.body)).toContain('duplicateId');
  });
});
