import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

// Guarded actions are refused with 409 listing the
// blocking obligations; only a supervisor overrides, in writing, audited and queued for oversight.

const HOUR = 3_600_000;

describe.each(await databaseKinds())('guarded actions on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let supervisor: Caller;
  let supervisorId: string;
  let inspector: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Border Police');
    const ombudsman = await makeAgency(server.platform, 'Ombudsman', 'oversight');
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer'));
    supervisorId = await makeUser(server.platform, agency, 'supervisor', 'supervisor');
    supervisor = await sessionFor(server, supervisorId);
    inspector = await sessionFor(server, await makeUser(server.platform, ombudsman, 'oversight', 'inspector'));
  });
  afterAll(() => server.close());

  const db = () => server.platform.database.db;
  const ago = (ms: number) => new Date(server.clock.now().getTime() - ms).toISOString();

  async function newPerson(body: Record<string, unknown>, indicators: string[] = []): Promise<string> {
    const created = await officer.post('/api/persons', { sex: 'male', ageClaimed: 30, nationality: 'SY', ...body, ...(indicators.length ? { indicators } : {}) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  }
  async function refusals(personId: string): Promise<{ fields: string; actor_user_id: string | null }[]> {
    return db().selectFrom('audit_events').select(['fields', 'actor_user_id']).where('action', '=', 'guard.refused').where('record_id', '=', personId).execute();
  }
  async function actionsOf(personId: string): Promise<number> {
    return (await db().selectFrom('case_actions').select('id').where('person_id', '=', personId).execute()).length;
  }

  it('refuses to return a person who fears return with 409 problem+json naming non-refoulement, and audits the refusal', async () => {
    const personId = await newPerson({}, ['fear_of_return']);
    const answer = await officer.post(`/api/persons/${personId}/actions/return`, { details: 'Readmission agreement, flight 12 March' });
    expect(answer.status).toBe(409);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ action: 'return', status: 409 });
    expect(answer.body.type).toMatch(/guard-refused$/);
    expect(answer.body.blockedBy).toContain('protection.non_refoulement');
    const audited = await refusals(personId);
    expect(audited).toHaveLength(1);
    expect(JSON.parse(audited[0]!.fields)).toEqual(['return']);
    expect(await actionsOf(personId)).toBe(0);
    const guards = await officer.get(`/api/persons/${personId}/guards`);
    expect(guards.body.return).toEqual({ allowed: false, blockedBy: expect.arrayContaining(['protection.non_refoulement']) });
  });

  it('lets only a supervisor override, with a written reason: stored, audited and in the oversight queue', async () => {
    // Return is held back by the open trafficking referral alone: a refusal the law lets a supervisor override.
    const personId = await newPerson({}, ['trafficking_deception']);
    const reason = 'Court order 2026/113: the trafficking referral was assessed and closed by the national rapporteur';
    const refused = await officer.post(`/api/persons/${personId}/actions/return`, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ override: 'reason', protections: [] });
    expect(refused.body.detail).toContain('A supervisor may override with a written reason.');
    const byOfficer = await officer.post(`/api/persons/${personId}/actions/return`, { overrideReason: reason });
    expect(byOfficer.status).toBe(403);
    expect(await db().selectFrom('guard_overrides').select('id').where('person_id', '=', personId).execute()).toHaveLength(0);
    expect(await actionsOf(personId)).toBe(0);
    const shortReason = await supervisor.post(`/api/persons/${personId}/actions/return`, { overrideReason: 'ok' });
    expect(shortReason.status).toBe(400);
    expect(shortReason.body.errors.map((e: { field: string }) => e.field)).toEqual(['overrideReason']);

    const overridden = await supervisor.post(`/api/persons/${personId}/actions/return`, { overrideReason: reason, details: 'Flight AZ 123' });
    expect(overridden.status, JSON.stringify(overridden.body)).toBe(201);
    expect(overridden.body).toMatchObject({ action: 'return', overridden: true, blockedBy: ['trafficking.referral'] });
    const stored = await db().selectFrom('guard_overrides').selectAll().where('person_id', '=', personId).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ action: 'return', overridden_by: supervisorId, last_resort_enc: null, planned_end: null });
    expect(stored[0]!.reason_enc).not.toContain('Court order');
    const action = await db().selectFrom('case_actions').selectAll().where('person_id', '=', personId).executeTakeFirstOrThrow();
    expect(action).toMatchObject({ id: overridden.body.id, action: 'return', override_id: stored[0]!.id, performed_by: supervisorId });
    const audit = await db().selectFrom('audit_events').select('action').where('record_id', 'in', [stored[0]!.id, overridden.body.id]).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['case_action.performed', 'guard.overridden']);

    const queue = await inspector.get('/api/oversight/queue');
    expect(queue.status).toBe(200);
    const item = queue.body.find((i: { id: string }) => i.id === stored[0]!.id);
    expect(item).toMatchObject({ kind: 'override', personId, reason, by: supervisorId, subject: 'return (blocked by trafficking.referral)' });
    expect(item.lastResort).toBeUndefined();
  });

  // DOMAIN.md section 6: refusals no reason can make lawful. Each is a 409 naming the protection,
  // audited as a refusal, with nothing stored — for a supervisor, who holds guard:override, too.
  it.each([
    ['charge_for_being_smuggled', {}, [], ['protection.non_criminalization']],
    ['share_with_origin_state', { nationality: 'ER' }, ['asylum_intent'], ['protection.confidentiality']],
    ['return', {}, ['fear_of_return'], ['protection.non_refoulement']],
    ['return', { ageClaimed: 15, accompaniment: 'unaccompanied' }, ['fear_of_return', 'trafficking_debt_bondage'], ['protection.non_refoulement']],
  ] as const)('never lets anyone override %s for %j with %j', async (actionName, person, indicators, protections) => {
    const personId = await newPerson(person, [...indicators]);
    const plain = await officer.post(`/api/persons/${personId}/actions/${actionName}`, { details: 'Asked without an override' });
    expect(plain.status).toBe(409);
    expect(plain.body.type).toMatch(/guard-refused$/);
    expect(plain.body).toMatchObject({ override: 'never', protections });
    expect(plain.body.detail).toContain('No one may override it');
    expect(plain.body.detail).not.toContain('A supervisor may override');

    const reason = 'The supervisor takes responsibility for this exception in writing';
    for (const caller of [supervisor, officer]) {
      const answer = await caller.post(`/api/persons/${personId}/actions/${actionName}`, { overrideReason: reason, details: 'Asked with an override' });
      expect(answer.status, JSON.stringify(answer.body)).toBe(409);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.type).toMatch(/override-not-permitted$/);
      expect(answer.body).toMatchObject({ action: actionName, protections });
      for (const code of protections) expect(answer.body.blockedBy).toContain(code);
      expect(answer.body.detail).toContain(`No one may override it: ${protections[0]} stands`);
    }
    expect(await db().selectFrom('guard_overrides').select('id').where('person_id', '=', personId).execute()).toHaveLength(0);
    expect(await actionsOf(personId)).toBe(0);
    const audited = await refusals(personId);
    // The trail names the action, and that an override was asked for (fields, never values; sorted by the recorder).
    expect(audited.map((a) => JSON.parse(a.fields))).toEqual([[actionName], [actionName, 'override'].sort(), [actionName, 'override'].sort()]);
    expect(audited[1]!.actor_user_id).toBe(supervisorId);
  });

  it('overrides the refusal to detain a child only as a measure of last resort, with the planned end, and children.no_detention keeps running', async () => {
    const personId = await newPerson({ ageClaimed: 15, accompaniment: 'separated' });
    const since = ago(HOUR);
    const detention = { place: 'Police station, port area', since, legalBasis: 'Art. 13 (identification)' };
    const reason = 'Night arrival; no foster place until the morning and the child ran from the shelter twice';
    const alternativesConsidered = 'Emergency foster family and the night shelter were called: none could take him before 08:00';
    const plannedEnd = new Date(server.clock.now().getTime() + 6 * HOUR).toISOString();

    const refused = await supervisor.post(`/api/persons/${personId}/actions/detain`, { detention });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ blockedBy: ['children.no_detention'], override: 'last_resort', protections: [] });
    expect(refused.body.detail).toContain('only as a measure of last resort');
    const noStatement = await supervisor.post(`/api/persons/${personId}/actions/detain`, { detention, overrideReason: reason });
    expect(noStatement.status).toBe(422);
    expect(noStatement.body.errors.map((e: { field: string }) => e.field)).toEqual(['lastResort']);
    const tooLong = await supervisor.post(`/api/persons/${personId}/actions/detain`, {
      detention,
      overrideReason: reason,
      lastResort: { alternativesConsidered, plannedEnd: new Date(Date.parse(since) + 25 * HOUR).toISOString() },
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.errors).toEqual([{ field: 'lastResort.plannedEnd', message: expect.stringContaining('children.no_detention') }]);
    const past = await supervisor.post(`/api/persons/${personId}/actions/detain`, { detention, overrideReason: reason, lastResort: { alternativesConsidered, plannedEnd: ago(2 * HOUR) } });
    expect(past.status).toBe(422);
    expect(past.body.errors.map((e: { field: string }) => e.field)).toEqual(['lastResort.plannedEnd']);
    const vague = await supervisor.post(`/api/persons/${personId}/actions/detain`, { detention, overrideReason: reason, lastResort: { alternativesConsidered: 'none', plannedEnd } });
    expect(vague.status).toBe(400);
    expect(vague.body.errors.map((e: { field: string }) => e.field)).toEqual(['lastResort.alternativesConsidered']);
    const byOfficer = await officer.post(`/api/persons/${personId}/actions/detain`, { detention, overrideReason: reason, lastResort: { alternativesConsidered, plannedEnd } });
    expect(byOfficer.status).toBe(403);
    expect(await db().selectFrom('detentions').select('id').where('person_id', '=', personId).execute()).toHaveLength(0);
    expect(await db().selectFrom('guard_overrides').select('id').where('person_id', '=', personId).execute()).toHaveLength(0);

    const detained = await supervisor.post(`/api/persons/${personId}/actions/detain`, { detention, overrideReason: reason, lastResort: { alternativesConsidered, plannedEnd } });
    expect(detained.status, JSON.stringify(detained.body)).toBe(201);
    expect(detained.body).toMatchObject({ action: 'detain', overridden: true, blockedBy: ['children.no_detention'] });
    const stored = await db().selectFrom('guard_overrides').selectAll().where('person_id', '=', personId).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ action: 'detain', planned_end: plannedEnd });
    expect(stored.last_resort_enc).not.toBeNull();
    expect(stored.last_resort_enc).not.toContain('foster');
    const audit = await db().selectFrom('audit_events').select('fields').where('action', '=', 'guard.overridden').where('record_id', '=', stored.id).executeTakeFirstOrThrow();
    expect(JSON.parse(audit.fields).sort()).toEqual(['action', 'blockedBy', 'lastResort', 'reason']);
    // The override does not stop the clock: the detention must still end within 24 hours of its start.
    const owed = (await officer.get(`/api/persons/${personId}/obligations`)).body as { code: string; status: string; dueBy: string }[];
    expect(owed.find((o) => o.code === 'children.no_detention')).toMatchObject({ status: 'open', dueBy: new Date(Date.parse(since) + 24 * HOUR).toISOString().replace('.000Z', 'Z') });

    const queue = await inspector.get('/api/oversight/queue');
    const item = queue.body.find((i: { id: string }) => i.id === stored.id);
    expect(item).toMatchObject({ kind: 'override', reason, lastResort: { alternativesConsidered, plannedEnd } });
    expect(item.subject).toBe(`detain (blocked by children.no_detention), as a last resort until ${plannedEnd}`);
  });

  it('asks for the last-resort statement only where the law needs it', async () => {
    const lastResort = { alternativesConsidered: 'Reporting duties and a shelter were both considered', plannedEnd: new Date(server.clock.now().getTime() + HOUR).toISOString() };
    const trafficked = await newPerson({}, ['trafficking_forced_labour']);
    const wrongAction = await supervisor.post(`/api/persons/${trafficked}/actions/return`, { overrideReason: 'The referral was assessed and closed', lastResort });
    expect(wrongAction.status).toBe(422);
    expect(wrongAction.body.errors.map((e: { field: string }) => e.field)).toEqual(['lastResort']);
    expect(await actionsOf(trafficked)).toBe(0);
  });

  it('always refuses to charge a person for having been smuggled', async () => {
    const personId = await newPerson({});
    const answer = await officer.post(`/api/persons/${personId}/actions/charge_for_being_smuggled`, { details: 'Irregular entry' });
    expect(answer.status).toBe(409);
    expect(answer.body.blockedBy).toEqual(['protection.non_criminalization']);
    expect(await actionsOf(personId)).toBe(0);
    expect(await refusals(personId)).toHaveLength(1);
  });

  it('allows returning a plain adult, without override', async () => {
    const personId = await newPerson({});
    const answer = await officer.post(`/api/persons/${personId}/actions/return`, { details: 'Voluntary return with IOM' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toMatchObject({ action: 'return', overridden: false, blockedBy: [] });
    expect(await actionsOf(personId)).toBe(1);
  });

  it('refuses to return a child until a best-interests determination is recorded, and anyone with trafficking indicators', async () => {
    const child = await newPerson({ ageClaimed: 14, accompaniment: 'separated' });
    const refused = await officer.post(`/api/persons/${child}/actions/return`, { details: 'Family reunification abroad' });
    expect(refused.status).toBe(409);
    expect(refused.body.blockedBy).toEqual(['children.best_interests']);
    const current = (await officer.get(`/api/persons/${child}/case`)).body;
    expect((await officer.patch(`/api/cases/${current.id}`, { version: current.version, bestInterestsDetermined: true })).status).toBe(200);
    const allowed = await officer.post(`/api/persons/${child}/actions/return`, { details: 'Family reunification abroad' });
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(201);
    expect(allowed.body.overridden).toBe(false);

    const trafficked = await newPerson({}, ['trafficking_debt_bondage']);
    const answer = await officer.post(`/api/persons/${trafficked}/actions/return`, {});
    expect(answer.status).toBe(409);
    expect(answer.body.blockedBy).toEqual(['trafficking.referral']);
  });

  it('refuses to detain a child with 409 naming children.no_detention, and records no detention', async () => {
    const personId = await newPerson({ ageClaimed: 15, accompaniment: 'unaccompanied' });
    const answer = await officer.post(`/api/persons/${personId}/actions/detain`, { detention: { place: 'Police station', since: ago(HOUR), legalBasis: 'Identification' } });
    expect(answer.status).toBe(409);
    expect(answer.body.blockedBy).toEqual(['children.no_detention']);
    expect(await db().selectFrom('detentions').select('id').where('person_id', '=', personId).execute()).toHaveLength(0);
  });

  it('detains an adult with a detention record, which starts the consular-rights clock', async () => {
    const personId = await newPerson({});
    const since = ago(HOUR);
    const missing = await officer.post(`/api/persons/${personId}/actions/detain`, {});
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['detention']);
    const answer = await officer.post(`/api/persons/${personId}/actions/detain`, { detention: { place: 'CPR Bari', since, legalBasis: 'Art. 14 TUI' } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toMatchObject({ action: 'detain', overridden: false });
    const detentions = await db().selectFrom('detentions').selectAll().where('person_id', '=', personId).execute();
    expect(detentions).toHaveLength(1);
    expect(detentions[0]).toMatchObject({ place: 'CPR Bari', until: null, legal_basis: 'Art. 14 TUI' });
    const owed = (await officer.get(`/api/persons/${personId}/obligations`)).body as { code: string; dueBy: string }[];
    const inform = owed.find((o) => o.code === 'consular.inform_rights');
    expect(Date.parse(inform!.dueBy)).toBe(Date.parse(since) + 24 * HOUR);
  });

  it('refuses to detain a person already detained, and a detention starting in the future', async () => {
    const personId = await newPerson({});
    expect((await officer.post(`/api/persons/${personId}/actions/detain`, { detention: { place: 'CPR Bari', since: ago(2 * HOUR), legalBasis: 'Art. 14' } })).status).toBe(201);
    const again = await officer.post(`/api/persons/${personId}/actions/detain`, { detention: { place: 'CPR Roma', since: ago(HOUR), legalBasis: 'Art. 14' } });
    expect(again.status).toBe(422);
    expect(await db().selectFrom('detentions').select('id').where('person_id', '=', personId).execute()).toHaveLength(1);
    expect(await actionsOf(personId)).toBe(1);

    // Two at the same moment: one detains, the other is refused (never two open detentions, never a 500).
    for (let round = 0; round < 3; round += 1) {
      const raced = await newPerson({});
      const answers = await Promise.all(
        ['CPR Bari', 'CPR Roma'].map((place) => officer.post(`/api/persons/${raced}/actions/detain`, { detention: { place, since: ago(HOUR), legalBasis: 'Art. 14' } })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
      expect(await db().selectFrom('detentions').select('id').where('person_id', '=', raced).execute()).toHaveLength(1);
    }

    const other = await newPerson({});
    const future = await officer.post(`/api/persons/${other}/actions/detain`, { detention: { place: 'CPR Bari', since: new Date(server.clock.now().getTime() + 3 * HOUR).toISOString(), legalBasis: 'Art. 14' } });
    expect(future.status).toBe(422);
    expect(future.body.errors.map((e: { field: string }) => e.field)).toEqual(['detention.since']);
    expect(await db().selectFrom('detentions').select('id').where('person_id', '=', other).execute()).toHaveLength(0);
  });

  it('refuses to share with the State of origin while confidentiality stands', async () => {
    const personId = await newPerson({ nationality: 'ER' }, ['asylum_intent']);
    const answer = await officer.post(`/api/persons/${personId}/actions/share_with_origin_state`, { details: 'Identity check request to the embassy' });
    expect(answer.status).toBe(409);
    expect(answer.body.blockedBy).toEqual(['protection.confidentiality']);
    expect(await refusals(personId)).toHaveLength(1);
  });

  it('answers 404 for an action on a person outside the agency and 400 for an unknown action', async () => {
    const otherAgency = await makeAgency(server.platform, `Elsewhere ${kind}`);
    const stranger = await sessionFor(server, await makeUser(server.platform, otherAgency, 'supervisor', `stranger.${kind}`));
    const personId = await newPerson({});
    expect((await stranger.post(`/api/persons/${personId}/actions/return`, { overrideReason: 'I am a supervisor elsewhere' })).status).toBe(404);
    expect(await actionsOf(personId)).toBe(0);
    const unknown = await officer.post(`/api/persons/${personId}/actions/deport`, {});
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { field: string }) => e.field)).toContain('params:action');
  });
});
