import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

// Obligations persisted, fulfilled by the right record (with a link to
// it), overdue past dueBy, waived by a supervisor (audited, visible to oversight); work queues.

const HOUR = 3_600_000;

interface Obligation {
  id: string;
  personId: string;
  code: string;
  status: string;
  dueBy: string | null;
  fulfilment: { type: string; id: string | null; at: string } | null;
  waiver: { by: string; reason: string; at: string } | null;
  version: number;
}

describe.each(await databaseKinds())('obligations on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let supervisor: Caller;
  let supervisorId: string;
  let otherSupervisor: Caller;
  let inspector: Caller;

  const ids: Record<'officer' | 'otherSupervisor' | 'inspector', string> = { officer: '', otherSupervisor: '', inspector: '' };
  let queueOfficerId: string | undefined;
  let queueOfficer: Caller;

  /** Fresh sessions at the current test-clock time (moving the clock on ends idle sessions). */
  async function signIn(): Promise<void> {
    officer = await sessionFor(server, ids.officer);
    supervisor = await sessionFor(server, supervisorId);
    otherSupervisor = await sessionFor(server, ids.otherSupervisor);
    inspector = await sessionFor(server, ids.inspector);
    if (queueOfficerId) queueOfficer = await sessionFor(server, queueOfficerId);
  }
  async function advance(ms: number): Promise<void> {
    server.clock.advance(ms);
    await signIn();
  }

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Protection Unit');
    const other = await makeAgency(server.platform, 'Other Unit');
    const ombudsman = await makeAgency(server.platform, 'Ombudsman', 'oversight');
    ids.officer = await makeUser(server.platform, agency, 'protection_officer', 'officer');
    supervisorId = await makeUser(server.platform, agency, 'supervisor', 'supervisor');
    ids.otherSupervisor = await makeUser(server.platform, other, 'supervisor', 'other.supervisor');
    ids.inspector = await makeUser(server.platform, ombudsman, 'oversight', 'inspector');
    await signIn();
  });
  afterAll(() => server.close());

  const now = () => server.clock.now().getTime();
  const ago = (ms: number) => new Date(now() - ms).toISOString();

  /** One person registered at a fresh encounter that happened `minutesAgo` minutes ago. */
  async function registerAt(type: string, person: Record<string, unknown>, minutesAgo = 10, caller: Caller = officer): Promise<string> {
    const encounter = await caller.post('/api/encounters', { type, occurredAt: ago(minutesAgo * 60_000), place: { name: 'Quay' } });
    expect(encounter.status, JSON.stringify(encounter.body)).toBe(201);
    const registered = await caller.post(`/api/encounters/${encounter.body.id}/persons`, { persons: [person] });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    return registered.body.persons[0].id as string;
  }
  async function obligations(personId: string, caller: Caller = officer): Promise<Map<string, Obligation>> {
    const answer = await caller.get(`/api/persons/${personId}/obligations`);
    expect(answer.status).toBe(200);
    return new Map((answer.body as Obligation[]).map((o) => [o.code, o]));
  }
  async function give(personId: string, type: string, extra: Record<string, unknown> = {}): Promise<string> {
    const answer = await officer.post(`/api/persons/${personId}/assistance`, { type, givenAt: ago(60_000), ...extra });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.id as string;
  }

  describe('fulfilment', () => {
    it('fulfils emergency care with emergency medical assistance, linked to it — and not with assistance of another type', async () => {
      const personId = await registerAt('land_apprehension', { sex: 'male', ageClaimed: 35, indicators: ['medical_emergency'] });
      expect((await obligations(personId)).get('life.emergency_care')).toMatchObject({ status: 'open' });
      await give(personId, 'food');
      await give(personId, 'rights_information', { language: 'en' });
      expect((await obligations(personId)).get('life.emergency_care')).toMatchObject({ status: 'open', fulfilment: null });
      const care = await give(personId, 'emergency_medical');
      const fulfilled = (await obligations(personId)).get('life.emergency_care')!;
      expect(fulfilled).toMatchObject({ status: 'fulfilled', fulfilment: { type: 'assistance', id: care } });
      const log = await officer.get(`/api/persons/${personId}/assistance`);
      expect(log.body.map((a: { type: string }) => a.type).sort()).toEqual(['emergency_medical', 'food', 'rights_information']);
    });

    it('meets basic needs only when water and food and shelter were all given', async () => {
      const personId = await registerAt('rescue_at_sea', { sex: 'female', ageClaimed: 28 });
      expect((await obligations(personId)).get('assist.basic_needs')).toMatchObject({ status: 'open' });
      await give(personId, 'water');
      expect((await obligations(personId)).get('assist.basic_needs')!.status).toBe('open');
      await give(personId, 'food');
      await give(personId, 'clothing');
      expect((await obligations(personId)).get('assist.basic_needs')!.status).toBe('open');
      await advance(1000);
      const shelter = await give(personId, 'shelter');
      expect((await obligations(personId)).get('assist.basic_needs')).toMatchObject({ status: 'fulfilled', fulfilment: { type: 'assistance', id: shelter } });
    });

    it('counts information on rights only in a language the person speaks', async () => {
      const personId = await registerAt('border_check', { sex: 'male', ageClaimed: 40, languages: ['ti', 'ar'] });
      await give(personId, 'rights_information', { language: 'en' });
      await give(personId, 'rights_information');
      expect((await obligations(personId)).get('info.rights')).toMatchObject({ status: 'open', fulfilment: null });
      const arabic = await give(personId, 'rights_information', { language: 'ar' });
      expect((await obligations(personId)).get('info.rights')).toMatchObject({ status: 'fulfilled', fulfilment: { type: 'assistance', id: arabic } });
    });

    it('refuses assistance dated in the future, naming givenAt, and stores nothing', async () => {
      const personId = await registerAt('inland', { sex: 'male', ageClaimed: 40, indicators: ['medical_emergency'] });
      const answer = await officer.post(`/api/persons/${personId}/assistance`, { type: 'emergency_medical', givenAt: new Date(now() + HOUR).toISOString() });
      expect(answer.status).toBe(422);
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['givenAt']);
      expect((await officer.get(`/api/persons/${personId}/assistance`)).body).toEqual([]);
      expect((await obligations(personId)).get('life.emergency_care')!.status).toBe('open');
      const unknown = await officer.post(`/api/persons/${personId}/assistance`, { type: 'hug', givenAt: ago(60_000) });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual(['type']);
    });

    it('shows an open obligation past its dueBy as overdue, and fulfilled once discharged late', async () => {
      const personId = await registerAt('land_apprehension', { sex: 'male', ageClaimed: 50, indicators: ['medical_emergency'] }, 10);
      const open = (await obligations(personId)).get('life.emergency_care')!;
      expect(open.status).toBe('open');
      expect(Date.parse(open.dueBy!)).toBe(now() - 10 * 60_000 + HOUR);
      await advance(49 * 60_000);
      expect((await obligations(personId)).get('life.emergency_care')!.status).toBe('open');
      await advance(2 * 60_000);
      expect((await obligations(personId)).get('life.emergency_care')!.status).toBe('overdue');
      await give(personId, 'emergency_medical');
      expect((await obligations(personId)).get('life.emergency_care')!.status).toBe('fulfilled');
    });
  });

  describe('waivers', () => {
    it('lets a supervisor waive an open obligation with a written reason; oversight sees it with the reason', async () => {
      const personId = await registerAt('inland', { sex: 'male', ageClaimed: 30, indicators: ['needs_interpreter'] });
      const target = (await obligations(personId)).get('info.interpretation')!;
      const reason = 'Person speaks fluent Italian; interpreter not needed after all';

      const byOfficer = await officer.post(`/api/obligations/${target.id}/waive`, { version: target.version, reason });
      expect(byOfficer.status).toBe(403);
      const tooShort = await supervisor.post(`/api/obligations/${target.id}/waive`, { version: target.version, reason: 'no' });
      expect(tooShort.status).toBe(400);
      expect(tooShort.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
      const stale = await supervisor.post(`/api/obligations/${target.id}/waive`, { version: target.version + 1, reason });
      expect(stale.status).toBe(409);
      expect(stale.body.currentVersion).toBe(target.version);
      expect((await obligations(personId)).get('info.interpretation')!.status).toBe('open');

      const waived = await supervisor.post(`/api/obligations/${target.id}/waive`, { version: target.version, reason });
      expect(waived.status, JSON.stringify(waived.body)).toBe(200);
      expect(waived.body).toMatchObject({ status: 'waived', version: target.version + 1, waiver: { by: supervisorId, reason } });
      expect((await obligations(personId)).get('info.interpretation')).toMatchObject({ status: 'waived' });
      const again = await supervisor.post(`/api/obligations/${target.id}/waive`, { version: target.version + 1, reason });
      expect(again.status).toBe(409);

      const audit = await server.platform.database.db.selectFrom('audit_events').select(['actor_user_id']).where('action', '=', 'obligation.waived').where('record_id', '=', target.id).execute();
      expect(audit).toEqual([{ actor_user_id: supervisorId }]);
      // A later interpretation does not un-waive it; the waiver stands as history.
      await give(personId, 'interpretation', { language: 'ar' });
      expect((await obligations(personId)).get('info.interpretation')).toMatchObject({ status: 'waived' });

      const queue = await inspector.get('/api/oversight/queue');
      expect(queue.status).toBe(200);
      expect(queue.body).toContainEqual(expect.objectContaining({ kind: 'waiver', id: target.id, personId, subject: 'info.interpretation', obligationCode: 'info.interpretation', reason, by: supervisorId, byName: 'supervisor', agencyName: 'Protection Unit' }));
      expect((await supervisor.get('/api/oversight/queue')).body.map((i: { id: string }) => i.id)).toContain(target.id);
      expect((await otherSupervisor.get('/api/oversight/queue')).body.map((i: { id: string }) => i.id)).not.toContain(target.id);
      expect((await officer.get('/api/oversight/queue')).status).toBe(403);
    });

    it('accepts exactly one of two concurrent waivers of the same version; the other gets 409 and leaves no audit event', async () => {
      const secondSupervisorId = await makeUser(server.platform, (await server.platform.database.db.selectFrom('users').select('agency_id').where('id', '=', supervisorId).executeTakeFirstOrThrow()).agency_id, 'supervisor', `supervisor.${Date.now()}`);
      const secondSupervisor = await sessionFor(server, secondSupervisorId);
      for (let round = 0; round < 3; round += 1) {
        const personId = await registerAt('inland', { sex: 'male', ageClaimed: 30, indicators: ['needs_interpreter'] });
        const target = (await obligations(personId)).get('info.interpretation')!;
        const answers = await Promise.all([
          supervisor.post(`/api/obligations/${target.id}/waive`, { version: target.version, reason: 'First supervisor: interpreter not needed' }),
          secondSupervisor.post(`/api/obligations/${target.id}/waive`, { version: target.version, reason: 'Second supervisor: person speaks Italian' }),
        ]);
        expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
        const winner = answers.find((a) => a.status === 200)!;
        const stored = (await obligations(personId)).get('info.interpretation')!;
        expect(stored.waiver).toEqual(winner.body.waiver);
        const audit = await server.platform.database.db.selectFrom('audit_events').select('actor_user_id').where('action', '=', 'obligation.waived').where('record_id', '=', target.id).execute();
        expect(audit).toEqual([{ actor_user_id: winner.body.waiver.by }]);
      }
    });

    it('keeps an obligation consistent when a waiver and a fulfilling assistance race: waived with its waiver, or fulfilled without one', async () => {
      for (let round = 0; round < 8; round += 1) {
        const personId = await registerAt('inland', { sex: 'male', ageClaimed: 30, indicators: ['needs_interpreter'] });
        const target = (await obligations(personId)).get('info.interpretation')!;
        const [waiver, assistance] = await Promise.all([
          supervisor.post(`/api/obligations/${target.id}/waive`, { version: target.version, reason: 'Interpreter not needed after all' }),
          officer.post(`/api/persons/${personId}/assistance`, { type: 'interpretation', givenAt: ago(60_000), language: 'ar' }),
        ]);
        expect(assistance.status).toBe(201);
        const row = await server.platform.database.db.selectFrom('obligations').selectAll().where('id', '=', target.id).executeTakeFirstOrThrow();
        if (waiver.status === 200) {
          expect(row).toMatchObject({ status: 'waived', waived_by: supervisorId, fulfilment_type: null });
        } else {
          expect(waiver.status).toBe(409);
          expect(row).toMatchObject({ status: 'fulfilled', waived_by: null, fulfilment_type: 'assistance', fulfilment_id: assistance.body.id });
        }
      }
    });

    it('refuses to waive a standing obligation with 422, and a fulfilled one with 409', async () => {
      const personId = await registerAt('inland', { sex: 'male', ageClaimed: 30, indicators: ['medical_emergency', 'fear_of_return'] });
      const owed = await obligations(personId);
      for (const code of ['protection.non_criminalization', 'protection.non_refoulement', 'protection.confidentiality']) {
        const standing = owed.get(code)!;
        const answer = await supervisor.post(`/api/obligations/${standing.id}/waive`, { version: standing.version, reason: 'We would rather not have this obligation' });
        expect(answer.status, code).toBe(422);
        // Said to a person: which protection and why, not the field's name; the id stays machine-readable.
        expect(answer.body).toMatchObject({ type: expect.stringMatching(/\/standing-protection$/), title: 'A standing protection cannot be waived', obligationCode: code, errors: [{ field: 'obligationId' }] });
        expect(answer.body.detail).toMatch(/^[A-Z].*standing protection.*nobody can waive it\.$/);
        expect(answer.body.detail).not.toContain('obligationId');
        expect((await obligations(personId)).get(code)!.status).toBe('open');
      }
      await give(personId, 'emergency_medical');
      const fulfilled = (await obligations(personId)).get('life.emergency_care')!;
      const answer = await supervisor.post(`/api/obligations/${fulfilled.id}/waive`, { version: fulfilled.version, reason: 'Not needed, it was fulfilled anyway' });
      expect(answer.status).toBe(409);
      expect((await obligations(personId)).get('life.emergency_care')!.status).toBe('fulfilled');
    });

    it('hides an obligation of another agency’s case from its supervisor', async () => {
      const personId = await registerAt('inland', { sex: 'male', ageClaimed: 30, indicators: ['needs_interpreter'] });
      const target = (await obligations(personId)).get('info.interpretation')!;
      const answer = await otherSupervisor.post(`/api/obligations/${target.id}/waive`, { version: target.version, reason: 'Waiving someone else’s case' });
      expect(answer.status).toBe(404);
      expect((await obligations(personId)).get('info.interpretation')!.status).toBe('open');
    });
  });

  describe('work queues', () => {
    beforeAll(async () => {
      const agency = await makeAgency(server.platform, 'Queue Unit');
      queueOfficerId = await makeUser(server.platform, agency, 'protection_officer', 'queue.officer');
      queueOfficer = await sessionFor(server, queueOfficerId);
    });

    it('lists my open obligations by dueBy, my agency’s overdue and due in 24 hours, and cases with open guards', async () => {
      const early = await registerAt('land_apprehension', { sex: 'male', ageClaimed: 30, indicators: ['medical_emergency'] }, 150, queueOfficer);
      const fearful = await registerAt('inland', { sex: 'female', ageClaimed: 30, indicators: ['fear_of_return'] }, 5, queueOfficer);
      const plain = await registerAt('inland', { sex: 'male', ageClaimed: 30 }, 5, queueOfficer);

      const mine = await queueOfficer.get('/api/queues/my-obligations');
      expect(mine.status).toBe(200);
      const items = mine.body as Obligation[];
      expect(new Set(items.map((o) => o.personId))).toEqual(new Set([early, fearful, plain]));
      expect(items.every((o) => o.dueBy !== null && (o.status === 'open' || o.status === 'overdue'))).toBe(true);
      const dues = items.map((o) => Date.parse(o.dueBy!));
      expect(dues).toEqual([...dues].sort((a, b) => a - b));
      expect(items[0]).toMatchObject({ personId: early, code: 'life.emergency_care', status: 'overdue' });
      // The officer of another agency sees none of these.
      expect((await officer.get('/api/queues/my-obligations')).body.map((o: Obligation) => o.personId)).not.toContain(early);

      const overdue = await queueOfficer.get('/api/queues/agency-obligations?window=overdue');
      expect(overdue.status).toBe(200);
      expect(overdue.body.map((o: Obligation) => [o.personId, o.code])).toEqual([[early, 'life.emergency_care']]);
      const due24h = await queueOfficer.get('/api/queues/agency-obligations?window=due24h');
      const due = due24h.body as Obligation[];
      expect(due.length).toBeGreaterThan(0);
      expect(due.every((o) => Date.parse(o.dueBy!) >= now() && Date.parse(o.dueBy!) < now() + 24 * HOUR)).toBe(true);
      expect(due.map((o) => o.code)).toContain('info.rights');
      expect(due.map((o) => o.code)).not.toContain('protection.asylum_referral');
      expect((await queueOfficer.get('/api/queues/agency-obligations?window=someday')).status).toBe(400);

      const guards = await queueOfficer.get('/api/queues/open-guards');
      expect(guards.status).toBe(200);
      const entry = (guards.body as { personId: string; blockingObligations: string[] }[]).find((g) => g.personId === fearful);
      expect(entry?.blockingObligations).toEqual(expect.arrayContaining(['protection.confidentiality', 'protection.non_refoulement']));
      expect(guards.body.map((g: { personId: string }) => g.personId)).not.toContain(plain);
    });

    it('names the person of each queued obligation and guard, each name a read in the audit trail', async () => {
      const named = await registerAt('land_apprehension', { givenName: 'Queue-Hawa', familyName: 'Queue-Kamara', sex: 'female', ageClaimed: 30, indicators: ['medical_emergency', 'fear_of_return'] }, 150, queueOfficer);
      const unnamed = await registerAt('land_apprehension', { sex: 'male', ageClaimed: 30, indicators: ['medical_emergency'] }, 150, queueOfficer);
      const before = await server.platform.database.db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      const overdue = (await queueOfficer.get('/api/queues/agency-obligations?window=overdue')).body as (Obligation & { personName: string | null })[];
      expect(overdue.find((o) => o.personId === named)).toMatchObject({ personName: 'Queue-Hawa Queue-Kamara' });
      expect(overdue.find((o) => o.personId === unnamed)).toMatchObject({ personName: null });
      const reads = await server.platform.database.db.selectFrom('audit_events').select(['action', 'record_id', 'fields']).where('seq', '>', before.seq).where('record_id', '=', named).execute();
      expect(reads).toEqual([{ action: 'person.read', record_id: named, fields: JSON.stringify(['familyName', 'givenName']) }]);
      const guards = (await queueOfficer.get('/api/queues/open-guards')).body as { personId: string; personName: string | null }[];
      expect(guards.find((g) => g.personId === named)).toMatchObject({ personName: 'Queue-Hawa Queue-Kamara' });
    });
  });
});
