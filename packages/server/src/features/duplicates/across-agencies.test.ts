import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type HttpAnswer, type TestServer } from '../../test-support/server.js';

/**
 * Duplicates across agencies: the coast guard registers a girl the protection unit already holds.
 * The coast guard learns that a likely match is on record there, and nothing of that record; it
 * asks the unit to link or take over, and the unit decides. Both sides' actions are audited.
 */

const problemCode = (answer: HttpAnswer): string | undefined => (typeof answer.body?.type === 'string' ? String(answer.body.type).split('/').pop() : undefined);
const explain = (answer: HttpAnswer) => `${answer.status} ${problemCode(answer) ?? ''} ${answer.body?.detail ?? ''}`;

/** The protection unit's record: what the coast guard must never read of it. */
const HELD = { givenName: 'Hiwet', familyName: 'Gebremariam', otherNames: ['Selamawit'], sex: 'female', birthDate: '2011-05-04', birthDatePrecision: 'day', nationality: 'ER', phone: '+39 333 4417 208' };
/** The coast guard's registration of the same girl, written down at sea. */
const REGISTERED = { givenName: 'Hiwet', familyName: 'Gebremariam', sex: 'female', birthDate: '2011-05-04', birthDatePrecision: 'day' };

describe.each(await databaseKinds())('duplicates across agencies on %s', (kind) => {
  let server: TestServer;
  let coastGuard: string;
  let unit: string;
  let responder: Caller;
  let responderId: string;
  let officerB: Caller;
  let supervisorB: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    coastGuard = await makeAgency(server.platform, 'Demo Coast Guard');
    unit = await makeAgency(server.platform, 'Demo Migrant Protection Unit');
    responderId = await makeUser(server.platform, coastGuard, 'first_responder', 'responder');
    responder = await sessionFor(server, responderId);
    officerB = await sessionFor(server, await makeUser(server.platform, unit, 'protection_officer', 'officer'));
    supervisorB = await sessionFor(server, await makeUser(server.platform, unit, 'supervisor', 'supervisor'));
  });
  afterAll(() => server.close());

  /** The unit's record, and the coast guard's registration of the same girl with the answer's signal. */
  async function pair(held: Record<string, unknown> = HELD, registered: Record<string, unknown> = REGISTERED) {
    const heldAnswer = await officerB.post('/api/persons', held);
    expect(heldAnswer.status, explain(heldAnswer)).toBe(201);
    const answer = await responder.post('/api/persons?duplicates=true', registered);
    expect(answer.status, explain(answer)).toBe(201);
    return { heldId: heldAnswer.body.id as string, personId: answer.body.id as string, answer };
  }

  /** Nothing of the other record in an answer: not its id, names, date of birth, nationality or phone. */
  function expectNothingOf(answer: HttpAnswer, otherId: string, other: Record<string, unknown> = HELD) {
    const text = JSON.stringify(answer.body);
    expect(text).not.toContain(otherId);
    for (const value of [other.otherNames, other.phone, `"${String(other.nationality)}"`].flat()) expect(text, `leaks ${String(value)}`).not.toContain(String(value));
  }

  it('says that a likely match is on record at the other agency, with its name and an opaque reference only', async () => {
    const { heldId, personId, answer } = await pair();
    expect(answer.body.likelyDuplicates).toEqual([]);
    expect(answer.body.likelyMatchesElsewhere).toEqual([{ agencyId: unit, agencyName: 'Demo Migrant Protection Unit', reference: expect.any(String) }]);
    expectNothingOf(answer, heldId);
    // The reference is sealed: nothing of the other record can be read from it.
    const reference = answer.body.likelyMatchesElsewhere[0].reference as string;
    expect(Buffer.from(reference, 'base64url').toString('utf8')).not.toContain(heldId);

    const search = await responder.get(`/api/persons/${personId}/duplicates`);
    expect(search.status, explain(search)).toBe(200);
    expect(search.body).toEqual({ items: [], elsewhere: [{ agencyId: unit, agencyName: 'Demo Migrant Protection Unit', reference: expect.any(String) }] });
    expectNothingOf(search, heldId);

    // Scoring decrypted the other agency's record server-side: audited on that record, by the coast guard.
    const compared = await server.platform.database.db
      .selectFrom('audit_events')
      .select(['actor_agency_id', 'fields'])
      .where('action', '=', 'person.compared_across_agencies')
      .where('record_id', '=', heldId)
      .execute();
    expect(compared.length).toBeGreaterThan(0);
    expect(compared.every((event) => event.actor_agency_id === coastGuard)).toBe(true);
  });

  it('signals a match from what a first responder records at sea (names, sex), and not a partial name', async () => {
    const { answer } = await pair({ ...HELD, givenName: 'Yordanos', otherNames: ['Meron'], phone: '+39 333 4417 213' }, { givenName: 'Yordanos', familyName: 'Gebremariam', sex: 'female', ageClaimed: 15 });
    expect(answer.body.likelyMatchesElsewhere).toEqual([{ agencyId: unit, agencyName: 'Demo Migrant Protection Unit', reference: expect.any(String) }]);
    const partial = await responder.post('/api/persons?duplicates=true', { givenName: 'Yordanos', familyName: 'Tesfamariam Haile', sex: 'female', ageClaimed: 15 });
    expect(partial.body.likelyMatchesElsewhere).toEqual([]);
  });

  it("signals nothing for a namesake that is not a likely match, nor lets the other agency search the coast guard's record", async () => {
    const { answer } = await pair({ ...HELD, givenName: 'Senait', birthDate: '1979-11-23', nationality: 'ET' }, { ...REGISTERED, givenName: 'Senait', birthDate: '2012-02-17' });
    expect(answer.body.likelyMatchesElsewhere).toEqual([]);
    // The coast guard's record stays its own: the unit searching it by id gets what an unknown id gets.
    expect((await officerB.get(`/api/persons/${answer.body.id}/duplicates`)).status).toBe(404);
  });

  it('lets the coast guard ask the unit to take over; the unit reads only its own record, accepts, and the case moves there', async () => {
    const { heldId, personId, answer } = await pair({ ...HELD, givenName: 'Rahwa', otherNames: ['Selamawit'] }, { ...REGISTERED, givenName: 'Rahwa' });
    const reference = answer.body.likelyMatchesElsewhere[0].reference as string;
    const asked = await responder.post(`/api/persons/${personId}/link-requests`, { reference, kind: 'take_over' });
    expect(asked.status, explain(asked)).toBe(201);
    expect(asked.body).toMatchObject({ kind: 'take_over', status: 'pending', side: 'requester', personId, personName: 'Rahwa Gebremariam', holderAgency: { id: unit, name: 'Demo Migrant Protection Unit' } });
    expectNothingOf(asked, heldId);
    const again = await responder.post(`/api/persons/${personId}/link-requests`, { reference, kind: 'link' });
    expect(again.status, explain(again)).toBe(409);
    expect(problemCode(again)).toBe('link-request-pending');

    // The unit's officers are told, and see the request naming their own record only.
    const { db } = server.platform.database;
    const told = await db.selectFrom('notifications').select(['kind', 'person_id']).where('kind', '=', 'link_request_received').where('person_id', '=', heldId).execute();
    expect(told.length).toBe(2);
    const listed = await officerB.get('/api/link-requests');
    expect(listed.status, explain(listed)).toBe(200);
    const incoming = (listed.body.items as { id: string }[]).find((item) => item.id === asked.body.id);
    expect(incoming).toMatchObject({ side: 'holder', personId: heldId, personName: 'Rahwa Gebremariam', requesterAgency: { id: coastGuard, name: 'Demo Coast Guard' } });
    expect(JSON.stringify(listed.body)).not.toContain(personId);

    // The coast guard cannot decide its own request.
    expect((await responder.post(`/api/link-requests/${asked.body.id}/accept`, { version: 1 })).status).toBe(403);
    const accepted = await officerB.post(`/api/link-requests/${asked.body.id}/accept`, { version: 1 });
    expect(accepted.status, explain(accepted)).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', side: 'holder', personId: heldId });
    expect(JSON.stringify(accepted.body)).not.toContain(personId);
    const twice = await officerB.post(`/api/link-requests/${asked.body.id}/accept`, { version: 2 });
    expect(problemCode(twice), explain(twice)).toBe('link-request-decided');

    // The case is the unit's now: its officers read it, the coast guard no longer does.
    expect((await officerB.get(`/api/persons/${personId}`)).status).toBe(200);
    expect((await responder.get(`/api/persons/${personId}`)).status).toBe(404);
    const news = await db.selectFrom('notifications').select('kind').where('user_id', '=', responderId).where('kind', '=', 'link_request_accepted').execute();
    expect(news).toHaveLength(1);
    const outgoing = (await responder.get('/api/link-requests')).body.items.find((item: { id: string }) => item.id === asked.body.id);
    // The record taken over is no longer the coast guard's to name.
    expect(outgoing).toMatchObject({ status: 'accepted', side: 'requester', personId, personName: null });

    // Audited on both sides: the request by the coast guard, the decision by the unit.
    const events = await db.selectFrom('audit_events').select(['action', 'actor_agency_id']).where('record_id', '=', asked.body.id).execute();
    expect(events).toContainEqual({ action: 'link_request.created', actor_agency_id: coastGuard });
    expect(events).toContainEqual({ action: 'link_request.accepted', actor_agency_id: unit });
  });

  it('merges the two records on a link a supervisor of the unit accepts; an officer may not', async () => {
    const { heldId, personId, answer } = await pair({ ...HELD, givenName: 'Mebrat', otherNames: ['Lulit'], phone: '+39 333 4417 209' }, { ...REGISTERED, givenName: 'Mebrat' });
    const asked = await responder.post(`/api/persons/${personId}/link-requests`, { reference: answer.body.likelyMatchesElsewhere[0].reference, kind: 'link' });
    expect(asked.status, explain(asked)).toBe(201);
    const byOfficer = await officerB.post(`/api/link-requests/${asked.body.id}/accept`, { version: 1 });
    expect(byOfficer.status, explain(byOfficer)).toBe(403);
    const bySupervisor = await supervisorB.post(`/api/link-requests/${asked.body.id}/accept`, { version: 1, survivor: 'held' });
    expect(bySupervisor.status, explain(bySupervisor)).toBe(200);
    const merged = await server.platform.database.db.selectFrom('persons').select('merged_into').where('id', '=', personId).executeTakeFirstOrThrow();
    expect(merged.merged_into).toBe(heldId);
  });

  it('refuses with a reason the coast guard reads', async () => {
    const { personId, answer } = await pair({ ...HELD, givenName: 'Saba', otherNames: ['Rahel'], phone: '+39 333 4417 210' }, { ...REGISTERED, givenName: 'Saba' });
    const asked = await responder.post(`/api/persons/${personId}/link-requests`, { reference: answer.body.likelyMatchesElsewhere[0].reference, kind: 'link' });
    expect(asked.status, explain(asked)).toBe(201);
    const empty = await officerB.post(`/api/link-requests/${asked.body.id}/refuse`, { version: 1, reason: '  ' });
    expect(empty.status, explain(empty)).toBe(400);
    const refused = await officerB.post(`/api/link-requests/${asked.body.id}/refuse`, { version: 1, reason: 'Not the same girl: ours was met in the port city a year ago.' });
    expect(refused.status, explain(refused)).toBe(200);
    const outgoing = (await responder.get('/api/link-requests')).body.items.find((item: { id: string }) => item.id === asked.body.id);
    expect(outgoing).toMatchObject({ status: 'refused', refusalReason: 'Not the same girl: ours was met in the port city a year ago.' });
    expect((await responder.get(`/api/persons/${personId}`)).status).toBe(200);
  });

  it('answers a request for a record the unit merged away since with 409 naming the agency holding the survivor, and nothing of either record', async () => {
    const { heldId, personId, answer } = await pair({ ...HELD, givenName: 'Winta', otherNames: ['Feven'], phone: '+39 333 4417 211' }, { ...REGISTERED, givenName: 'Winta' });
    const reference = answer.body.likelyMatchesElsewhere[0].reference as string;
    const second = await officerB.post('/api/persons', { ...HELD, givenName: 'Winta', otherNames: ['Feven'], phone: '+39 333 4417 211' });
    const merge = await supervisorB.post(`/api/persons/${second.body.id}/merge`, { duplicateId: heldId, reason: 'The same girl registered twice at the unit' });
    expect(merge.status, explain(merge)).toBe(201);
    const asked = await responder.post(`/api/persons/${personId}/link-requests`, { reference, kind: 'link' });
    expect(asked.status, explain(asked)).toBe(409);
    expect(problemCode(asked)).toBe('link-target-merged');
    expect(asked.body).toMatchObject({ agencyId: unit, agencyName: 'Demo Migrant Protection Unit' });
    expectNothingOf(asked, heldId);
    expect(JSON.stringify(asked.body)).not.toContain(second.body.id);
  });

  it('refuses a reference that is not one of a likely match of this person with 422 naming the field', async () => {
    const { personId, answer } = await pair({ ...HELD, givenName: 'Luwam', otherNames: ['Aster'], phone: '+39 333 4417 212' }, { ...REGISTERED, givenName: 'Luwam' });
    const reference = answer.body.likelyMatchesElsewhere[0].reference as string;
    const other = await responder.post('/api/persons', { givenName: 'Probe', sex: 'male' });
    for (const [path, body] of [
      [`/api/persons/${personId}/link-requests`, { reference: 'not-a-reference', kind: 'link' }],
      // A reference is bound to the person it was given for: another of the caller's persons cannot use it.
      [`/api/persons/${other.body.id}/link-requests`, { reference, kind: 'link' }],
    ] as const) {
      const refused = await responder.post(path, body);
      expect(refused.status, explain(refused)).toBe(422);
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['reference']);
    }
    const badKind = await responder.post(`/api/persons/${personId}/link-requests`, { reference, kind: 'swap' });
    expect(badKind.status, explain(badKind)).toBe(400);
    // A reference ages out: a week later it must be searched for again.
    server.clock.advance(8 * 24 * 3_600_000);
    const late = await (await sessionFor(server, responderId)).post(`/api/persons/${personId}/link-requests`, { reference, kind: 'link' });
    expect(late.status, explain(late)).toBe(422);
  });
});
