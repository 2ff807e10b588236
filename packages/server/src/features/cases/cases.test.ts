import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

// The case (stage, reasons, officer, facts the engine reads), age
// disputes, detention and consular rights.

const HOUR = 3_600_000;

interface Obligation {
  id: string;
  code: string;
  status: string;
  dueBy: string | null;
  fulfilment: { type: string; id: string | null; at: string } | null;
  version: number;
}

describe.each(await databaseKinds())('cases, age disputes, detention and consular rights on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let responder: Caller;
  let colleagueId: string;
  let outsiderId: string;
  let supervisor: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Protection Unit');
    const other = await makeAgency(server.platform, 'Other Unit');
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer'));
    responder = await sessionFor(server, await makeUser(server.platform, agency, 'first_responder', 'responder'));
    colleagueId = await makeUser(server.platform, agency, 'protection_officer', 'colleague');
    outsiderId = await makeUser(server.platform, other, 'protection_officer', 'outsider');
    supervisor = await sessionFor(server, await makeUser(server.platform, agency, 'supervisor', 'supervisor'));
  });
  afterAll(() => server.close());

  const db = () => server.platform.database.db;
  const ago = (ms: number) => new Date(server.clock.now().getTime() - ms).toISOString();

  async function newPerson(body: Record<string, unknown> = {}): Promise<string> {
    const created = await officer.post('/api/persons', { givenName: 'Dawit', sex: 'male', ageClaimed: 30, languages: ['ti'], ...body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  }
  async function obligations(personId: string): Promise<Map<string, Obligation>> {
    const answer = await officer.get(`/api/persons/${personId}/obligations`);
    expect(answer.status).toBe(200);
    return new Map((answer.body as Obligation[]).map((o) => [o.code, o]));
  }
  async function caseOf(personId: string): Promise<{ id: string; version: number; stage: string }> {
    const answer = await officer.get(`/api/persons/${personId}/case`);
    expect(answer.status).toBe(200);
    return answer.body;
  }
  async function flags(personId: string): Promise<string[]> {
    return (await officer.get(`/api/persons/${personId}/assessment`)).body.flags;
  }

  describe('the case', () => {
    it('moves forward, closes and reopens only with a reason, and never moves backwards', async () => {
      const personId = await newPerson();
      let current = await caseOf(personId);
      expect(current.stage).toBe('registered');
      const forward = await officer.patch(`/api/cases/${current.id}`, { version: current.version, stage: 'assisted' });
      expect(forward.status, JSON.stringify(forward.body)).toBe(200);
      expect(forward.body).toMatchObject({ stage: 'assisted', version: current.version + 1 });
      current = forward.body;

      const backwards = await officer.patch(`/api/cases/${current.id}`, { version: current.version, stage: 'screened' });
      expect(backwards.status).toBe(422);
      expect(backwards.body.errors.map((e: { field: string }) => e.field)).toEqual(['stage']);

      const closeWithoutReason = await officer.patch(`/api/cases/${current.id}`, { version: current.version, stage: 'closed' });
      expect(closeWithoutReason.status).toBe(422);
      expect(closeWithoutReason.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
      expect((await caseOf(personId)).stage).toBe('assisted');

      const closed = await officer.patch(`/api/cases/${current.id}`, { version: current.version, stage: 'closed', reason: 'Transferred to the asylum authority' });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ stage: 'closed', stageReason: 'Transferred to the asylum authority' });
      current = closed.body;

      const reopenWithoutReason = await officer.patch(`/api/cases/${current.id}`, { version: current.version, stage: 'screened' });
      expect(reopenWithoutReason.status).toBe(422);
      expect(reopenWithoutReason.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
      expect((await caseOf(personId)).stage).toBe('closed');

      const reopened = await officer.patch(`/api/cases/${current.id}`, { version: current.version, stage: 'screened', reason: 'New evidence of trafficking' });
      expect(reopened.status).toBe(200);
      expect(reopened.body).toMatchObject({ stage: 'screened', stageReason: 'New evidence of trafficking' });
    });

    it('refuses a change based on a stale version with 409 and applies nothing', async () => {
      const personId = await newPerson();
      const current = await caseOf(personId);
      expect((await officer.patch(`/api/cases/${current.id}`, { version: current.version, riskLevel: 'high' })).status).toBe(200);
      const stale = await officer.patch(`/api/cases/${current.id}`, { version: current.version, riskLevel: 'low', stage: 'referred' });
      expect(stale.status).toBe(409);
      expect(stale.headers.get('content-type')).toContain('application/problem+json');
      expect(stale.body.currentVersion).toBe(current.version + 1);
      expect(await caseOf(personId)).toMatchObject({ riskLevel: 'high', stage: 'registered' });
    });

    it('fulfils the asylum referral when the claim is lodged', async () => {
      const personId = await newPerson();
      await officer.post(`/api/persons/${personId}/screenings`, { indicators: ['asylum_intent'] });
      expect((await obligations(personId)).get('protection.asylum_referral')).toMatchObject({ status: 'open' });
      const current = await caseOf(personId);
      const lodged = await officer.patch(`/api/cases/${current.id}`, { version: current.version, asylumClaim: 'lodged' });
      expect(lodged.status).toBe(200);
      expect(lodged.body.asylumClaim).toBe('lodged');
      const after = await obligations(personId);
      expect(after.get('protection.asylum_referral')).toMatchObject({ status: 'fulfilled', fulfilment: { type: 'facts' } });
      // Lodging a claim does not end non-refoulement.
      expect(after.get('protection.non_refoulement')).toMatchObject({ status: 'open' });
    });

    it('assigns an officer of the agency working on the case, and refuses a user of another agency', async () => {
      const personId = await newPerson();
      const current = await caseOf(personId);
      const foreign = await officer.patch(`/api/cases/${current.id}`, { version: current.version, officerId: outsiderId });
      expect(foreign.status).toBe(422);
      expect(foreign.body.errors.map((e: { field: string }) => e.field)).toEqual(['officerId']);
      const unknown = await officer.patch(`/api/cases/${current.id}`, { version: current.version, officerId: '00000000-0000-4000-8000-000000000000' });
      expect(unknown.status).toBe(422);
      const assigned = await officer.patch(`/api/cases/${current.id}`, { version: current.version, officerId: colleagueId });
      expect(assigned.status).toBe(200);
      expect(assigned.body.officerId).toBe(colleagueId);
    });

    it('lets only a role that manages cases change one', async () => {
      const personId = await newPerson();
      const current = await caseOf(personId);
      expect((await responder.patch(`/api/cases/${current.id}`, { version: current.version, stage: 'screened' })).status).toBe(403);
    });
  });

  describe('age disputes', () => {
    it('treats a disputed minor as a child even when the estimated birth date says adult, until an assessment settles it by its lower bound', async () => {
      const personId = await newPerson({ ageClaimed: 16, ageDisputed: true, birthDate: '2000-01-01', birthDatePrecision: 'estimated', accompaniment: 'unaccompanied' });
      expect(await flags(personId)).toEqual(expect.arrayContaining(['child', 'unaccompanied_child', 'age_disputed']));
      let owed = await obligations(personId);
      expect(owed.get('children.best_interests')).toMatchObject({ status: 'open' });
      expect(owed.get('children.guardian')).toMatchObject({ status: 'open' });

      // A first responder does not settle age disputes.
      const assessment = { method: 'multidisciplinary', assessedOn: '2026-02-28', minAge: 17, maxAge: 21, assessor: 'Dr. A. Rossi, paediatrician' };
      expect((await responder.post(`/api/persons/${personId}/age-assessments`, assessment)).status).toBe(403);
      const future = await officer.post(`/api/persons/${personId}/age-assessments`, { ...assessment, assessedOn: '2026-03-05' });
      expect(future.status).toBe(422);
      expect(future.body.errors.map((e: { field: string }) => e.field)).toEqual(['assessedOn']);
      const inverted = await officer.post(`/api/persons/${personId}/age-assessments`, { ...assessment, minAge: 22, maxAge: 19 });
      expect(inverted.status).toBe(400);

      // Range 17–21: the lower bound, 17, is the age the engine uses — still a child.
      expect((await officer.post(`/api/persons/${personId}/age-assessments`, assessment)).status).toBe(201);
      expect(await flags(personId)).toContain('child');
      expect(await flags(personId)).not.toContain('age_disputed');
      expect((await obligations(personId)).get('children.best_interests')).toMatchObject({ status: 'open' });

      // A later assessment of 19–23 settles the dispute: an adult.
      expect((await officer.post(`/api/persons/${personId}/age-assessments`, { ...assessment, minAge: 19, maxAge: 23 })).status).toBe(201);
      expect(await flags(personId)).not.toContain('child');
      owed = await obligations(personId);
      // No longer owed: kept as lapsed history, never deleted.
      expect(owed.get('children.best_interests')).toMatchObject({ status: 'lapsed' });
      const history = await officer.get(`/api/persons/${personId}/age-assessments`);
      expect(history.body.map((a: { minAge: number }) => a.minAge)).toEqual([17, 19]);
    });

    it('treats a claimed minor without a birth date as a child, and an undisputed adult birth date as an adult', async () => {
      const claimed = await newPerson({ ageClaimed: 16 });
      expect((await obligations(claimed)).get('children.best_interests')).toMatchObject({ status: 'open' });
      const adult = await newPerson({ ageClaimed: 16, birthDate: '1990-05-01', birthDatePrecision: 'day' });
      expect((await obligations(adult)).has('children.best_interests')).toBe(false);
    });
  });

  describe('detention and consular rights', () => {
    it('starts the consular-rights clock at the detention start; recording the rights information fulfils it', async () => {
      const personId = await newPerson();
      const since = ago(3 * HOUR);
      const detention = await officer.post(`/api/persons/${personId}/detentions`, { place: 'Pozzallo hotspot', since, legalBasis: 'Art. 14 TUI' });
      expect(detention.status, JSON.stringify(detention.body)).toBe(201);
      expect(detention.body).toMatchObject({ place: 'Pozzallo hotspot', until: null, version: 1 });
      const inform = (await obligations(personId)).get('consular.inform_rights')!;
      expect(inform).toMatchObject({ status: 'open' });
      expect(Date.parse(inform.dueBy!)).toBe(Date.parse(since) + 24 * HOUR);

      const caseBefore = await caseOf(personId);
      const rights = await officer.post(`/api/persons/${personId}/consular-rights`, { informedAt: ago(HOUR), language: 'ti', choice: 'declined' });
      expect(rights.status, JSON.stringify(rights.body)).toBe(201);
      expect(rights.body).toEqual({ consular: 'declined' });
      const given = await db().selectFrom('assistance').select(['id', 'language']).where('person_id', '=', personId).where('type', '=', 'consular_rights_information').execute();
      expect(given).toHaveLength(1);
      expect((await obligations(personId)).get('consular.inform_rights')).toMatchObject({ status: 'fulfilled', fulfilment: { type: 'assistance', id: given[0]!.id } });
      // The person's choice is a new version of the case: an edit based on the old one is refused.
      expect((await caseOf(personId)) as unknown).toMatchObject({ consular: 'declined', version: caseBefore.version + 1 });
      expect((await officer.patch(`/api/cases/${caseBefore.id}`, { version: caseBefore.version, consular: 'requested' })).status).toBe(409);
    });

    it('refuses a consular-rights record dated in the future, naming informedAt', async () => {
      const personId = await newPerson();
      await officer.post(`/api/persons/${personId}/detentions`, { place: 'Station', since: ago(HOUR), legalBasis: 'Art. 14' });
      const answer = await officer.post(`/api/persons/${personId}/consular-rights`, { informedAt: new Date(server.clock.now().getTime() + 2 * HOUR).toISOString(), language: 'ti', choice: 'requested' });
      expect(answer.status).toBe(422);
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['informedAt']);
      expect(await caseOf(personId)).toMatchObject({ consular: 'not_asked' });
    });

    it('keeps children.no_detention open while a child is detained and fulfils it, linked to the detention, when it ends', async () => {
      const personId = await newPerson({ ageClaimed: 15, accompaniment: 'unaccompanied' });
      const since = ago(2 * HOUR);
      const detention = await officer.post(`/api/persons/${personId}/detentions`, { place: 'Police station', since, legalBasis: 'Identification' });
      expect(detention.status).toBe(201);
      const open = (await obligations(personId)).get('children.no_detention')!;
      expect(open.status).toBe('open');
      expect(Date.parse(open.dueBy!)).toBe(Date.parse(since) + 24 * HOUR);

      const backwards = await officer.patch(`/api/persons/${personId}/detentions/${detention.body.id}`, { version: 1, until: ago(3 * HOUR) });
      expect(backwards.status).toBe(422);
      expect(backwards.body.errors.map((e: { field: string }) => e.field)).toEqual(['until']);
      expect((await obligations(personId)).get('children.no_detention')!.status).toBe('open');

      const ended = await officer.patch(`/api/persons/${personId}/detentions/${detention.body.id}`, { version: 1, until: ago(HOUR) });
      expect(ended.status, JSON.stringify(ended.body)).toBe(200);
      expect(ended.body).toMatchObject({ version: 2 });
      expect((await obligations(personId)).get('children.no_detention')).toMatchObject({ status: 'fulfilled', fulfilment: { type: 'detention', id: detention.body.id } });
      const stale = await officer.patch(`/api/persons/${personId}/detentions/${detention.body.id}`, { version: 1, until: ago(HOUR) });
      expect(stale.status).toBe(409);
    });

    it('refuses a detention ending before it starts, one starting in the future, and a second open detention', async () => {
      const personId = await newPerson();
      const inverted = await officer.post(`/api/persons/${personId}/detentions`, { place: 'X', since: ago(HOUR), until: ago(2 * HOUR), legalBasis: 'Y' });
      expect([400, 422]).toContain(inverted.status);
      expect(inverted.body.errors.map((e: { field: string }) => e.field)).toContain('until');
      const future = await officer.post(`/api/persons/${personId}/detentions`, { place: 'X', since: new Date(server.clock.now().getTime() + 3 * HOUR).toISOString(), legalBasis: 'Y' });
      expect(future.status).toBe(422);
      expect(future.body.errors.map((e: { field: string }) => e.field)).toEqual(['since']);
      expect(await db().selectFrom('detentions').select('id').where('person_id', '=', personId).execute()).toHaveLength(0);

      expect((await officer.post(`/api/persons/${personId}/detentions`, { place: 'X', since: ago(2 * HOUR), legalBasis: 'Y' })).status).toBe(201);
      const second = await officer.post(`/api/persons/${personId}/detentions`, { place: 'Z', since: ago(HOUR), legalBasis: 'Y' });
      expect(second.status).toBe(422);
      expect(await db().selectFrom('detentions').select('id').where('person_id', '=', personId).execute()).toHaveLength(1);
    });

    it('records one detention when two are recorded for the same person at the same time; the other is refused, never a 500', async () => {
      for (let round = 0; round < 4; round += 1) {
        const personId = await newPerson();
        const answers = await Promise.all([
          officer.post(`/api/persons/${personId}/detentions`, { place: 'Station A', since: ago(2 * HOUR), legalBasis: 'Art. 14' }),
          officer.post(`/api/persons/${personId}/detentions`, { place: 'Station B', since: ago(HOUR), legalBasis: 'Art. 14' }),
        ]);
        expect(answers.map((a) => a.status).sort(), JSON.stringify(answers.map((a) => a.body))).toEqual([201, 422]);
        expect(await db().selectFrom('detentions').select('id').where('person_id', '=', personId).where('until', 'is', null).execute()).toHaveLength(1);
      }
    });

    it('lets a first responder record a detention, its end and consular rights explained, but not notify the post nor change the case', async () => {
      const personId = await newPerson({ nationality: 'ER' });
      const detention = await responder.post(`/api/persons/${personId}/detentions`, { place: 'Border post 7', since: ago(3 * HOUR), legalBasis: 'Art. 14 TUI' });
      expect(detention.status, JSON.stringify(detention.body)).toBe(201);
      const rights = await responder.post(`/api/persons/${personId}/consular-rights`, { informedAt: ago(2 * HOUR), language: 'ti', choice: 'requested' });
      expect(rights.status, JSON.stringify(rights.body)).toBe(201);
      expect((await obligations(personId)).get('consular.inform_rights')).toMatchObject({ status: 'fulfilled', fulfilment: { type: 'assistance' } });
      expect((await obligations(personId)).get('consular.notify_post')).toMatchObject({ status: 'open' });
      // Sharing with the State of origin and the case's facts stay with those who manage the case.
      expect((await responder.post(`/api/persons/${personId}/consular-notifications`, { post: 'Embassy of Eritrea', sentAt: ago(HOUR), channel: 'email' })).status).toBe(403);
      const current = await caseOf(personId);
      expect((await responder.patch(`/api/cases/${current.id}`, { version: current.version, consular: 'declined' })).status).toBe(403);
      const ended = await responder.patch(`/api/persons/${personId}/detentions/${detention.body.id}`, { version: 1, until: ago(HOUR) });
      expect(ended.status, JSON.stringify(ended.body)).toBe(200);

      // The officer reads who did what, by name, and the profile's rule beside it.
      const sent = await officer.post(`/api/persons/${personId}/consular-notifications`, { post: 'Embassy of Eritrea', sentAt: ago(HOUR), channel: 'email' });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      const record = await officer.get(`/api/persons/${personId}/consular`);
      expect(record.status, JSON.stringify(record.body)).toBe(200);
      expect(record.body.detentions).toEqual([
        { id: detention.body.id, place: 'Border post 7', since: detention.body.since, until: ended.body.until, legalBasis: 'Art. 14 TUI', version: 2, recordedBy: 'responder' },
      ]);
      expect(record.body.rightsExplained).toEqual([{ at: new Date(ago(2 * HOUR)).toISOString(), language: 'ti', by: 'responder' }]);
      expect(record.body.notifications).toEqual([{ id: sent.body.id, post: 'Embassy of Eritrea', sentAt: expect.any(String), channel: 'email', by: 'officer' }]);
      expect(record.body.profile).toEqual({ name: server.platform.profile.name, mandatoryNotification: [...server.platform.profile.mandatoryConsularNotification] });
      const audited = await db().selectFrom('audit_events').select('action').where('record_id', '=', personId).where('action', '=', 'consular.read').execute();
      expect(audited).toHaveLength(1);
      // Another agency's officer learns nothing, not even that the person exists.
      const outsider = await sessionFor(server, outsiderId);
      expect((await outsider.get(`/api/persons/${personId}/consular`)).status).toBe(404);
      expect((await outsider.post(`/api/persons/${personId}/detentions`, { place: 'X', since: ago(HOUR), legalBasis: 'Y' })).status).toBe(404);
    });

    it('replays a device\'s detention, its end and consular rights sent twice with the same key: one record each', async () => {
      const personId = await newPerson();
      const key = (name: string) => ({ 'idempotency-key': `device-7-${name}-${personId}` });
      const body = { place: 'Quay 3', since: ago(3 * HOUR), legalBasis: 'Art. 10' };
      const first = await responder.post(`/api/persons/${personId}/detentions`, body, key('detention'));
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const again = await responder.post(`/api/persons/${personId}/detentions`, body, key('detention'));
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotency-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await db().selectFrom('detentions').select('id').where('person_id', '=', personId).execute()).toHaveLength(1);

      const end = { version: 1, until: ago(HOUR) };
      const ended = await responder.request('PATCH', `/api/persons/${personId}/detentions/${first.body.id}`, end, key('end'));
      expect(ended.status, JSON.stringify(ended.body)).toBe(200);
      // The answer was lost: the device sends the same end again and gets it back, not its own stale version.
      const endedAgain = await responder.request('PATCH', `/api/persons/${personId}/detentions/${first.body.id}`, end, key('end'));
      expect(endedAgain.status).toBe(200);
      expect(endedAgain.body).toEqual(ended.body);
      expect((await db().selectFrom('detentions').select('version').where('id', '=', first.body.id).executeTakeFirstOrThrow()).version).toBe(2);
      // Without the key, a second end on the old version is the conflict it is.
      expect((await responder.patch(`/api/persons/${personId}/detentions/${first.body.id}`, end)).status).toBe(409);

      const rights = { informedAt: ago(2 * HOUR), language: 'ar', choice: 'declined' };
      expect((await responder.post(`/api/persons/${personId}/consular-rights`, rights, key('rights'))).status).toBe(201);
      expect((await responder.post(`/api/persons/${personId}/consular-rights`, rights, key('rights'))).status).toBe(201);
      const given = await db().selectFrom('assistance').select('id').where('person_id', '=', personId).where('type', '=', 'consular_rights_information').execute();
      expect(given).toHaveLength(1);
    });

    it('refuses a consular notification for a person who fears return, unless the person asked for their consulate', async () => {
      const personId = await newPerson({ nationality: 'ER' });
      await officer.post(`/api/persons/${personId}/screenings`, { indicators: ['fear_of_return'] });
      await officer.post(`/api/persons/${personId}/detentions`, { place: 'CPR Ponte Galeria', since: ago(2 * HOUR), legalBasis: 'Art. 14' });
      const notification = { post: 'Embassy of Eritrea, Rome', sentAt: ago(HOUR), channel: 'email' };
      const auditBefore = await db().selectFrom('audit_events').select('seq').where('action', '=', 'guard.refused').where('record_id', '=', personId).execute();

      const refused = await officer.post(`/api/persons/${personId}/consular-notifications`, notification);
      expect(refused.status).toBe(409);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.blockedBy).toEqual(['protection.confidentiality']);
      expect(await db().selectFrom('consular_notifications').select('id').where('person_id', '=', personId).execute()).toHaveLength(0);
      const auditAfter = await db().selectFrom('audit_events').select('seq').where('action', '=', 'guard.refused').where('record_id', '=', personId).execute();
      expect(auditAfter.length).toBe(auditBefore.length + 1);
      // Nothing goes to the State he fears on a supervisor's word either (DOMAIN.md section 6).
      const overriding = await supervisor.post(`/api/persons/${personId}/consular-notifications`, { ...notification, overrideReason: 'The embassy asked to be told of every detention' });
      expect(overriding.status).toBe(409);
      expect(overriding.body.type).toMatch(/override-not-permitted$/);
      expect(overriding.body).toMatchObject({ action: 'share_with_origin_state', protections: ['protection.confidentiality'] });
      expect(await db().selectFrom('consular_notifications').select('id').where('person_id', '=', personId).execute()).toHaveLength(0);
      expect(await db().selectFrom('guard_overrides').select('id').where('person_id', '=', personId).execute()).toHaveLength(0);

      const current = await caseOf(personId);
      expect((await officer.patch(`/api/cases/${current.id}`, { version: current.version, consular: 'requested' })).status).toBe(200);
      // The person's request makes the notification owed (VCCR 36(1)(b)), and no longer refused.
      expect((await obligations(personId)).get('consular.notify_post')).toMatchObject({ status: 'open' });
      const sent = await officer.post(`/api/persons/${personId}/consular-notifications`, notification);
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      expect(sent.body.overridden).toBe(false);
      expect((await obligations(personId)).get('consular.notify_post')).toMatchObject({ status: 'fulfilled', fulfilment: { type: 'consular_notification', id: sent.body.id } });
    });
  });
});
