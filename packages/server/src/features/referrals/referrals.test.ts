import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import type { Caller } from '../../test-support/server.js';
import { AREA, fields, referralWorld, type ReferralWorld } from './test-support/world.js';

// The referral lifecycle, consent and minimisation, the provider's
// inbox and the guards on consular and return referrals, through the HTTP API on both databases.

const MINUTE = 60_000;

describe.each(await databaseKinds())('referrals on %s', (kind) => {
  let w: ReferralWorld;

  beforeAll(async () => {
    w = await referralWorld(kind);
  });
  afterAll(() => w.server.close());

  const db = () => w.server.platform.database.db;
  const tick = () => w.server.clock.advance(MINUTE);

  async function newPerson(body: Record<string, unknown> = {}, indicators: string[] = []): Promise<string> {
    const created = await w.officer.caller.post('/api/persons', {
      givenName: 'Amira',
      familyName: 'Haddad',
      phone: '+216 55 123 456',
      sex: 'female',
      ageClaimed: 27,
      nationality: 'SY',
      ...body,
      ...(indicators.length > 0 ? { indicators } : {}),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  }

  async function consent(personId: string, recipientAgencyId: string, purpose: string, status: 'given' | 'declined' = 'given'): Promise<{ id: string; version: number }> {
    tick();
    const answer = await w.officer.caller.post(`/api/persons/${personId}/consents`, { recipientAgencyId, purpose, status, language: 'ar', interpreter: true });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body;
  }

  async function draft(body: Record<string, unknown>, by: Caller = w.officer.caller): Promise<{ id: string; version: number; reference: string } & Record<string, unknown>> {
    const answer = await by.post('/api/referrals', body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body;
  }

  async function sent(body: Record<string, unknown>, sendBody: Record<string, unknown> = {}, by: Caller = w.officer.caller) {
    const referral = await draft(body, by);
    const answer = await by.post(`/api/referrals/${referral.id}/send`, { version: referral.version, ...sendBody });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as { id: string; version: number; reference: string; status: string; personId: string };
  }

  /** An asylum seeker with consent on file for the legal-aid NGO. */
  async function asylumSeeker(body: Record<string, unknown> = {}): Promise<string> {
    const personId = await newPerson(body, ['asylum_intent']);
    await consent(personId, w.agencies.ngo, 'asylum');
    return personId;
  }

  async function count(table: 'referrals' | 'access_grants' | 'notifications' | 'consents' | 'guard_overrides' | 'audit_events'): Promise<number> {
    const row = await db().selectFrom(table).select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
  async function snapshot(): Promise<Record<string, unknown>> {
    return {
      referrals: await count('referrals'),
      rows: await db().selectFrom('referrals').select(['id', 'status', 'version', 'consent_id']).orderBy('id').execute(),
      grants: await db().selectFrom('access_grants').select(['id', 'revoked_at']).orderBy('id').execute(),
      notifications: await count('notifications'),
      consents: await db().selectFrom('consents').select(['id', 'status', 'version']).orderBy('id').execute(),
      overrides: await count('guard_overrides'),
    };
  }
  const grantOf = (referralId: string) => db().selectFrom('access_grants').selectAll().where('source_type', '=', 'referral').where('source_id', '=', referralId).execute();
  const notified = async (userId: string, personId: string) =>
    (await db().selectFrom('notifications').select('kind').where('user_id', '=', userId).where('person_id', '=', personId).orderBy('created_at').execute()).map((n) => n.kind);
  const audited = async (recordId: string) => (await db().selectFrom('audit_events').select('action').where('record_id', '=', recordId).orderBy('seq').execute()).map((e) => e.action);

  it('carries a referral from draft to closed: every transition versioned, audited and notified to the other side', async () => {
    const personId = await asylumSeeker();
    const obligation = await db().selectFrom('obligations').selectAll().where('person_id', '=', personId).where('code', '=', 'protection.asylum_referral').executeTakeFirstOrThrow();

    const referral = await draft({ personId, providerId: w.providers.ngo, service: 'asylum', urgency: 'urgent', reason: 'Expressed intent to seek asylum on arrival' });
    expect(referral).toMatchObject({
      status: 'draft',
      service: 'asylum',
      urgency: 'urgent',
      obligations: ['protection.asylum_referral'],
      dueBy: obligation.due_by,
      sharedGroups: ['identity', 'protection', 'statements'],
      toAgencyId: w.agencies.ngo,
      fromAgencyId: w.agencies.police,
      senderId: w.officer.id,
      reason: 'Expressed intent to seek asylum on arrival',
      allowedActions: ['send', 'close'],
      version: 1,
    });
    expect(referral.reference).toMatch(/^HVN-2026-\d{5}$/);
    // A draft is the sender's alone.
    expect((await w.ngoStaff.caller.get(`/api/referrals/${referral.id}`)).status).toBe(404);
    expect((await w.ngoStaff.caller.get('/api/referrals/inbox')).body.map((r: { id: string }) => r.id)).not.toContain(referral.id);
    expect((await w.ngoStaff.caller.get(`/api/persons/${personId}`)).status).toBe(404);

    const send = await w.officer.caller.post(`/api/referrals/${referral.id}/send`, { version: 1 });
    expect(send.status, JSON.stringify(send.body)).toBe(200);
    expect(send.body).toMatchObject({ status: 'sent', version: 2, consentId: expect.any(String), vitalInterest: null });
    const [grant] = await grantOf(referral.id);
    expect(grant).toMatchObject({ person_id: personId, agency_id: w.agencies.ngo, revoked_at: null });
    expect(JSON.parse(grant!.field_groups)).toEqual(['identity', 'protection', 'statements']);
    expect((await db().selectFrom('cases').select('stage').where('person_id', '=', personId).executeTakeFirstOrThrow()).stage).toBe('referred');

    const inbox = await w.ngoStaff.caller.get('/api/referrals/inbox');
    expect(inbox.status).toBe(200);
    expect(inbox.body.find((r: { id: string }) => r.id === referral.id)).toMatchObject({ status: 'sent', allowedActions: ['accept', 'decline'] });
    expect((await w.ngoStaff.caller.get(`/api/persons/${personId}`)).status).toBe(200);

    const accepted = await w.ngoStaff.caller.post(`/api/referrals/${referral.id}/accept`, { version: 2 });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', version: 3, acceptedAt: expect.any(String) });
    const started = await w.ngoStaff.caller.post(`/api/referrals/${referral.id}/start`, { version: 3 });
    expect(started.body).toMatchObject({ status: 'in_progress', version: 4 });
    const completed = await w.ngoStaff.caller.post(`/api/referrals/${referral.id}/complete`, { version: 4, feedback: 'Claim lodged with the asylum office, appointment on 12 March' });
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    expect(completed.body).toMatchObject({ status: 'completed', version: 5, feedback: 'Claim lodged with the asylum office, appointment on 12 March', completedAt: expect.any(String) });
    // What the obligations engine reads to fulfil protection.asylum_referral.
    const row = await db().selectFrom('referrals').selectAll().where('id', '=', referral.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', service_type: 'asylum', person_id: personId });
    expect(row.feedback_enc).not.toContain('asylum office');
    // …and in the same transaction the obligation it serves is fulfilled by it.
    const fulfilled = await db().selectFrom('obligations').selectAll().where('id', '=', obligation.id).executeTakeFirstOrThrow();
    expect(fulfilled).toMatchObject({ status: 'fulfilled', fulfilment_type: 'referral', fulfilment_id: referral.id });
    expect(row.reason_enc).not.toContain('asylum');
    // Completed: the provider still reads what was shared until the referral is closed.
    expect((await grantOf(referral.id))[0]!.revoked_at).toBeNull();

    const closed = await w.officer.caller.post(`/api/referrals/${referral.id}/close`, { version: 5 });
    expect(closed.body).toMatchObject({ status: 'closed', version: 6, endedAt: expect.any(String), allowedActions: [] });
    expect((await grantOf(referral.id))[0]!.revoked_at).not.toBeNull();
    expect((await w.ngoStaff.caller.get(`/api/persons/${personId}`)).status).toBe(404);
    // Closing after completion ends the access, not the fulfilment (even when the facts are read again).
    const current = await w.officer.caller.get(`/api/persons/${personId}`);
    expect((await w.officer.caller.patch(`/api/persons/${personId}`, { version: current.body.version, languages: ['ar'] })).status).toBe(200);
    expect((await db().selectFrom('obligations').select('status').where('id', '=', obligation.id).executeTakeFirstOrThrow()).status).toBe('fulfilled');
    // The recipient keeps the record of what it did, not the sender's words about the person.
    const seenByRecipient = await w.ngoStaff.caller.get(`/api/referrals/${referral.id}`);
    expect(seenByRecipient.body).toMatchObject({ status: 'closed', reason: null, feedback: 'Claim lodged with the asylum office, appointment on 12 March' });
    expect((await w.officer.caller.get(`/api/referrals/${referral.id}`)).body.reason).toBe('Expressed intent to seek asylum on arrival');

    expect(await audited(referral.id)).toEqual([
      'referral.create',
      'referral.sent',
      'referral.read',
      'referral.accepted',
      'referral.started',
      'referral.completed',
      'referral.closed',
      'referral.read',
      'referral.read',
    ]);
    expect(await notified(w.ngoStaff.id, personId)).toEqual(['referral_sent', 'referral_closed']);
    expect(await notified(w.ngoSupervisor.id, personId)).toEqual(['referral_sent', 'referral_closed']);
    expect(await notified(w.officer.id, personId)).toEqual(['referral_accepted', 'referral_started', 'referral_completed']);
    const mine = await w.officer.caller.get('/api/notifications');
    expect(mine.body.map((n: { kind: string }) => n.kind)).toContain('referral_completed');
    const listed = await w.officer.caller.get(`/api/persons/${personId}/referrals`);
    expect(listed.body.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([[referral.id, 'closed']]);
  });

  it('numbers references uniquely within the year', async () => {
    const personId = await asylumSeeker();
    const a = await draft({ personId, providerId: w.providers.ngo, service: 'asylum' });
    const b = await draft({ personId, providerId: w.providers.ngo, service: 'legal_aid' });
    expect(Number(b.reference.slice(-5))).toBe(Number(a.reference.slice(-5)) + 1);
  });

  it('refuses a transition the table does not allow with 409 naming the current and requested status, and a stale version; nothing changes', async () => {
    const personId = await asylumSeeker();
    const referral = await sent({ personId, providerId: w.providers.ngo, service: 'asylum' });
    const before = await snapshot();
    const complete = await w.ngoStaff.caller.post(`/api/referrals/${referral.id}/complete`, { version: referral.version, feedback: 'Done' });
    expect(complete.status).toBe(409);
    expect(complete.body).toMatchObject({ currentStatus: 'sent', requestedStatus: 'completed', allowedActions: ['accept', 'decline'] });
    expect(complete.body.type).toMatch(/referral-transition-not-allowed$/);
    const start = await w.ngoStaff.caller.post(`/api/referrals/${referral.id}/start`, { version: referral.version });
    expect(start.body).toMatchObject({ status: 409, currentStatus: 'sent', requestedStatus: 'in_progress' });
    const again = await w.officer.caller.post(`/api/referrals/${referral.id}/send`, { version: referral.version });
    expect(again.body).toMatchObject({ status: 409, currentStatus: 'sent', requestedStatus: 'sent' });
    // The recipient declines a sent referral (with a reason), it does not close it.
    const close = await w.ngoStaff.caller.post(`/api/referrals/${referral.id}/close`, { version: referral.version });
    expect(close.body).toMatchObject({ status: 409, currentStatus: 'sent', requestedStatus: 'closed' });
    const stale = await w.ngoStaff.caller.post(`/api/referrals/${referral.id}/accept`, { version: referral.version - 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ currentVersion: referral.version });
    expect(stale.body.type).toMatch(/stale-version$/);
    expect(await snapshot()).toEqual(before);
  });

  it('declines only with a reason; the recipient’s access ends and the sender is told', async () => {
    const personId = await asylumSeeker();
    const referral = await sent({ personId, providerId: w.providers.ngo, service: 'asylum' });
    const noReason = await w.ngoStaff.caller.post(`/api/referrals/${referral.id}/decline`, { version: referral.version });
    expect(noReason.status).toBe(400);
    expect(fields(noReason)).toEqual(['reason']);
    const declined = await w.ngoStaff.caller.post(`/api/referrals/${referral.id}/decline`, { version: referral.version, reason: 'No lawyer speaking Tigrinya this month' });
    expect(declined.body).toMatchObject({ status: 'declined', declineReason: 'No lawyer speaking Tigrinya this month', endedAt: expect.any(String) });
    expect((await grantOf(referral.id))[0]!.revoked_at).not.toBeNull();
    expect((await w.ngoStaff.caller.get(`/api/persons/${personId}`)).status).toBe(404);
    expect(await notified(w.officer.id, personId)).toEqual(['referral_declined']);
    const after = await w.ngoStaff.caller.post(`/api/referrals/${referral.id}/accept`, { version: declined.body.version });
    expect(after.body).toMatchObject({ status: 409, currentStatus: 'declined', requestedStatus: 'accepted' });
  });

  it("lets only the sending agency's supervisor revoke, which ends the recipient's access", async () => {
    const personId = await asylumSeeker();
    const referral = await sent({ personId, providerId: w.providers.ngo, service: 'asylum' });
    expect((await w.officer.caller.post(`/api/referrals/${referral.id}/revoke`, { version: referral.version })).status).toBe(403);
    // The recipient's own supervisor is a supervisor, but not of the sending agency.
    const foreign = await w.ngoSupervisor.caller.post(`/api/referrals/${referral.id}/revoke`, { version: referral.version });
    expect(foreign.body).toMatchObject({ status: 409, currentStatus: 'sent', requestedStatus: 'revoked' });
    const revoked = await w.supervisor.caller.post(`/api/referrals/${referral.id}/revoke`, { version: referral.version });
    expect(revoked.body).toMatchObject({ status: 'revoked', endedAt: expect.any(String) });
    expect((await grantOf(referral.id))[0]!.revoked_at).not.toBeNull();
    expect((await w.ngoStaff.caller.get(`/api/persons/${personId}`)).status).toBe(404);
    expect(await notified(w.ngoStaff.id, personId)).toEqual(['referral_sent', 'referral_revoked']);
    expect(await audited(referral.id)).toContain('referral.revoked');
  });

  describe('bad input: refused naming the reason, nothing changes', () => {
    it('a provider that does not offer the service, or does not accept referrals from the sender, or is unknown', async () => {
      const personId = await asylumSeeker();
      const before = await snapshot();
      const wrongService = await w.officer.caller.post('/api/referrals', { personId, providerId: w.providers.clinic, service: 'asylum' });
      expect(wrongService.status).toBe(422);
      expect(fields(wrongService)).toEqual(['service']);
      const closedDoor = await w.officer.caller.post('/api/referrals', { personId, providerId: w.providers.shelter, service: 'shelter' });
      expect(closedDoor.status).toBe(422);
      expect(fields(closedDoor)).toEqual(['providerId']);
      expect(closedDoor.body.detail).toContain('does not accept referrals from your agency');
      const unknown = await w.officer.caller.post('/api/referrals', { personId, providerId: '00000000-0000-4000-8000-000000000000', service: 'asylum' });
      expect(fields(unknown)).toEqual(['providerId']);
      const notServed = await w.officer.caller.post('/api/referrals', { personId, providerId: w.providers.ngo, service: 'asylum', obligations: ['trafficking.referral'] });
      expect(notServed.status).toBe(422);
      expect(fields(notServed)).toEqual(['obligations']);
      expect(await snapshot()).toEqual(before);
    });

    it('sharing a field group the sender’s role cannot see', async () => {
      const personId = await newPerson({}, ['medical_need']);
      const before = await snapshot();
      // A first responder sees identity, contact, health and protection — not statements.
      const answer = await w.responder.caller.post('/api/referrals', { personId, providerId: w.providers.clinic, service: 'health', sharedGroups: ['identity', 'health', 'statements'] });
      expect(answer.status).toBe(422);
      expect(fields(answer)).toEqual(['sharedGroups']);
      expect(answer.body.detail).toContain('statements');
      expect(await snapshot()).toEqual(before);
      // Within the role, the choice stands; the defaults never exceed it either.
      const ok = await draft({ personId, providerId: w.providers.clinic, service: 'health', sharedGroups: ['health', 'identity'] }, w.responder.caller);
      expect(ok.sharedGroups).toEqual(['identity', 'health']);
    });

    it('sending without consent and without an override', async () => {
      const personId = await newPerson({}, ['asylum_intent']);
      const referral = await draft({ personId, providerId: w.providers.ngo, service: 'asylum' });
      const before = await snapshot();
      const answer = await w.officer.caller.post(`/api/referrals/${referral.id}/send`, { version: referral.version });
      expect(answer.status).toBe(422);
      expect(fields(answer)).toEqual(['consentId']);
      expect(answer.body.type).toMatch(/consent-required$/);
      expect(await snapshot()).toEqual(before);
      expect(await grantOf(referral.id)).toEqual([]);
      expect((await w.ngoStaff.caller.get(`/api/persons/${personId}`)).status).toBe(404);
    });

    it('a consent for another purpose or recipient, a declined one, or a withdrawn one', async () => {
      const personId = await newPerson({}, ['asylum_intent']);
      const forLegalAid = await consent(personId, w.agencies.ngo, 'legal_aid');
      const forClinic = await consent(personId, w.agencies.clinic, 'asylum');
      const referral = await draft({ personId, providerId: w.providers.ngo, service: 'asylum' });
      const before = await snapshot();
      for (const [consentId, message] of [
        [forLegalAid.id, 'not asylum'],
        [forClinic.id, 'another recipient'],
      ] as const) {
        const answer = await w.officer.caller.post(`/api/referrals/${referral.id}/send`, { version: referral.version, consentId });
        expect(answer.status).toBe(422);
        expect(fields(answer)).toEqual(['consentId']);
        expect(answer.body.detail).toContain(message);
      }
      const no = await consent(personId, w.agencies.ngo, 'asylum', 'declined');
      const declined = await w.officer.caller.post(`/api/referrals/${referral.id}/send`, { version: referral.version });
      expect(fields(declined)).toEqual(['consentId']);
      expect(declined.body.detail).toContain('declined');
      const named = await w.officer.caller.post(`/api/referrals/${referral.id}/send`, { version: referral.version, consentId: no.id });
      expect(fields(named)).toEqual(['consentId']);
      expect(named.body.detail).toContain('declined this consent');
      // Saying no once consent was given is a withdrawal, recorded as one.
      const given = await consent(personId, w.agencies.ngo, 'asylum');
      const noAfterYes = await w.officer.caller.post(`/api/persons/${personId}/consents`, { recipientAgencyId: w.agencies.ngo, purpose: 'asylum', status: 'declined', language: 'ar', interpreter: true });
      expect(noAfterYes.status).toBe(409);
      expect(noAfterYes.body).toMatchObject({ consentId: given.id });
      expect((await w.officer.caller.post(`/api/consents/${given.id}/withdraw`, { version: given.version })).status).toBe(200);
      const withdrawn = await w.officer.caller.post(`/api/referrals/${referral.id}/send`, { version: referral.version, consentId: given.id });
      expect(fields(withdrawn)).toEqual(['consentId']);
      expect(withdrawn.body.detail).toContain('withdrew this consent');
      const after = await snapshot();
      expect({ ...after, consents: undefined }).toEqual({ ...before, consents: undefined });
    });
  });

  describe('consent and vital interests', () => {
    it('records who explained the consent, in which language, with an interpreter', async () => {
      const personId = await newPerson();
      const recorded = await consent(personId, w.agencies.clinic, 'health');
      expect(recorded).toMatchObject({ personId, purpose: 'health', recipientAgencyId: w.agencies.clinic, status: 'given', explainedBy: w.officer.id, language: 'ar', interpreter: true, withdrawnAt: null });
      const listed = await w.officer.caller.get(`/api/persons/${personId}/consents`);
      expect(listed.body.map((c: { id: string }) => c.id)).toEqual([recorded.id]);
      expect((await w.ngoStaff.caller.get(`/api/persons/${personId}/consents`)).status).toBe(403);
      const unknownAgency = await w.officer.caller.post(`/api/persons/${personId}/consents`, {
        recipientAgencyId: '00000000-0000-4000-8000-000000000000',
        purpose: 'health',
        status: 'given',
        language: 'ar',
        interpreter: false,
      });
      expect(fields(unknownAgency)).toEqual(['recipientAgencyId']);
    });

    it("sends emergency medical care without consent only on a supervisor's written vital-interest override", async () => {
      const personId = await newPerson({}, ['medical_emergency']);
      const referral = await draft({ personId, providerId: w.providers.clinic, service: 'emergency_medical', urgency: 'emergency' });
      expect(referral.sharedGroups).toEqual(['identity', 'health']);
      const reason = 'Unconscious on disembarkation, cannot be asked';
      const byOfficer = await w.officer.caller.post(`/api/referrals/${referral.id}/send`, { version: 1, vitalInterestReason: reason });
      expect(byOfficer.status).toBe(403);
      const tooShort = await w.supervisor.caller.post(`/api/referrals/${referral.id}/send`, { version: 1, vitalInterestReason: 'urgent' });
      expect(fields(tooShort)).toEqual(['vitalInterestReason']);
      const sentBySupervisor = await w.supervisor.caller.post(`/api/referrals/${referral.id}/send`, { version: 1, vitalInterestReason: reason });
      expect(sentBySupervisor.status, JSON.stringify(sentBySupervisor.body)).toBe(200);
      expect(sentBySupervisor.body).toMatchObject({ status: 'sent', consentId: null, vitalInterest: { by: w.supervisor.id, reason } });
      const row = await db().selectFrom('referrals').selectAll().where('id', '=', referral.id).executeTakeFirstOrThrow();
      expect(row.vital_interest_reason_enc).not.toContain('Unconscious');
      // The clinic learns it was a vital-interest referral, not the supervisor's words.
      const seen = await w.clinicStaff.caller.get(`/api/referrals/${referral.id}`);
      expect(seen.body.vitalInterest).toEqual({ by: w.supervisor.id, reason: null });
    });

    it('overrides consent for a child in danger, and for nobody else', async () => {
      const adult = await newPerson();
      const forAdult = await draft({ personId: adult, providerId: w.providers.ngo, service: 'legal_aid' });
      const refused = await w.supervisor.caller.post(`/api/referrals/${forAdult.id}/send`, { version: 1, vitalInterestReason: 'Seems to be in danger from the smugglers' });
      expect(refused.status).toBe(422);
      expect(fields(refused)).toEqual(['vitalInterestReason']);
      const child = await newPerson({ ageClaimed: 15, accompaniment: 'unaccompanied' });
      const forChild = await draft({ personId: child, providerId: w.providers.ngo, service: 'child_protection' });
      expect(forChild.obligations).toEqual(['children.best_interests']);
      const answer = await w.supervisor.caller.post(`/api/referrals/${forChild.id}/send`, { version: 1, vitalInterestReason: 'Unaccompanied child approached by the smuggler on the quay' });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.vitalInterest.by).toBe(w.supervisor.id);
    });

    it("ends the recipient's access when the person withdraws the consent, closes the referrals on it and tells the recipient", async () => {
      const personId = await newPerson({}, ['asylum_intent']);
      const given = await consent(personId, w.agencies.ngo, 'asylum');
      const referral = await sent({ personId, providerId: w.providers.ngo, service: 'asylum', consentId: given.id });
      const accepted = await w.ngoStaff.caller.post(`/api/referrals/${referral.id}/accept`, { version: referral.version });
      expect(accepted.status).toBe(200);
      expect((await w.ngoStaff.caller.get(`/api/persons/${personId}`)).status).toBe(200);
      // Explained again another day, and a second referral sent on that consent.
      const again = await consent(personId, w.agencies.ngo, 'asylum');
      const second = await sent({ personId, providerId: w.providers.ngo, service: 'asylum' });
      expect((await w.officer.caller.get(`/api/referrals/${second.id}`)).body.consentId).toBe(again.id);

      expect((await w.ngoStaff.caller.post(`/api/consents/${given.id}/withdraw`, { version: given.version })).status).toBe(403);
      const stale = await w.officer.caller.post(`/api/consents/${given.id}/withdraw`, { version: given.version + 1 });
      expect(stale.status).toBe(409);
      tick();
      const withdrawn = await w.officer.caller.post(`/api/consents/${given.id}/withdraw`, { version: given.version });
      expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
      expect(withdrawn.body).toMatchObject({ status: 'withdrawn', withdrawnAt: expect.any(String) });
      expect([...withdrawn.body.endedReferrals].sort()).toEqual([referral.id, second.id].sort());
      for (const id of [referral.id, second.id]) {
        expect((await w.officer.caller.get(`/api/referrals/${id}`)).body).toMatchObject({ status: 'closed', endedAt: expect.any(String) });
        expect((await grantOf(id))[0]!.revoked_at).not.toBeNull();
      }
      const decisions = await w.officer.caller.get(`/api/persons/${personId}/consents`);
      expect(decisions.body.map((c: { status: string }) => c.status)).toEqual(['withdrawn', 'withdrawn']);

      const read = await w.ngoStaff.caller.get(`/api/persons/${personId}`);
      expect(read.status).toBe(404);
      const refusals = await db().selectFrom('audit_events').select(['fields', 'actor_user_id']).where('action', '=', 'person.read_refused').where('record_id', '=', personId).execute();
      expect(refusals).toEqual([{ fields: JSON.stringify(['GET /api/persons/:id']), actor_user_id: w.ngoStaff.id }]);
      expect(await notified(w.ngoStaff.id, personId)).toEqual(['referral_sent', 'referral_sent', 'referral_consent_withdrawn', 'referral_consent_withdrawn']);
      expect(await audited(given.id)).toEqual(['consent.create', 'consent.withdrawn']);
      expect(await audited(again.id)).toEqual(['consent.create', 'consent.withdrawn']);

      // The withdrawn consent carries no new referral.
      const next = await draft({ personId, providerId: w.providers.ngo, service: 'asylum' });
      const refused = await w.officer.caller.post(`/api/referrals/${next.id}/send`, { version: next.version, consentId: given.id });
      expect(fields(refused)).toEqual(['consentId']);
      const twice = await w.officer.caller.post(`/api/consents/${given.id}/withdraw`, { version: withdrawn.body.version });
      expect(twice.status).toBe(409);
    });
  });

  describe('minimisation: the recipient reads the shared groups of that person and nothing else', () => {
    it('emergency medical care shares identity and health: the clinic gets no contact details, only the health indicators, no obligations, and the attempts are audited', async () => {
      const personId = await newPerson({}, ['medical_emergency', 'asylum_intent']);
      await w.officer.caller.post(`/api/persons/${personId}/screenings`, { indicators: ['medical_emergency', 'asylum_intent'], statement: 'They beat us on the boat' });
      await consent(personId, w.agencies.clinic, 'emergency_medical');
      await sent({ personId, providerId: w.providers.clinic, service: 'emergency_medical' });

      const person = await w.clinicStaff.caller.get(`/api/persons/${personId}`);
      expect(person.status).toBe(200);
      expect(person.body.fieldGroups).toEqual(['identity', 'health']);
      expect(person.body.fields).toMatchObject({ givenName: 'Amira', familyName: 'Haddad', nationality: 'SY' });
      expect(person.body.fields.phone).toBeUndefined();
      expect(JSON.stringify(person.body)).not.toContain('55 123 456');
      // Health indicators are what the clinic is for; fear of return and the person's words are not.
      const screenings = await w.clinicStaff.caller.get(`/api/persons/${personId}/screenings`);
      expect(screenings.status).toBe(200);
      expect(screenings.body.map((v: { indicators: string[] }) => v.indicators)).toEqual([['medical_emergency'], ['medical_emergency']]);
      expect(JSON.stringify(screenings.body)).not.toContain('beat us');
      expect(JSON.stringify(screenings.body)).not.toContain('asylum_intent');
      for (const part of ['obligations', 'case', 'assistance', 'guards']) {
        const answer = await w.clinicStaff.caller.get(`/api/persons/${personId}/${part}`);
        expect(answer.status, part).toBe(403);
        expect(JSON.stringify(answer.body)).not.toContain('beat us');
      }
      const refusals = await db().selectFrom('audit_events').select(['fields', 'actor_user_id', 'actor_agency_id']).where('action', '=', 'person.read_refused').where('record_id', '=', personId).orderBy('seq').execute();
      expect(refusals.map((r) => JSON.parse(r.fields)[0])).toEqual([
        'GET /api/persons/:id/obligations',
        'GET /api/persons/:id/case',
        'GET /api/persons/:id/assistance',
        'GET /api/persons/:id/guards',
      ]);
      expect(new Set(refusals.map((r) => r.actor_agency_id))).toEqual(new Set([w.agencies.clinic]));
      // A read that is allowed is not a refusal; the agency working on the case is never logged as refused.
      expect((await w.officer.caller.get(`/api/persons/${personId}/screenings`)).status).toBe(200);
      expect(await count('audit_events')).toBeGreaterThan(0);
      expect((await db().selectFrom('audit_events').select('seq').where('action', '=', 'person.read_refused').where('record_id', '=', personId).execute()).length).toBe(4);
    });

    it("asylum shares identity, protection and statements; without statements the person's own words stay out", async () => {
      const personId = await asylumSeeker();
      await w.officer.caller.post(`/api/persons/${personId}/screenings`, { indicators: ['asylum_intent', 'fear_of_return'], statement: 'I cannot go back to Homs' });
      await sent({ personId, providerId: w.providers.ngo, service: 'asylum' });
      const screenings = await w.ngoStaff.caller.get(`/api/persons/${personId}/screenings`);
      expect(screenings.status).toBe(200);
      expect(screenings.body.at(-1)).toMatchObject({ statement: 'I cannot go back to Homs' });
      expect((await w.ngoStaff.caller.get(`/api/persons/${personId}/obligations`)).status).toBe(200);
      // Another agency's staff, with no referral, do not find the person at all.
      expect((await w.iomStaff.caller.get(`/api/persons/${personId}`)).status).toBe(404);

      const other = await newPerson({}, ['asylum_intent']);
      await w.officer.caller.post(`/api/persons/${other}/screenings`, { indicators: ['asylum_intent'], statement: 'Words that stay with the police' });
      await consent(other, w.agencies.ngo, 'asylum');
      await sent({ personId: other, providerId: w.providers.ngo, service: 'asylum', sharedGroups: ['identity', 'protection'] });
      const narrowed = await w.ngoStaff.caller.get(`/api/persons/${other}/screenings`);
      expect(narrowed.status).toBe(200);
      expect(narrowed.body.at(-1).statement).toBeUndefined();
      expect(JSON.stringify(narrowed.body)).not.toContain('stay with the police');
    });
  });

  describe('guards on referrals', () => {
    it('refuses a consular referral for an asylum seeker (confidentiality) with 409 listing the blocking obligation, which no one may override: only her own request lifts it', async () => {
      const personId = await newPerson({}, ['asylum_intent']);
      await consent(personId, w.agencies.consulate, 'consular');
      const referral = await draft({ personId, providerId: w.providers.consulate, service: 'consular' });
      expect(referral.sharedGroups).toEqual(['identity']);
      const before = await snapshot();
      const refused = await w.officer.caller.post(`/api/referrals/${referral.id}/send`, { version: referral.version });
      expect(refused.status).toBe(409);
      expect(refused.body.type).toMatch(/guard-refused$/);
      expect(refused.body).toMatchObject({ action: 'share_with_origin_state', override: 'never', protections: ['protection.confidentiality'] });
      expect(refused.body.blockedBy).toContain('protection.confidentiality');
      expect(refused.body.detail).not.toContain('A supervisor may override');
      for (const caller of [w.officer.caller, w.supervisor.caller]) {
        const overriding = await caller.post(`/api/referrals/${referral.id}/send`, { version: referral.version, overrideReason: 'The embassy asked for a list of the persons rescued' });
        expect(overriding.status).toBe(409);
        expect(overriding.body.type).toMatch(/override-not-permitted$/);
        expect(overriding.body).toMatchObject({ action: 'share_with_origin_state', protections: ['protection.confidentiality'] });
      }
      expect(await snapshot()).toEqual(before);
      expect(await grantOf(referral.id)).toEqual([]);
      const refusals = await db().selectFrom('audit_events').select('fields').where('action', '=', 'guard.refused').where('record_id', '=', personId).execute();
      expect(refusals.map((r) => JSON.parse(r.fields))).toEqual([['share_with_origin_state'], ['override', 'share_with_origin_state'], ['override', 'share_with_origin_state']]);

      // She asks to see her consul: her request, not an override, lets the referral go.
      const current = (await w.officer.caller.get(`/api/persons/${personId}/case`)).body as { id: string; version: number };
      expect((await w.officer.caller.patch(`/api/cases/${current.id}`, { version: current.version, consular: 'requested' })).status).toBe(200);
      const asked = await w.officer.caller.post(`/api/referrals/${referral.id}/send`, { version: referral.version });
      expect(asked.status, JSON.stringify(asked.body)).toBe(200);
      expect(asked.body.status).toBe('sent');
      expect(await db().selectFrom('guard_overrides').select('id').where('person_id', '=', personId).execute()).toEqual([]);
    });

    it('sends a consular referral for a person with no protection need without override', async () => {
      const personId = await newPerson();
      await consent(personId, w.agencies.consulate, 'consular');
      const referral = await sent({ personId, providerId: w.providers.consulate, service: 'consular' });
      expect(referral.status).toBe('sent');
    });

    it('refuses a voluntary-return referral while non-refoulement stands, to a supervisor too, and sends it for a person it does not protect', async () => {
      const fearing = await newPerson({}, ['fear_of_return']);
      await consent(fearing, w.agencies.iom, 'voluntary_return');
      const referral = await draft({ personId: fearing, providerId: w.providers.iom, service: 'voluntary_return' });
      const refused = await w.officer.caller.post(`/api/referrals/${referral.id}/send`, { version: referral.version });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ action: 'return' });
      expect(refused.body.blockedBy).toContain('protection.non_refoulement');
      const overriding = await w.supervisor.caller.post(`/api/referrals/${referral.id}/send`, { version: referral.version, overrideReason: 'A return flight is booked for the whole group' });
      expect(overriding.status).toBe(409);
      expect(overriding.body).toMatchObject({ action: 'return', protections: ['protection.non_refoulement'] });
      expect(overriding.body.type).toMatch(/override-not-permitted$/);
      expect((await db().selectFrom('referrals').select('status').where('id', '=', referral.id).executeTakeFirstOrThrow()).status).toBe('draft');
      expect(await db().selectFrom('guard_overrides').select('id').where('person_id', '=', fearing).execute()).toEqual([]);

      // Held back only by an open trafficking referral, the return may be overridden in writing.
      const trafficked = await newPerson({}, ['trafficking_deception']);
      await consent(trafficked, w.agencies.iom, 'voluntary_return');
      const held = await draft({ personId: trafficked, providerId: w.providers.iom, service: 'voluntary_return' });
      const overridden = await w.supervisor.caller.post(`/api/referrals/${held.id}/send`, { version: held.version, overrideReason: 'The anti-trafficking unit assessed her and she asked to go home with IOM' });
      expect(overridden.status, JSON.stringify(overridden.body)).toBe(200);
      const override = await db().selectFrom('guard_overrides').selectAll().where('person_id', '=', trafficked).executeTakeFirstOrThrow();
      expect(override).toMatchObject({ action: 'return', overridden_by: w.supervisor.id, blocked_by: JSON.stringify(['trafficking.referral']) });

      const adult = await newPerson();
      await consent(adult, w.agencies.iom, 'voluntary_return');
      const allowed = await sent({ personId: adult, providerId: w.providers.iom, service: 'voluntary_return' });
      expect(allowed.status).toBe('sent');
      expect(await db().selectFrom('guard_overrides').select('id').where('person_id', '=', adult).execute()).toEqual([]);
    });
  });

  describe('the provider inbox', () => {
    it("lists my agency's referrals that wait for it, the earliest due first, and nobody else's", async () => {
      const later = await asylumSeeker();
      const sooner = await asylumSeeker();
      const soon = new Date(w.server.clock.now().getTime() + 2 * 3_600_000).toISOString();
      const far = new Date(w.server.clock.now().getTime() + 48 * 3_600_000).toISOString();
      const a = await sent({ personId: later, providerId: w.providers.ngo, service: 'asylum', dueBy: far });
      const b = await sent({ personId: sooner, providerId: w.providers.ngo, service: 'asylum', dueBy: soon });
      const inbox = await w.ngoStaff.caller.get('/api/referrals/inbox');
      const ids = inbox.body.map((r: { id: string }) => r.id);
      expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
      const dues = inbox.body.map((r: { dueBy: string | null }) => r.dueBy).filter((d: string | null) => d !== null);
      expect(dues).toEqual([...dues].sort());
      expect(inbox.body.every((r: { toAgencyId: string }) => r.toAgencyId === w.agencies.ngo)).toBe(true);
      expect(inbox.body.every((r: { status: string }) => ['sent', 'accepted', 'in_progress'].includes(r.status))).toBe(true);
      expect((await w.clinicStaff.caller.get('/api/referrals/inbox')).body.map((r: { id: string }) => r.id)).not.toContain(a.id);
      expect((await w.clinicStaff.caller.get(`/api/referrals/${a.id}`)).status).toBe(404);
      expect((await w.officer.caller.get('/api/referrals/inbox')).status).toBe(403);

      const accepted = await w.ngoStaff.caller.post(`/api/referrals/${a.id}/accept`, { version: a.version });
      const started = await w.ngoStaff.caller.post(`/api/referrals/${a.id}/start`, { version: accepted.body.version });
      await w.ngoStaff.caller.post(`/api/referrals/${a.id}/complete`, { version: started.body.version, feedback: 'Registered with the asylum office' });
      const done = await w.ngoStaff.caller.get('/api/referrals/inbox?status=completed');
      expect(done.body.map((r: { id: string }) => r.id)).toContain(a.id);
      expect((await w.ngoStaff.caller.get('/api/referrals/inbox')).body.map((r: { id: string }) => r.id)).not.toContain(a.id);
    });
  });

  describe('proposing a referral from the pathway', () => {
    it('proposes the default provider of the area, the obligations it serves, dueBy, default groups and the consent on file', async () => {
      const pathway = await w.admin.caller.post('/api/directory/pathways', { serviceType: 'asylum', area: AREA, providerId: w.providers.ngo });
      expect(pathway.status, JSON.stringify(pathway.body)).toBe(201);
      const personId = await newPerson({}, ['asylum_intent']);
      const obligation = await db().selectFrom('obligations').selectAll().where('person_id', '=', personId).where('code', '=', 'protection.asylum_referral').executeTakeFirstOrThrow();
      const before = await w.officer.caller.get(`/api/referrals/proposal?personId=${personId}&service=asylum&area=${AREA}`);
      expect(before.status, JSON.stringify(before.body)).toBe(200);
      expect(before.body).toMatchObject({
        service: 'asylum',
        area: AREA,
        pathwayId: pathway.body.id,
        provider: { id: w.providers.ngo, name: 'Asylum Legal Aid' },
        problem: null,
        obligations: ['protection.asylum_referral'],
        dueBy: obligation.due_by,
        sharedGroups: ['identity', 'protection', 'statements'],
        consentId: null,
      });
      const given = await consent(personId, w.agencies.ngo, 'asylum');
      // Without an area: the area of my agency.
      const agency = (await w.admin.caller.get('/api/admin/agencies')).body.find((a: { id: string }) => a.id === w.agencies.police);
      expect((await w.admin.caller.patch(`/api/admin/agencies/${w.agencies.police}`, { version: agency.version, area: AREA })).status).toBe(200);
      const proposal = await w.officer.caller.get(`/api/referrals/proposal?personId=${personId}&service=asylum`);
      expect(proposal.body).toMatchObject({ area: AREA, consentId: given.id, provider: { id: w.providers.ngo } });
      // One click: the proposal drafts and sends as it stands.
      const referral = await sent({ personId, providerId: proposal.body.provider.id, service: 'asylum', obligations: proposal.body.obligations, sharedGroups: proposal.body.sharedGroups, consentId: proposal.body.consentId });
      expect(referral.status).toBe('sent');

      const none = await w.officer.caller.get(`/api/referrals/proposal?personId=${personId}&service=family_tracing&area=${AREA}`);
      expect(none.body).toMatchObject({ provider: null, problem: `no default provider for family_tracing in ${AREA}`, obligations: [] });
      const elsewhere = await w.iomStaff.caller.get(`/api/referrals/proposal?personId=${personId}&service=asylum`);
      expect(elsewhere.status).toBe(403);
    });
  });
});
