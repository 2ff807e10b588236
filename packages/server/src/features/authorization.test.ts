import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '@haven/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSecret, secretHash } from '../platform/auth/tokens.js';
import { undocumentedAnswer, type DescribedAnswers } from '../test-support/api-description.js';
import { AUTHORIZATION_MATRIX, DOCUMENTATION_PREFIX, REFUSED_OVERRIDES, type TargetKind, type Targets } from '../test-support/authorization-matrix.js';
import { databaseKinds } from '../test-support/databases.js';
import { anonymous, makeAgency, makeUser, sessionFor, startTestServer, type HttpAnswer, type TestServer } from '../test-support/server.js';

// Refusals that mean "not allowed to call this"; any other answer means the call was let through.
const DENIED = new Set(['unauthorized', 'forbidden', 'sign-in-incomplete', 'conduct-not-accepted']);
const problemCode = (answer: HttpAnswer): string | undefined =>
  typeof answer.body?.type === 'string' ? String(answer.body.type).split('/').pop() : undefined;

function describeAnswer(answer: HttpAnswer): string {
  return `${answer.status} ${problemCode(answer) ?? ''} ${answer.body?.detail ?? ''}`;
}

describe.each(await databaseKinds())('authorization matrix on %s', (kind) => {
  let server: TestServer;
  /** The API description: every answer below must be one it lists for the operation. */
  let description: DescribedAnswers;
  const users = new Map<Role, string>();
  const world = { agencyA: '', agencyB: '', personA: '', personB: '', userA: '', userB: '', encounterA: '', encounterB: '' };
  /** Justice and oversight records of each agency. */
  const justice = { investigationA: '', investigationB: '', linkA: '', linkB: '', measureA: '', measureB: '', incidentA: '', incidentB: '', allegationA: '', allegationB: '' };

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    description = (await anonymous(server).get('/api/openapi.json')).body as DescribedAnswers;
    const { platform } = server;
    world.agencyA = await makeAgency(platform, 'Agency A');
    world.agencyB = await makeAgency(platform, 'Agency B', 'ngo');
    for (const role of ROLES) users.set(role, await makeUser(platform, world.agencyA, role, `${role.replace(/_/g, '-')}.a`));
    world.userA = await makeUser(platform, world.agencyA, 'first_responder', 'colleague.a');
    world.userB = await makeUser(platform, world.agencyB, 'protection_officer', 'officer.b');
    const officerA = await sessionFor(server, users.get('protection_officer')!);
    const officerB = await sessionFor(server, world.userB);
    const encounter = { type: 'rescue_at_sea', occurredAt: '2026-03-01T05:00:00Z', place: { name: 'Matrix bay' } };
    world.encounterA = (await officerA.post('/api/encounters', encounter)).body.id;
    world.encounterB = (await officerB.post('/api/encounters', encounter)).body.id;
    const person = (name: string) => ({ persons: [{ givenName: name, sex: 'female', ageClaimed: 16, accompaniment: 'unaccompanied', indicators: ['fear_of_return'] }] });
    world.personA = (await officerA.post(`/api/encounters/${world.encounterA}/persons`, person('Own'))).body.persons[0].id;
    world.personB = (await officerB.post(`/api/encounters/${world.encounterB}/persons`, person('Other'))).body.persons[0].id;
    for (const [caller, personId] of [[officerA, world.personA], [officerB, world.personB]] as const) {
      const detention = await caller.post(`/api/persons/${personId}/detentions`, { place: 'Station', since: '2026-03-01T05:30:00Z', legalBasis: 'Law 1' });
      expect(detention.status).toBe(201);
    }
    // Each agency's person is a witness in its own agency's investigation, with a measure, an incident and an allegation.
    const investigatorA = await sessionFor(server, users.get('investigator')!);
    const investigatorB = await sessionFor(server, await makeUser(platform, world.agencyB, 'investigator', 'investigator.b'));
    for (const [side, officer, investigator, personId, agencyId] of [
      ['A', officerA, investigatorA, world.personA, world.agencyA],
      ['B', officerB, investigatorB, world.personB, world.agencyB],
    ] as const) {
      const investigation = await investigator.post('/api/investigations', { reference: `MATRIX-${side}` });
      expect(investigation.status).toBe(201);
      const link = await officer.post(`/api/persons/${personId}/justice-links`, { investigationId: investigation.body.id, role: 'witness' });
      expect(link.status).toBe(201);
      const measure = await investigator.post(`/api/justice-links/${link.body.id}/measures`, { type: 'safe_shelter' });
      expect(measure.status).toBe(201);
      const incident = await officer.post(`/api/persons/${personId}/incidents`, { kind: 'assault' });
      expect(incident.status).toBe(201);
      const allegation = await officer.post('/api/allegations', { description: `Matrix: no water was given at crossing ${side}.` });
      expect(allegation.status).toBe(201);
      const { id: allegationId } = await platform.database.db.selectFrom('allegations').select('id').where('receipt_hash', '=', secretHash(allegation.body.receipt)).executeTakeFirstOrThrow();
      await platform.database.db.updateTable('allegations').set({ oversight_agency_id: agencyId }).where('id', '=', allegationId).execute();
      Object.assign(justice, {
        [`investigation${side}`]: investigation.body.id,
        [`link${side}`]: link.body.id,
        [`measure${side}`]: measure.body.id,
        [`incident${side}`]: incident.body.id,
        [`allegation${side}`]: allegationId,
      });
    }
  });
  afterAll(() => server.close());

  async function apiToken(userId: string): Promise<string> {
    const id = randomUUID();
    const at = server.platform.clock();
    await server.platform.database.db
      .insertInto('api_tokens')
      .values({
        id,
        user_id: userId,
        name: 'matrix',
        token_hash: secretHash(newSecret()),
        scopes: '[]',
        created_at: at.toISOString(),
        expires_at: new Date(at.getTime() + 86_400_000).toISOString(),
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    return id;
  }

  /**
   * Referral mechanism records of agency A or B, made fresh for each call: a provider run
   * by the agency, a pathway to it, a consent of the agency's person, and a sent referral from the
   * agency to its own provider (with the recipient's access grant).
   */
  async function referralRecord(kindOfRecord: 'provider' | 'pathway' | 'consent' | 'referral', side: 'A' | 'B'): Promise<Targets> {
    const { db } = server.platform.database;
    const at = server.platform.clock().toISOString();
    const agencyId = side === 'A' ? world.agencyA : world.agencyB;
    const personId = side === 'A' ? world.personA : world.personB;
    const sender = side === 'A' ? users.get('protection_officer')! : world.userB;
    if (kindOfRecord === 'consent') {
      const id = randomUUID();
      await db
        .insertInto('consents')
        .values({ id, person_id: personId, purpose: 'asylum', recipient_agency_id: agencyId, status: 'given', explained_by: sender, language: 'en', interpreter: 0, recorded_at: at, withdrawn_at: null, version: 1 })
        .execute();
      return { id, version: 1 };
    }
    const providerId = randomUUID();
    await db
      .insertInto('service_providers')
      .values({ id: providerId, agency_id: agencyId, name: `Matrix provider ${side}`, service_types: JSON.stringify(['asylum', 'health']), area: 'Matrix', languages: '[]', capacity: 10, hours: null, contact: null, version: 1, created_at: at, updated_at: at })
      .execute();
    if (kindOfRecord === 'provider') return { id: providerId, version: 1 };
    if (kindOfRecord === 'pathway') {
      const id = randomUUID();
      await db.insertInto('referral_pathways').values({ id, service_type: 'health', area: `Matrix ${id}`, provider_id: providerId, version: 1, created_at: at, updated_at: at }).execute();
      return { id, version: 1, relatedId: providerId };
    }
    const id = randomUUID();
    await db
      .insertInto('referrals')
      .values({
        id,
        reference: `HVN-MATRIX-${id}`,
        person_id: personId,
        from_agency_id: agencyId,
        sender_id: sender,
        provider_id: providerId,
        to_agency_id: agencyId,
        service_type: 'asylum',
        urgency: 'routine',
        obligations: '[]',
        due_by: null,
        status: 'sent',
        consent_id: null,
        vital_interest_by: null,
        vital_interest_reason_enc: null,
        shared_groups: JSON.stringify(['identity']),
        reason_enc: null,
        decline_reason_enc: null,
        feedback_enc: null,
        sent_at: at,
        accepted_at: null,
        completed_at: null,
        ended_at: null,
        version: 1,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await db
      .insertInto('access_grants')
      .values({ id: randomUUID(), person_id: personId, agency_id: agencyId, field_groups: JSON.stringify(['identity']), source_type: 'referral', source_id: id, created_at: at, revoked_at: null })
      .execute();
    return { id, version: 1 };
  }

  /** A record of the caller's agency (`own`) or of the other agency, with its current version. */
  async function target(kindOfRecord: TargetKind, which: 'own' | 'other', callerId: string): Promise<Targets> {
    const { db } = server.platform.database;
    switch (kindOfRecord) {
      case 'person': {
        const id = which === 'own' ? world.personA : world.personB;
        return { id, version: (await db.selectFrom('persons').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version };
      }
      case 'agency': {
        const id = which === 'own' ? world.agencyA : world.agencyB;
        return { id, version: (await db.selectFrom('agencies').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version };
      }
      case 'user': {
        const id = which === 'own' ? world.userA : world.userB;
        return { id, version: (await db.selectFrom('users').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version };
      }
      case 'api_token':
        return { id: await apiToken(which === 'own' ? callerId : world.userB), version: 1 };
      case 'encounter': {
        const id = which === 'own' ? world.encounterA : world.encounterB;
        return { id, version: (await db.selectFrom('encounters').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version };
      }
      case 'case': {
        const row = await db.selectFrom('cases').select(['id', 'version']).where('person_id', '=', which === 'own' ? world.personA : world.personB).executeTakeFirstOrThrow();
        return { id: row.id, version: row.version };
      }
      case 'obligation': {
        const row = await db
          .selectFrom('obligations')
          .select(['id', 'version'])
          .where('person_id', '=', which === 'own' ? world.personA : world.personB)
          .where('due_by', 'is not', null)
          .orderBy('code')
          .executeTakeFirstOrThrow();
        return { id: row.id, version: row.version };
      }
      case 'detention': {
        const personId = which === 'own' ? world.personA : world.personB;
        const row = await db.selectFrom('detentions').select(['id', 'version']).where('person_id', '=', personId).orderBy('created_at').executeTakeFirstOrThrow();
        return { id: row.id, version: row.version, personId };
      }
      case 'age_assessment': {
        // The person's latest assessment (15–17: the matrix's person stays a child), made if none.
        const personId = which === 'own' ? world.personA : world.personB;
        const latest = await db.selectFrom('age_assessments').select('id').where('person_id', '=', personId).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
        if (latest) return { id: latest.id, version: 1, personId };
        const id = randomUUID();
        const at = server.platform.clock().toISOString();
        await db.insertInto('age_assessments').values({ id, person_id: personId, method: 'interview', assessed_on: '2026-03-01', min_age: 15, max_age: 17, assessor: 'Matrix assessor', recorded_by: callerId, created_at: at }).execute();
        return { id, version: 1, personId };
      }
      case 'age_challenge': {
        // A fresh pending challenge of the person's latest assessment.
        const { id: assessmentId, personId } = await target('age_assessment', which, callerId);
        const id = randomUUID();
        const at = server.platform.clock().toISOString();
        await db
          .insertInto('age_challenges')
          .values({ id, assessment_id: assessmentId, kind: 'appeal', lodged_on: '2026-03-01', lodged_by: 'person', outcome: null, min_age: null, max_age: null, decided_on: null, decided_by: null, recorded_by: callerId, decision_recorded_by: null, version: 1, created_at: at, updated_at: at })
          .execute();
        return { id, version: 1, personId };
      }
      case 'notification': {
        const id = randomUUID();
        const userId = which === 'own' ? callerId : world.userB;
        await db.insertInto('notifications').values({ id, user_id: userId, kind: 'obligation_overdue', obligation_id: randomUUID(), person_id: null, created_at: server.platform.clock().toISOString(), read_at: null }).execute();
        return { id, version: 1 };
      }
      case 'investigation': {
        const id = which === 'own' ? justice.investigationA : justice.investigationB;
        return { id, version: (await db.selectFrom('investigations').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version };
      }
      case 'justice_link': {
        const id = which === 'own' ? justice.linkA : justice.linkB;
        return { id, version: (await db.selectFrom('justice_links').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version };
      }
      case 'protection_measure': {
        const id = which === 'own' ? justice.measureA : justice.measureB;
        return { id, version: (await db.selectFrom('protection_measures').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version };
      }
      case 'incident': {
        const id = which === 'own' ? justice.incidentA : justice.incidentB;
        return { id, version: (await db.selectFrom('incidents').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version };
      }
      case 'allegation': {
        const id = which === 'own' ? justice.allegationA : justice.allegationB;
        return { id, version: (await db.selectFrom('allegations').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version };
      }
      case 'provider':
      case 'pathway':
      case 'consent':
      case 'referral':
        return referralRecord(kindOfRecord, which === 'own' ? 'A' : 'B');
      case 'legal_hold': {
        // A fresh standing hold on the agency's person, placed by that agency.
        const id = randomUUID();
        await db
          .insertInto('legal_holds')
          .values({
            id,
            person_id: which === 'own' ? world.personA : world.personB,
            reason_enc: null,
            placed_by: which === 'own' ? users.get('supervisor')! : world.userB,
            agency_id: which === 'own' ? world.agencyA : world.agencyB,
            investigation_id: null,
            placed_at: server.platform.clock().toISOString(),
            released_by: null,
            released_at: null,
            release_reason_enc: null,
            version: 1,
          })
          .execute();
        return { id, version: 1 };
      }
    }
  }

  it('declares every route the server registers, and registers every route it declares', () => {
    const registered = new Set(
      server.app.havenRoutes.filter((r) => r.method !== 'HEAD' && !r.url.startsWith(DOCUMENTATION_PREFIX)).map((r) => `${r.method} ${r.url}`),
    );
    const declared = new Set(Object.keys(AUTHORIZATION_MATRIX));
    expect([...registered].filter((r) => !declared.has(r)), 'routes missing from the matrix').toEqual([]);
    expect([...declared].filter((r) => !registered.has(r)), 'matrix entries with no route').toEqual([]);
  });

  it('serves the API documentation to anyone', async () => {
    const docs = server.app.havenRoutes.filter((r) => r.url.startsWith(DOCUMENTATION_PREFIX));
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.every((r) => r.access.public === true)).toBe(true);
    expect((await anonymous(server).get(`${DOCUMENTATION_PREFIX}/`)).status).toBe(200);
  });

  for (const [name, refused] of Object.entries(REFUSED_OVERRIDES)) {
    it(`refuses ${name} to a ${refused.role}, who holds guard:override`, async () => {
      const { db } = server.platform.database;
      const caller = await sessionFor(server, users.get(refused.role)!);
      expect((await caller.get('/api/auth/me')).body.permissions).toContain('guard:override');
      const stored = async () =>
        Promise.all(
          (['guard_overrides', 'case_actions', 'consular_notifications'] as const).map(async (table) => (await db.selectFrom(table).select('id').where('person_id', '=', world.personA).execute()).length),
        );
      const before = await stored();
      const { path, body } = refused.request(world.personA);
      const answer = await caller.request(refused.method, path, body);
      expect(answer.status, describeAnswer(answer)).toBe(refused.status);
      expect(problemCode(answer), describeAnswer(answer)).toBe(refused.problem);
      expect(answer.body.protections).toEqual(refused.protections);
      expect(await stored()).toEqual(before);
    });
  }

  for (const [key, rule] of Object.entries(AUTHORIZATION_MATRIX)) {
    const [method, pattern] = key.split(' ') as [string, string];

    it(`${key}: ${rule.callers === 'public' ? 'anyone' : rule.callers === 'signed-in' ? 'every signed-in role' : rule.callers.join(', ')}${rule.target ? `; another agency's record ${rule.target.crossAgency ? 'reachable' : 'not reachable'}` : ''}`, async () => {
      // The web app's page and files are not API operations.
      const described = !(method === 'GET' && (pattern === '/' || pattern === '/*'));
      const expectDescribed = (answer: HttpAnswer, label: string) => {
        if (described) expect(undocumentedAnswer(description, method, pattern, answer.status, answer.body), label).toBeUndefined();
      };
      const registered = server.app.havenRoutes.find((r) => r.method === method && r.url === pattern);
      expect(registered, `${key} is registered`).toBeDefined();
      expect(registered!.access.public === true, `${key}: public in the route and in the matrix agree`).toBe(rule.callers === 'public');

      if (rule.callers === 'public') {
        const answer = await anonymous(server).request(method, rule.request(undefined).path, rule.request(undefined).body);
        expect(answer.status, describeAnswer(answer)).toBeLessThan(500);
        expectDescribed(answer, describeAnswer(answer));
        expect(DENIED.has(problemCode(answer) ?? '') && answer.status === 403, describeAnswer(answer)).toBe(false);
        return;
      }

      const anonymousTarget = rule.target ? await target(rule.target.kind, 'own', users.get('admin')!) : undefined;
      const anonymousRequest = rule.request(anonymousTarget);
      const nobody = await anonymous(server).request(method, anonymousRequest.path, anonymousRequest.body);
      expect(nobody.status, `${key} anonymously: ${describeAnswer(nobody)}`).toBe(401);
      expectDescribed(nobody, `${key} anonymously: ${describeAnswer(nobody)}`);

      for (const role of ROLES) {
        const userId = users.get(role)!;
        const allowed = rule.callers === 'signed-in' || rule.callers.includes(role);
        const own = rule.target ? await target(rule.target.kind, 'own', userId) : undefined;
        const request = rule.request(own);
        const answer = await (await sessionFor(server, userId)).request(method, request.path, request.body);
        const label = `${key} as ${role}: ${describeAnswer(answer)}`;
        expect(answer.status, label).toBeLessThan(500);
        expectDescribed(answer, label);
        if (!allowed) {
          expect(answer.status, label).toBe(403);
          expect(problemCode(answer), label).toBe('forbidden');
          continue;
        }
        expect(DENIED.has(problemCode(answer) ?? ''), label).toBe(false);
        if (rule.target) expect(answer.status, label).not.toBe(404);

        if (rule.target) {
          const other = await target(rule.target.kind, 'other', userId);
          const crossRequest = rule.request(other);
          const cross = await (await sessionFor(server, userId)).request(method, crossRequest.path, crossRequest.body);
          const crossLabel = `${key} as ${role} on another agency's record: ${describeAnswer(cross)}`;
          expectDescribed(cross, crossLabel);
          if (rule.target.crossAgency) {
            expect(cross.status, crossLabel).toBeLessThan(400);
          } else {
            expect(cross.status, crossLabel).toBe(404);
          }
        }
        if (rule.lists) {
          const otherId = { person: world.personB, user: world.userB, encounter: world.encounterB, investigation: justice.investigationB, allegation: justice.allegationB }[
            rule.lists.kind as 'person' | 'user' | 'encounter' | 'investigation' | 'allegation'
          ];
          // A case list names its person by personId.
          const ids = ((answer.body?.items ?? answer.body) as { id: string; personId?: string }[]).map((item) => (rule.lists!.kind === 'person' ? (item.personId ?? item.id) : item.id));
          expect(ids.includes(otherId), `${key} as ${role} lists another agency's ${rule.lists.kind}`).toBe(rule.lists.crossAgency);
        }
      }
    });
  }

  // No existence oracle: a record outside the caller's scope answers exactly as a record that does
  // not exist — same status, same problem but for the fields that name the request itself.
  const comparable = (answer: HttpAnswer) => {
    const { instance: _instance, requestId: _requestId, ...problem } = (answer.body ?? {}) as Record<string, unknown>;
    return { status: answer.status, problem };
  };

  /** Asks for each pair, as one caller: the answer about the first must be the answer about the second. */
  async function expectSameAnswers(caller: Awaited<ReturnType<typeof sessionFor>>, label: string, pairs: [{ method: string; path: string; body?: unknown }, { method: string; path: string; body?: unknown }][]) {
    for (const [outside, missing] of pairs) {
      const seen = await caller.request(outside.method, outside.path, outside.body);
      const unknown = await caller.request(missing.method, missing.path, missing.body);
      expect(seen.status, `${label}: ${outside.path} answered ${describeAnswer(seen)}`).toBeGreaterThanOrEqual(400);
      expect(comparable(seen), `${label}: ${outside.path} against ${missing.path}`).toEqual(comparable(unknown));
    }
  }

  for (const [key, rule] of Object.entries(AUTHORIZATION_MATRIX)) {
    const [method] = key.split(' ') as [string, string];
    if (!rule.target || rule.target.crossAgency || rule.callers === 'public') continue;
    const callers = rule.callers === 'signed-in' ? ROLES : rule.callers;

    it(`${key}: another agency's ${rule.target.kind} answers as one that does not exist, for ${callers.join(', ')}`, async () => {
      for (const role of callers) {
        const userId = users.get(role)!;
        const other = await target(rule.target!.kind, 'other', userId);
        // A record that does not exist, and (for a record reached through its person) one under a person that does not exist either.
        const missing: Targets = { ...other, id: randomUUID(), ...(other.personId ? { personId: randomUUID() } : {}) };
        const pairs: [Targets, Targets][] = [[other, missing]];
        if (other.personId) {
          const own = await target(rule.target!.kind, 'own', userId);
          pairs.push([{ ...other, personId: own.personId! }, { ...missing, personId: own.personId! }]);
          pairs.push([other, { ...missing, personId: other.personId }]);
        }
        await expectSameAnswers(
          await sessionFor(server, userId),
          `${key} as ${role}`,
          pairs.map(([a, b]) => [
            { method, ...rule.request(a) },
            { method, ...rule.request(b) },
          ]),
        );
      }
    });
  }

  it('cross-agency duplicate signal leaks nothing: the signal, the link request and its answers carry no personal field of the other record', async () => {
    const { platform } = server;
    const officerA = await sessionFor(server, users.get('protection_officer')!);
    const officerB = await sessionFor(server, world.userB);
    const supervisorB = await sessionFor(server, await makeUser(platform, world.agencyB, 'supervisor', 'supervisor.leak.b'));
    // The other agency's record, and the same girl as agency A wrote her down: every value differs in writing.
    const theirs = { givenName: 'Hiwet', familyName: 'Gebremariam', sex: 'female', birthDate: '2011-05-04', birthDatePrecision: 'day', nationality: 'ER' };
    const held = await officerB.post('/api/persons', theirs);
    expect(held.status, describeAnswer(held)).toBe(201);
    const secrets = [held.body.id as string, theirs.givenName, theirs.familyName, theirs.birthDate, `"${theirs.nationality}"`];
    const expectNothingOfTheirs = (answer: HttpAnswer, label: string) => {
      const text = JSON.stringify(answer.body);
      for (const secret of secrets) expect(text, `${label} carries ${secret}`).not.toContain(secret);
    };
    const mine = await officerA.post('/api/persons?duplicates=true', { givenName: 'Hiwot', familyName: 'Gebremaryam', sex: 'female', birthDate: '2011-04-05', birthDatePrecision: 'day' });
    expect(mine.status, describeAnswer(mine)).toBe(201);
    expect(mine.body.likelyMatchesElsewhere).toEqual([{ agencyId: world.agencyB, agencyName: 'Agency B', reference: expect.any(String) }]);
    expectNothingOfTheirs(mine, 'the registration answer');
    const search = await officerA.get(`/api/persons/${mine.body.id}/duplicates`);
    expect(search.body.elsewhere).toHaveLength(1);
    expectNothingOfTheirs(search, 'the duplicates answer');
    const reference = search.body.elsewhere[0].reference as string;
    expect(Buffer.from(reference, 'base64url').toString('utf8'), 'the reference').not.toContain(held.body.id);

    const asked = await officerA.post(`/api/persons/${mine.body.id}/link-requests`, { reference, kind: 'link' });
    expect(asked.status, describeAnswer(asked)).toBe(201);
    expectNothingOfTheirs(asked, 'the link request answer');
    expectNothingOfTheirs(await officerA.get('/api/link-requests'), "the requester's list");
    // The holder's side names its own record, never the requester's.
    const incoming = await officerB.get('/api/link-requests');
    expect(JSON.stringify(incoming.body)).toContain(theirs.givenName);
    for (const value of [mine.body.id, 'Hiwot', 'Gebremaryam', '2011-04-05']) expect(JSON.stringify(incoming.body), `the holder's list carries ${value}`).not.toContain(value);
    // To a third agency, another agencies' request answers as one that does not exist.
    const supervisorC = await sessionFor(server, await makeUser(platform, await makeAgency(platform, 'Agency C'), 'supervisor', 'supervisor.leak.c'));
    await expectSameAnswers(supervisorC, "deciding other agencies' link request", [
      [{ method: 'POST', path: `/api/link-requests/${asked.body.id}/accept`, body: { version: 1 } }, { method: 'POST', path: `/api/link-requests/${randomUUID()}/accept`, body: { version: 1 } }],
      [
        { method: 'POST', path: `/api/link-requests/${asked.body.id}/refuse`, body: { version: 1, reason: 'Matrix: not ours' } },
        { method: 'POST', path: `/api/link-requests/${randomUUID()}/refuse`, body: { version: 1, reason: 'Matrix: not ours' } },
      ],
    ]);
    expect((await supervisorC.get('/api/link-requests')).body.items).toEqual([]);

    // Merged away since: 409 naming the agency holding the survivor, and still nothing of either record.
    const again = await officerB.post('/api/persons', theirs);
    const merged = await supervisorB.post(`/api/persons/${again.body.id}/merge`, { duplicateId: held.body.id, reason: 'Matrix: the same girl registered twice' });
    expect(merged.status, describeAnswer(merged)).toBe(201);
    const refused = await supervisorB.post(`/api/link-requests/${asked.body.id}/accept`, { version: 1 });
    expect(refused.status, describeAnswer(refused)).toBe(409);
    const late = await (await sessionFor(server, users.get('supervisor')!)).post(`/api/persons/${mine.body.id}/link-requests`, { reference, kind: 'take_over' });
    expect(late.status, describeAnswer(late)).toBe(409);
    expect(late.body).toMatchObject({ agencyId: world.agencyB, agencyName: 'Agency B' });
    secrets.push(again.body.id);
    expectNothingOfTheirs(late, 'the merged-away answer');
  });

  it("answers another agency's merge and another user's export as ones that do not exist (ids the matrix has no target for)", async () => {
    const { platform } = server;
    const officerB = await sessionFor(server, world.userB);
    const supervisorB = await sessionFor(server, await makeUser(platform, world.agencyB, 'supervisor', 'supervisor.b'));
    const twin = { persons: [{ givenName: 'Twin', sex: 'male', ageClaimed: 30 }, { givenName: 'Twin', sex: 'male', ageClaimed: 30 }] };
    const [survivor, duplicate] = (await officerB.post(`/api/encounters/${world.encounterB}/persons`, twin)).body.persons.map((p: { id: string }) => p.id);
    const merge = await supervisorB.post(`/api/persons/${survivor}/merge`, { duplicateId: duplicate, reason: 'Matrix: the same man registered twice' });
    expect(merge.status, describeAnswer(merge)).toBe(201);
    const job = await supervisorB.post('/api/exports/indicators', { format: 'csv' });
    expect(job.status, describeAnswer(job)).toBe(202);

    const nobody = randomUUID();
    const supervisorA = await sessionFor(server, users.get('supervisor')!);
    await expectSameAnswers(supervisorA, 'unmerge as a supervisor of another agency', [
      [{ method: 'POST', path: `/api/person-merges/${merge.body.id}/unmerge` }, { method: 'POST', path: `/api/person-merges/${nobody}/unmerge` }],
    ]);
    for (const role of ROLES) {
      await expectSameAnswers(await sessionFor(server, users.get(role)!), `exports as ${role}`, [
        [{ method: 'GET', path: `/api/exports/${job.body.id}` }, { method: 'GET', path: `/api/exports/${nobody}` }],
        [{ method: 'POST', path: `/api/exports/${job.body.id}/download`, body: {} }, { method: 'POST', path: `/api/exports/${nobody}/download`, body: {} }],
      ]);
    }
  });
});

/**
 * Refusals the matrix above cannot express as "role × route": nobody grants themself access to
 * case data, and one administrator alone grants nobody access to it (four eyes).
 */
describe.each(await databaseKinds())('self-granted access to case data, refused on %s', (kind) => {
  let server: TestServer;
  const world = { agencyA: '', agencyB: '', personB: '', adminA: '', colleague: '' };

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const { platform } = server;
    world.agencyA = await makeAgency(platform, 'Agency A');
    world.agencyB = await makeAgency(platform, 'Agency B', 'ngo');
    world.adminA = await makeUser(platform, world.agencyA, 'admin', 'admin.a');
    world.colleague = await makeUser(platform, world.agencyA, 'first_responder', 'colleague.a');
    const officerB = await sessionFor(server, await makeUser(platform, world.agencyB, 'protection_officer', 'officer.b'));
    const person = await officerB.post('/api/persons', { givenName: 'Hiwet', familyName: 'Gebremariam', sex: 'female' });
    expect(person.status).toBe(201);
    world.personB = person.body.id;
  });
  afterAll(() => server.close());

  const fields = (answer: HttpAnswer): string[] => (answer.body?.errors ?? []).map((e: { field: string }) => e.field);
  const roleOf = async (userId: string) =>
    server.platform.database.db.selectFrom('users').select(['role', 'agency_id', 'version', 'approved']).where('id', '=', userId).executeTakeFirstOrThrow();

  it('refuses an administrator changing their own role or agency with 422 naming the field', async () => {
    const adminA = await sessionFor(server, world.adminA);
    for (const [changes, field] of [
      [{ role: 'supervisor' }, 'role'],
      [{ agencyId: world.agencyB }, 'agencyId'],
      [{ role: 'supervisor', agencyId: world.agencyB }, 'role'],
    ] as const) {
      const answer = await adminA.patch(`/api/admin/users/${world.adminA}`, { version: 1, ...changes });
      expect(answer.status, describeAnswer(answer)).toBe(422);
      expect(fields(answer)).toEqual([field]);
    }
    expect(await roleOf(world.adminA)).toMatchObject({ role: 'admin', agency_id: world.agencyA, version: 1 });
    expect((await (await sessionFor(server, world.adminA)).get(`/api/persons/${world.personB}`)).status).toBe(403);
  });

  it('leaves a grant by the single administrator without effect: self-approval is refused, and the account still cannot read the other agency\'s persons', async () => {
    const admins = await server.platform.database.db.selectFrom('users').select('id').where('role', '=', 'admin').execute();
    expect(admins.map((a) => a.id)).toEqual([world.adminA]);
    const adminA = await sessionFor(server, world.adminA);
    const requested = await adminA.patch(`/api/admin/users/${world.colleague}`, { version: 1, role: 'supervisor', agencyId: world.agencyB });
    expect(requested.status, describeAnswer(requested)).toBe(202);
    const approval = await adminA.post(`/api/admin/access-changes/${requested.body.pendingChange.id}/approve`);
    expect(approval.status, describeAnswer(approval)).toBe(403);
    expect(problemCode(approval)).toBe('second-administrator-required');
    expect(await roleOf(world.colleague)).toMatchObject({ role: 'first_responder', agency_id: world.agencyA });
    expect((await (await sessionFor(server, world.colleague)).get(`/api/persons/${world.personB}`)).status).toBe(404);

    // Nor can the single administrator make a second one to approve it: that account cannot sign
    // in before a second administrator approves it, and decides nothing meanwhile.
    const puppet = await adminA.post('/api/admin/users', { agencyId: world.agencyA, username: 'admin.puppet', displayName: 'Puppet', role: 'admin', password: 'puppet-harbour-lantern-5' });
    expect(puppet.status).toBe(201);
    expect(puppet.body).toMatchObject({ approved: false, pendingChange: { status: 'pending' } });
    expect((await anonymous(server).post('/api/auth/login', { username: 'admin.puppet', password: 'puppet-harbour-lantern-5' })).status).toBe(401);
    expect((await adminA.post(`/api/admin/access-changes/${puppet.body.pendingChange.id}/approve`)).status).toBe(403);
    expect((await adminA.post(`/api/admin/access-changes/${requested.body.pendingChange.id}/withdraw`)).status).toBe(200);
    expect((await adminA.post(`/api/admin/access-changes/${puppet.body.pendingChange.id}/withdraw`)).status).toBe(200);
    expect(await roleOf(world.colleague)).toMatchObject({ role: 'first_responder', agency_id: world.agencyA });
  });

  it('closes the exploit end to end: with two administrators, A cannot make themself supervisor of B, and a colleague moved there reads B\'s persons only once B\'s administrator approves', async () => {
    const adminB = await sessionFor(server, await makeUser(server.platform, world.agencyB, 'admin', 'admin.b'));
    const adminA = await sessionFor(server, world.adminA);
    const self = await adminA.patch(`/api/admin/users/${world.adminA}`, { version: 1, role: 'supervisor', agencyId: world.agencyB });
    expect(self.status, describeAnswer(self)).toBe(422);
    expect((await (await sessionFor(server, world.adminA)).get(`/api/persons/${world.personB}`)).status).toBe(403);

    const { version } = await roleOf(world.colleague);
    const moved = await adminA.patch(`/api/admin/users/${world.colleague}`, { version, role: 'supervisor', agencyId: world.agencyB });
    expect(moved.status, describeAnswer(moved)).toBe(202);
    expect(moved.body.pendingChange).toMatchObject({ roleFrom: 'first_responder', roleTo: 'supervisor', agencyFrom: { name: 'Agency A' }, agencyTo: { name: 'Agency B' } });
    const before = await sessionFor(server, world.colleague);
    const refused = await before.get(`/api/persons/${world.personB}`);
    expect(refused.status).toBe(404);
    expect(JSON.stringify(refused.body)).not.toContain('Hiwet');

    const approved = await adminB.post(`/api/admin/access-changes/${moved.body.pendingChange.id}/approve`);
    expect(approved.status, describeAnswer(approved)).toBe(200);
    expect((await before.get('/api/auth/me')).status).toBe(401);
    const after = await (await sessionFor(server, world.colleague)).get(`/api/persons/${world.personB}`);
    expect(after.status, describeAnswer(after)).toBe(200);
    expect(JSON.stringify(after.body)).toContain('Hiwet');
  });
});
