import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAssess } from '../../cli/assess.js';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

// Issue 18, point 2: an assessment the person contests does not end the age dispute (DOMAIN.md §4,
// §9 rule 1). The boy who claims 17, assessed at 20 and appealing, keeps his child obligations and
// guards until the appeal is decided; the API and `haven assess` agree on exactly this situation.

const ENCOUNTERED_AT = '2026-02-28T06:00:00Z';

describe.each(await databaseKinds())('age assessment challenged on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let responder: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Age Unit');
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'age.officer'));
    responder = await sessionFor(server, await makeUser(server.platform, agency, 'first_responder', 'age.responder'));
  });
  afterAll(() => server.close());

  async function theBoy(): Promise<string> {
    const encounter = await officer.post('/api/encounters', { type: 'land_apprehension', occurredAt: ENCOUNTERED_AT, place: { name: 'Border road' } });
    expect(encounter.status).toBe(201);
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, {
      persons: [{ givenName: 'Yonas', sex: 'male', ageClaimed: 17, ageDisputed: true, accompaniment: 'unaccompanied', nationality: 'ER' }],
    });
    expect(registered.status).toBe(201);
    return registered.body.persons[0].id as string;
  }

  const assessment = async (personId: string) => (await officer.get(`/api/persons/${personId}/assessment`)).body as {
    flags: string[];
    obligations: { code: string }[];
    guards: Record<string, { allowed: boolean; blockedBy: string[] }>;
  };

  /** `haven assess` on the contract's input for the same facts. */
  function cli(person: Record<string, unknown>) {
    const result = runAssess(JSON.stringify({ encounteredAt: ENCOUNTERED_AT, encounterType: 'land_apprehension', person: { sex: 'male', accompaniment: 'unaccompanied', nationality: 'ER', languages: [], ...person } }));
    expect(result.exitCode, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Awaited<ReturnType<typeof assessment>>;
  }

  function expectSame(api: Awaited<ReturnType<typeof assessment>>, expected: Awaited<ReturnType<typeof assessment>>) {
    expect([...api.flags].sort()).toEqual([...expected.flags].sort());
    expect(api.obligations.map((o) => o.code).sort()).toEqual(expected.obligations.map((o) => o.code).sort());
    for (const [action, guard] of Object.entries(expected.guards)) {
      expect({ action, allowed: api.guards[action]!.allowed, blockedBy: [...api.guards[action]!.blockedBy].sort() }).toEqual({ action, allowed: guard.allowed, blockedBy: [...guard.blockedBy].sort() });
    }
  }

  it('keeps the boy who claims 17, assessed 20 and appealing, a child until the appeal is decided; then an adult', async () => {
    const personId = await theBoy();
    expect((await assessment(personId)).flags).toEqual(expect.arrayContaining(['child', 'age_disputed', 'unaccompanied_child']));

    const recorded = await officer.post(`/api/persons/${personId}/age-assessments`, { method: 'medical', assessedOn: '2026-02-28', minAge: 20, maxAge: 22, assessor: 'Dr. L. Ferri, radiologist' });
    expect(recorded.status).toBe(201);
    // Unchallenged, the assessment settles it: an adult.
    expect((await assessment(personId)).flags).not.toContain('child');

    // He appeals: the first responder may not record it; a date before the assessment is refused.
    const appeal = { kind: 'appeal', lodgedOn: '2026-03-01', lodgedBy: 'legal_representative' };
    const path = `/api/persons/${personId}/age-assessments/${recorded.body.id}/challenges`;
    expect((await responder.post(path, appeal)).status).toBe(403);
    const early = await officer.post(path, { ...appeal, lodgedOn: '2026-02-27' });
    expect(early.status).toBe(422);
    expect(early.body.errors.map((e: { field: string }) => e.field)).toEqual(['lodgedOn']);
    const lodged = await officer.post(path, appeal);
    expect(lodged.status).toBe(201);
    expect(lodged.body).toMatchObject({ kind: 'appeal', outcome: null, version: 1 });
    expect((await officer.post(path, { ...appeal, kind: 'review' })).body.type).toMatch(/age-challenge-pending$/);

    // Benefit of the doubt: still a child, his obligations and guards stand.
    let api = await assessment(personId);
    expect(api.flags).toEqual(expect.arrayContaining(['child', 'age_disputed', 'unaccompanied_child']));
    expect(api.obligations.map((o) => o.code)).toEqual(expect.arrayContaining(['children.best_interests', 'children.guardian']));
    expect(api.guards.detain).toMatchObject({ allowed: false, blockedBy: ['children.no_detention'] });
    expect(api.guards.return!.allowed).toBe(false);
    expect(api.guards.return!.blockedBy).toContain('children.best_interests');
    const detain = await officer.post(`/api/persons/${personId}/actions/detain`, { detention: { place: 'Border post', since: '2026-03-01T05:00:00Z', legalBasis: 'Identification' } });
    expect(detain.status).toBe(409);
    expect(detain.body.type).toMatch(/guard-refused$/);
    // `haven assess` on the same facts (assessed 20, claimed 17, disputed) says the same.
    expectSame(api, cli({ age: 20, ageClaimed: 17, ageDisputed: true }));

    // The appeal is decided: the assessment upheld. A stale version is refused, nothing saved.
    const decision = { version: 1, outcome: 'upheld', decidedOn: '2026-03-01', decidedBy: 'Juvenile Court of Catania' };
    const decisionPath = `/api/persons/${personId}/age-challenges/${lodged.body.id}/decision`;
    expect((await officer.post(decisionPath, { ...decision, version: 2 })).body.type).toMatch(/stale-version$/);
    expect((await officer.post(decisionPath, { ...decision, outcome: 'new_range' })).status).toBe(400);
    const decided = await officer.post(decisionPath, decision);
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ outcome: 'upheld', decidedBy: 'Juvenile Court of Catania', version: 2 });
    expect((await officer.post(decisionPath, { ...decision, version: 2 })).body.type).toMatch(/age-challenge-decided$/);

    api = await assessment(personId);
    expect(api.flags).not.toContain('child');
    expect(api.flags).not.toContain('age_disputed');
    expect(api.guards.detain!.allowed).toBe(true);
    expectSame(api, cli({ age: 20, ageClaimed: 17, ageDisputed: false }));
    const obligations = (await officer.get(`/api/persons/${personId}/obligations`)).body as { code: string; status: string }[];
    expect(obligations.find((o) => o.code === 'children.guardian')?.status).toBe('lapsed');

    const history = await officer.get(`/api/persons/${personId}/age-assessments`);
    expect(history.body).toHaveLength(1);
    expect(history.body[0].challenges).toEqual([expect.objectContaining({ id: lodged.body.id, kind: 'appeal', lodgedBy: 'legal_representative', outcome: 'upheld', decidedOn: '2026-03-01' })]);
  });

  it('uses the claimed age once a review accepts it, and the lower bound of a new range', async () => {
    const personId = await theBoy();
    const recorded = await officer.post(`/api/persons/${personId}/age-assessments`, { method: 'interview', assessedOn: '2026-02-28', minAge: 19, maxAge: 21, assessor: 'M. Conti, social worker' });
    const review = await officer.post(`/api/persons/${personId}/age-assessments/${recorded.body.id}/challenges`, { kind: 'review', lodgedOn: '2026-02-28', lodgedBy: 'guardian' });
    expect(review.status).toBe(201);
    const accepted = await officer.post(`/api/persons/${personId}/age-challenges/${review.body.id}/decision`, { version: 1, outcome: 'claimed_age_accepted', decidedOn: '2026-03-01', decidedBy: 'Age review panel' });
    expect(accepted.status).toBe(200);
    let api = await assessment(personId);
    expect(api.flags).toContain('child');
    expect(api.flags).not.toContain('age_disputed');
    expectSame(api, cli({ age: 17, ageClaimed: 17, ageDisputed: false }));

    // A second challenge (an appeal of the same assessment) decided with a new range, 18–20: an adult.
    const appeal = await officer.post(`/api/persons/${personId}/age-assessments/${recorded.body.id}/challenges`, { kind: 'appeal', lodgedOn: '2026-03-01', lodgedBy: 'person' });
    expect(appeal.status).toBe(201);
    expect((await assessment(personId)).flags).toContain('age_disputed');
    const ranged = await officer.post(`/api/persons/${personId}/age-challenges/${appeal.body.id}/decision`, { version: 1, outcome: 'new_range', minAge: 18, maxAge: 20, decidedOn: '2026-03-01', decidedBy: 'Court of appeal' });
    expect(ranged.status).toBe(200);
    api = await assessment(personId);
    expect(api.flags).not.toContain('child');
    expectSame(api, cli({ age: 18, ageClaimed: 17, ageDisputed: false }));
  });

  it('does not let another person’s assessment be challenged through this person', async () => {
    const boy = await theBoy();
    const other = await theBoy();
    const recorded = await officer.post(`/api/persons/${other}/age-assessments`, { method: 'interview', assessedOn: '2026-02-28', minAge: 19, maxAge: 21, assessor: 'M. Conti' });
    const answer = await officer.post(`/api/persons/${boy}/age-assessments/${recorded.body.id}/challenges`, { kind: 'review', lodgedOn: '2026-03-01', lodgedBy: 'person' });
    expect(answer.status).toBe(404);
  });
});
