import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

describe.each(await databaseKinds())('merging duplicates on %s', (kind) => {
  let server: TestServer;
  let supervisor: Caller;
  let officer: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind);
    const agency = await makeAgency(server.platform, 'Reception Centre');
    supervisor = await sessionFor(server, await makeUser(server.platform, agency, 'supervisor', 'supervisor1'));
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer1'));
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

  it('refuses to merge a person with itself, naming the field', async () => {
    const person = await officer.post('/api/persons', { givenName: 'Awa', familyName: 'Sow', sex: 'female' });
    const answer = await supervisor.post(`/api/persons/${person.body.id}/merge`, { duplicateId: person.body.id, reason: 'x' });
    expect(answer.status).toBe(422);
    expect(JSON.stringify(answer.body)).toContain('duplicateId');
  });
});
